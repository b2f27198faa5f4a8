/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include <string.h>

#include "da-chat-error.h"
#include "da-llm-error.h"
#include "da-human-input-request-private.h"
#include "da-group-chat-private.h"

/* Speaker selection. Every path ends in _da_group_chat_speak() or
 * _da_group_chat_finish(); the asynchronous ones (manual, selector)
 * check that their run is still the current one when they resume.
 *
 * Selector fallback: when the LLM has not named exactly one eligible
 * participant after max-selector-attempts answers, the previous speaker
 * speaks again if it is eligible, else the first eligible participant in
 * round-robin order after it (AutoGen AgentChat's rule). Manual
 * fallback (an empty answer, "q", or three invalid answers) is the next
 * eligible participant in round-robin order. */

#define MANUAL_MAX_ATTEMPTS 3

typedef struct
{
  DaGroupChat *self;
  guint        run_id;
  GPtrArray   *candidates;
  DaRequest   *request;
  DaMessage   *reply;
  char        *prompt;
  guint        attempt;
} SelectData;

static SelectData *
select_data_new (DaGroupChat *self,
                 GPtrArray   *candidates)
{
  SelectData *data = g_new0 (SelectData, 1);

  data->self = g_object_ref (self);
  data->run_id = self->run_id;
  data->candidates = g_ptr_array_ref (candidates);
  return data;
}

static void
select_data_free (SelectData *data)
{
  g_clear_object (&data->self);
  g_clear_pointer (&data->candidates, g_ptr_array_unref);
  g_clear_pointer (&data->request, da_request_unref);
  g_clear_object (&data->reply);
  g_clear_pointer (&data->prompt, g_free);
  g_free (data);
}

static DaMessage *
last_message_of (DaGroupChat *self,
                 DaAgent     *agent)
{
  const char *name = da_agent_get_name (agent);

  for (guint i = self->messages->len; i > 0; i--)
    {
      DaMessage *message = g_ptr_array_index (self->messages, i - 1);

      if (da_message_get_role (message) != DA_ROLE_TOOL &&
          g_strcmp0 (da_message_get_sender (message), name) == 0)
        return message;
    }
  return NULL;
}

static gboolean
edge_open (const DaTransition *edge,
           DaMessage          *message)
{
  return edge->condition == NULL ||
         (message != NULL && strstr (da_message_get_content (message), edge->condition) != NULL);
}

static gboolean
has_open_edge (GPtrArray *edges,
               DaAgent   *to,
               DaMessage *message)
{
  for (guint i = 0; edges != NULL && i < edges->len; i++)
    {
      const DaTransition *edge = g_ptr_array_index (edges, i);

      if (edge->to == to && edge_open (edge, message))
        return TRUE;
    }
  return FALSE;
}

/* The participants that may speak after the last speaker, in order. */
static GPtrArray *
eligible_speakers (DaGroupChat *self)
{
  GPtrArray *candidates = g_ptr_array_new ();
  DaAgent *last = self->last_speaker;
  gboolean filter = last != NULL && g_hash_table_size (self->transitions) > 0;
  GPtrArray *edges = filter ? g_hash_table_lookup (self->transitions, last) : NULL;
  DaMessage *message = filter ? last_message_of (self, last) : NULL;

  for (guint i = 0; i < self->participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, i);

      if (filter)
        {
          gboolean listed = has_open_edge (edges, agent, message);

          if (listed != (self->transitions_kind == DA_TRANSITIONS_ALLOWED))
            continue;
        }
      if (!self->allow_repeat_speaker && agent == last)
        continue;
      g_ptr_array_add (candidates, agent);
    }

  return candidates;
}

/* The first candidate after @after in participant order. */
static DaAgent *
round_robin_after (DaGroupChat *self,
                   DaAgent     *after,
                   GPtrArray   *candidates)
{
  guint n = self->participants->len;
  guint start = 0;

  if (after != NULL && g_ptr_array_find (self->participants, after, &start))
    start++;

  for (guint k = 0; k < n; k++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, (start + k) % n);

      if (g_ptr_array_find (candidates, agent, NULL))
        return agent;
    }
  return NULL;
}

static char *
candidate_names (GPtrArray *candidates)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < candidates->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            da_agent_get_name (g_ptr_array_index (candidates, i)));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Manual selection */

static void ask_person (SelectData *data);

static void
manual_answered_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SelectData *data = user_data;
  DaGroupChat *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  DaAgent *chosen = NULL;
  guint64 number;

  answer = _da_human_input_request_finish (DA_HUMAN_INPUT_REQUEST (object), result, &error);

  if (!_da_group_chat_is_current (self, data->run_id))
    goto out;

  if (answer == NULL)
    {
      if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
        _da_group_chat_finish (self,
                               g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "The chat was cancelled"),
                               "cancelled");
      else
        _da_group_chat_finish (self, NULL, "manual_selection_cancelled");
      goto out;
    }

  g_strstrip (answer);
  if (answer[0] == '\0' || g_str_equal (answer, "q"))
    {
      _da_group_chat_speak (self, round_robin_after (self, self->last_speaker, data->candidates),
                            "manual_fallback");
      goto out;
    }

  if (g_ascii_string_to_unsigned (answer, 10, 1, data->candidates->len, &number, NULL))
    chosen = g_ptr_array_index (data->candidates, number - 1);
  for (guint i = 0; chosen == NULL && i < data->candidates->len; i++)
    if (g_ascii_strcasecmp (answer, da_agent_get_name (g_ptr_array_index (data->candidates, i))) == 0)
      chosen = g_ptr_array_index (data->candidates, i);

  if (chosen != NULL)
    {
      _da_group_chat_speak (self, chosen, "manual");
      goto out;
    }

  if (++data->attempt >= MANUAL_MAX_ATTEMPTS)
    {
      _da_group_chat_speak (self, round_robin_after (self, self->last_speaker, data->candidates),
                            "manual_fallback");
      goto out;
    }

  ask_person (data);
  return;

out:
  select_data_free (data);
}

static void
ask_person (SelectData *data)
{
  DaGroupChat *self = data->self;
  GCancellable *cancellable = self->run_cancellable;
  g_autoptr(GString) prompt = g_string_new (NULL);
  DaHumanInputRequest *request;

  if (data->attempt > 0)
    g_string_append_printf (prompt, "Invalid input. Please enter a number between 1 and %u.\n",
                            data->candidates->len);
  g_string_append (prompt, "Please select the next speaker from the following list:\n");
  for (guint i = 0; i < data->candidates->len; i++)
    g_string_append_printf (prompt, "%u: %s\n", i + 1,
                            da_agent_get_name (g_ptr_array_index (data->candidates, i)));
  g_string_append (prompt, "Enter the number of the next speaker "
                           "(enter nothing or `q` to use auto selection): ");

  request = _da_human_input_request_new (DA_AGENT (self->manager), prompt->str, cancellable,
                                         manual_answered_cb, data);
  self->selection_handler (self, prompt->str, data->candidates, cancellable, request,
                           self->selection_data);
  g_object_unref (request);
}

/* Selector (an LLM picks) */

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* Whether @needle occurs in @haystack (both lower case) as a whole word. */
static gboolean
mentions (const char *haystack,
          const char *needle)
{
  gsize len = strlen (needle);

  if (len == 0)
    return FALSE;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    {
      gboolean start_ok = p == haystack ||
                          !is_word_char (g_utf8_get_char (g_utf8_find_prev_char (haystack, p)));
      gboolean end_ok = p[len] == '\0' || !is_word_char (g_utf8_get_char (p + len));

      if (start_ok && end_ok)
        return TRUE;
    }
  return FALSE;
}

/**
 * _da_selector_parse_answer:
 * @answer: what the selector model answered (any bytes)
 * @candidates: (element-type DaAgent): the eligible participants
 *
 * The answer names a participant when, trimmed of spaces, quotes and
 * final punctuation, it is that name (ignoring case), or when it
 * mentions exactly one candidate as a whole word (ignoring case; a name
 * with underscores also matches with spaces).
 *
 * Returns: (transfer none): the participant, or %NULL with
 *   %DA_CHAT_ERROR_INVALID_SELECTION whose message is the feedback to
 *   give the model
 */
DaAgent *
_da_selector_parse_answer (const char  *answer,
                           GPtrArray   *candidates,
                           GError     **error)
{
  g_autofree char *valid = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *names = NULL;
  DaAgent *found = NULL;
  guint n_found = 0;
  char *trimmed;

  g_return_val_if_fail (candidates != NULL, NULL);

  valid = g_utf8_make_valid (answer != NULL ? answer : "", -1);
  lower = g_utf8_strdown (valid, -1);

  trimmed = g_strstrip (lower);
  while (*trimmed != '\0' && strchr ("\"'`*", *trimmed) != NULL)
    trimmed++;
  for (gsize len = strlen (trimmed); len > 0 && strchr ("\"'`*.!", trimmed[len - 1]) != NULL; len--)
    trimmed[len - 1] = '\0';

  for (guint i = 0; i < candidates->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (candidates, i);
      g_autofree char *name = g_utf8_strdown (da_agent_get_name (agent), -1);

      if (g_str_equal (trimmed, name))
        return agent;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (candidates, i);
      g_autofree char *name = g_utf8_strdown (da_agent_get_name (agent), -1);
      g_autofree char *spaced = g_strdelimit (g_strdup (name), "_", ' ');

      if (mentions (trimmed, name) || (!g_str_equal (name, spaced) && mentions (trimmed, spaced)))
        {
          found = agent;
          n_found++;
        }
    }

  if (n_found == 1)
    return found;

  names = candidate_names (candidates);
  if (n_found == 0)
    g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_SELECTION,
                 "No valid name was mentioned. Please select from: %s.", names);
  else
    g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_SELECTION,
                 "Expected exactly one name to be mentioned. Please select only one from: %s.",
                 names);
  return NULL;
}

static char *
build_selector_prompt (DaGroupChat *self,
                       GPtrArray   *candidates)
{
  g_autoptr(GString) roles = g_string_new (NULL);
  g_autoptr(GString) history = g_string_new (NULL);
  g_autoptr(GString) prompt = g_string_new (self->selector_prompt);
  g_autofree char *names = candidate_names (candidates);
  g_autofree char *participants = g_strdup_printf ("[%s]", names);

  for (guint i = 0; i < candidates->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (candidates, i);
      const char *description = da_agent_get_description (agent);

      g_string_append_printf (roles, "%s%s: %s", i > 0 ? "\n" : "", da_agent_get_name (agent),
                              description != NULL ? description : "");
    }

  for (guint i = 0; i < self->messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (self->messages, i);

      if (da_message_get_role (message) == DA_ROLE_TOOL)
        continue;
      g_string_append_printf (history, "%s%s: %s", history->len > 0 ? "\n" : "",
                              da_message_get_sender (message), da_message_get_content (message));
    }

  g_string_replace (prompt, "{roles}", roles->str, 0);
  g_string_replace (prompt, "{participants}", participants, 0);
  g_string_replace (prompt, "{history}", history->str, 0);
  return g_string_free (g_steal_pointer (&prompt), FALSE);
}

static void ask_selector (SelectData *data);

static void
selector_fallback (SelectData *data)
{
  DaGroupChat *self = data->self;
  DaAgent *fallback;

  if (self->last_speaker != NULL && g_ptr_array_find (data->candidates, self->last_speaker, NULL))
    fallback = self->last_speaker;
  else
    fallback = round_robin_after (self, self->last_speaker, data->candidates);

  g_debug ("The selector named no valid speaker in %u attempts; %s speaks",
           data->attempt, da_agent_get_name (fallback));
  _da_group_chat_speak (self, fallback, "selector_fallback");
}

static void
selector_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SelectData *data = user_data;
  DaGroupChat *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) answer = NULL;
  g_autoptr(DaMessage) feedback = NULL;
  DaAgent *chosen;

  if (!da_provider_stream_finish (DA_PROVIDER (object), result, &error))
    {
      if (!_da_group_chat_is_current (self, data->run_id))
        goto out;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED) ||
          g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
        {
          _da_group_chat_finish (self,
                                 g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      "The chat was cancelled"),
                                 "cancelled");
        }
      else
        {
          g_autofree char *reason = g_strdup_printf ("error: speaker selection: %s", error->message);

          g_signal_emit_by_name (self, "error", self->manager, error);
          _da_group_chat_finish (self, g_steal_pointer (&error), reason);
        }
      goto out;
    }

  if (!_da_group_chat_is_current (self, data->run_id))
    goto out;

  da_message_set_state (data->reply, DA_MESSAGE_STATE_COMPLETE);
  data->attempt++;
  if (_da_group_chat_selector_usage (self, data->reply))
    goto out;

  chosen = _da_selector_parse_answer (da_message_get_content (data->reply), data->candidates, &error);
  if (chosen != NULL)
    {
      _da_group_chat_speak (self, chosen, "selector");
      goto out;
    }

  if (data->attempt >= self->max_selector_attempts)
    {
      selector_fallback (data);
      goto out;
    }

  /* Ask again, showing the model its answer and what was wrong. */
  answer = da_message_new (DA_ROLE_ASSISTANT, da_agent_get_name (DA_AGENT (self->manager)),
                           da_message_get_content (data->reply));
  feedback = da_message_new (DA_ROLE_USER, "user", error->message);
  da_request_add_message (data->request, answer);
  da_request_add_message (data->request, feedback);
  ask_selector (data);
  return;

out:
  select_data_free (data);
}

static void
ask_selector (SelectData *data)
{
  DaGroupChat *self = data->self;

  g_clear_object (&data->reply);
  data->reply = da_message_new_streaming (da_agent_get_name (DA_AGENT (self->manager)));
  da_provider_stream_async (self->selector_provider, data->request, data->reply,
                            self->run_cancellable, selector_cb, data);
}

static void
start_selector (DaGroupChat *self,
                GPtrArray   *candidates)
{
  SelectData *data = select_data_new (self, candidates);
  g_autofree char *prompt = build_selector_prompt (self, candidates);
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, "user", prompt);

  data->request = da_request_new (self->selector_model);
  data->request->temperature = 0;
  da_request_add_message (data->request, message);
  ask_selector (data);
}

/* Graph */

/**
 * _da_group_chat_graph_advance:
 *
 * After @speaker's @message, queues the targets of its open edges (once
 * each) for graph selection.
 */
void
_da_group_chat_graph_advance (DaGroupChat *self,
                              DaAgent     *speaker,
                              DaMessage   *message)
{
  GPtrArray *edges = g_hash_table_lookup (self->transitions, speaker);

  self->graph_started = TRUE;
  for (guint i = 0; edges != NULL && i < edges->len; i++)
    {
      const DaTransition *edge = g_ptr_array_index (edges, i);

      if (edge_open (edge, message) && g_queue_find (&self->graph_ready, edge->to) == NULL)
        g_queue_push_tail (&self->graph_ready, edge->to);
    }
}

static void
graph_start (DaGroupChat *self)
{
  GHashTableIter iter;
  GPtrArray *edges;
  g_autoptr(GHashTable) targets = g_hash_table_new (NULL, NULL);

  g_hash_table_iter_init (&iter, self->transitions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&edges))
    for (guint i = 0; i < edges->len; i++)
      g_hash_table_add (targets, ((DaTransition *)g_ptr_array_index (edges, i))->to);

  for (guint i = 0; i < self->participants->len; i++)
    if (!g_hash_table_contains (targets, g_ptr_array_index (self->participants, i)))
      g_queue_push_tail (&self->graph_ready, g_ptr_array_index (self->participants, i));

  if (g_queue_is_empty (&self->graph_ready))
    g_queue_push_tail (&self->graph_ready, g_ptr_array_index (self->participants, 0));
  self->graph_started = TRUE;
}

/* The first participant opens a swarm, unless it is the initiator that
 * has just posted the task: then the next one does. */
static DaAgent *
swarm_opener (DaGroupChat *self)
{
  DaAgent *first = g_ptr_array_index (self->participants, 0);

  if (first == self->initiator && self->participants->len > 1)
    return g_ptr_array_index (self->participants, 1);
  return first;
}

/**
 * _da_group_chat_select:
 *
 * Picks the next speaker and makes it speak, or ends the run.
 */
void
_da_group_chat_select (DaGroupChat *self)
{
  g_autoptr(GPtrArray) candidates = NULL;

  g_assert (self->task != NULL);

  switch (self->selection)
    {
    case DA_SPEAKER_SELECTION_SWARM:
      if (self->handoff_target != NULL)
        _da_group_chat_speak (self, self->handoff_target, "handoff");
      else
        _da_group_chat_speak (self,
                              self->last_speaker ? self->last_speaker : swarm_opener (self),
                              "swarm");
      return;

    case DA_SPEAKER_SELECTION_GRAPH:
      {
        DaAgent *next;

        if (!self->graph_started)
          graph_start (self);
        next = g_queue_pop_head (&self->graph_ready);
        if (next == NULL)
          {
            /* A later run starts the graph over. */
            self->graph_started = FALSE;
            _da_group_chat_finish (self, NULL, "graph_complete");
          }
        else
          {
            _da_group_chat_speak (self, next, "graph");
          }
        return;
      }

    default:
      break;
    }

  candidates = eligible_speakers (self);
  if (candidates->len == 0)
    {
      g_autofree char *reason =
        g_strdup_printf ("no_eligible_speaker: no participant may speak after %s",
                         self->last_speaker ? da_agent_get_name (self->last_speaker) : "the task");

      _da_group_chat_finish (self, NULL, reason);
      return;
    }

  switch (self->selection)
    {
    case DA_SPEAKER_SELECTION_ROUND_ROBIN:
      _da_group_chat_speak (self, round_robin_after (self, self->last_speaker, candidates),
                            "round_robin");
      break;

    case DA_SPEAKER_SELECTION_RANDOM:
      _da_group_chat_speak (self,
                            g_ptr_array_index (candidates,
                                               g_rand_int_range (self->rand, 0, candidates->len)),
                            "random");
      break;

    case DA_SPEAKER_SELECTION_MANUAL:
      if (self->selection_handler == NULL)
        _da_group_chat_finish (self, NULL, "human_absent: no speaker selection handler");
      else
        ask_person (select_data_new (self, candidates));
      break;

    case DA_SPEAKER_SELECTION_SELECTOR:
      if (candidates->len == 1)
        _da_group_chat_speak (self, g_ptr_array_index (candidates, 0), "only_candidate");
      else
        start_selector (self, candidates);
      break;

    case DA_SPEAKER_SELECTION_SWARM:
    case DA_SPEAKER_SELECTION_GRAPH:
    default:
      g_assert_not_reached ();
    }
}
