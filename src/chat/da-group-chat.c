/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include <string.h>

#include "da-util.h"
#include "da-chat-error.h"
#include "da-llm-error.h"
#include "da-group-chat-private.h"

/**
 * DaGroupChat:
 *
 * A team of agents talking in one shared thread, as AutoGen's GroupChat
 * and its AgentChat teams. A manager (a #DaConversableAgent named
 * "chat_manager") stands between the participants: every message of the
 * thread reaches every participant's history with the manager, through a
 * #DaMessageRouter, and a speaker answers that history
 * (da_agent_generate_reply_async() with the manager as sender, so
 * consecutive auto replies are counted per sender, the manager).
 *
 * A run posts the task (from #DaGroupChat:initiator, or from "user" when
 * there is none), then loops: check whether to stop, select the next
 * speaker (#DaGroupChat:selection, restricted by the transitions and
 * #DaGroupChat:allow-repeat-speaker), ask it for its reply. It stops when
 *  - the #DaGroupChat:termination condition fires (the stop reason is the
 *    condition's; the condition is then reset so a later run continues);
 *    its timeouts fire on their own, cutting off a reply or tool in
 *    flight as a cancellation does, and count running time only,
 *  - a message matches the manager's termination check (AutoGen's
 *    default: the exact text "TERMINATE"; set the manager's termination
 *    mode to contains to stop on "… TERMINATE"): "termination_message:
 *    PATTERN from SENDER",
 *  - #DaGroupChat:max-round messages were posted in this run, the task
 *    included: "max_round",
 *  - da_group_chat_stop() was called: "external_stop",
 *  - no participant may speak next: "no_eligible_speaker: …", or a graph
 *    has no edge left: "graph_complete",
 *  - a swarm agent hands over to the person (%DA_HANDOFF_PERSON, "user",
 *    when no participant has that name): "handoff: ALICE handed over to
 *    user"; the next run's task is the person's answer, and the agent
 *    that handed over speaks first,
 *  - the speaker ends the conversation (its own termination check, used
 *    up auto replies): the agent's stop reason,
 *  - an agent fails: "error: MESSAGE" (the run fails with its error),
 *  - the run is cancelled: "cancelled" (the run fails with
 *    %G_IO_ERROR_CANCELLED at once, whatever the speaker is doing).
 *
 * Running again without a task continues where the team stopped: the
 * speaker that was cut off by a cancellation is asked again; otherwise
 * the next speaker is selected as usual. Running with a task adds it to
 * the thread and continues. da_group_chat_reset() starts over.
 *
 * A reply cut off by cancellation is announced with
 * #DaGroupChat::message-completed in state incomplete (or error, without
 * text) and is not kept in the team's thread.
 */

G_DEFINE_FINAL_TYPE (DaGroupChat, da_group_chat, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DaSpeakerSelection, da_speaker_selection,
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_ROUND_ROBIN, "round-robin"),
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_RANDOM, "random"),
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_MANUAL, "manual"),
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_SELECTOR, "selector"),
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_SWARM, "swarm"),
  G_DEFINE_ENUM_VALUE (DA_SPEAKER_SELECTION_GRAPH, "graph"))

G_DEFINE_ENUM_TYPE (DaTransitionsKind, da_transitions_kind,
  G_DEFINE_ENUM_VALUE (DA_TRANSITIONS_ALLOWED, "allowed"),
  G_DEFINE_ENUM_VALUE (DA_TRANSITIONS_DISALLOWED, "disallowed"))

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_INITIATOR,
  PROP_SELECTION,
  PROP_MAX_ROUND,
  PROP_ALLOW_REPEAT_SPEAKER,
  PROP_TERMINATION,
  PROP_SELECTOR_PROVIDER,
  PROP_SELECTOR_MODEL,
  PROP_SELECTOR_PROMPT,
  PROP_MAX_SELECTOR_ATTEMPTS,
  PROP_TRANSITIONS_KIND,
  PROP_RUNNING,
  PROP_STOP_REASON,
  PROP_N_ROUNDS,
  N_PROPS
};

enum {
  MESSAGE_STARTED,
  MESSAGE_COMPLETED,
  USAGE,
  ERROR,
  STOPPED,
  SPEAKER_SELECTED,
  ROUND,
  DIRECT_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  DaGroupChat *self;
  guint        run_id;
} RunRef;

static RunRef *
run_ref_new (DaGroupChat *self)
{
  RunRef *ref = g_new (RunRef, 1);

  ref->self = g_object_ref (self);
  ref->run_id = self->run_id;
  return ref;
}

static void
run_ref_free (RunRef *ref)
{
  g_object_unref (ref->self);
  g_free (ref);
}

gboolean
_da_group_chat_is_current (DaGroupChat *self,
                           guint        run_id)
{
  return self->task != NULL && self->run_id == run_id;
}

static void
deliver_cb (DaAgent   *recipient,
            DaMessage *message,
            DaAgent   *sender,
            gpointer   user_data)
{
  DaGroupChat *self = user_data;

  g_ptr_array_add (da_agent_get_history (recipient, DA_AGENT (self->manager)),
                   g_object_ref (message));
}

/* Puts @message in @sender's own history with the manager and sends it
 * to every other participant. */
void
_da_group_chat_deliver (DaGroupChat *self,
                        DaAgent     *sender,
                        DaMessage   *message)
{
  DaAgent *manager = DA_AGENT (self->manager);

  if (sender != NULL && g_ptr_array_find (self->participants, sender, NULL))
    g_ptr_array_add (da_agent_get_history (sender, manager), g_object_ref (message));
  else
    sender = manager;

  da_message_router_post (self->router, sender, NULL, message);
  da_message_router_dispatch (self->router);
}

static void
post_message (DaGroupChat *self,
              DaAgent     *sender,
              DaMessage   *message)
{
  g_ptr_array_add (self->messages, g_object_ref (message));
  g_signal_emit (self, signals[MESSAGE_STARTED], 0, sender, message);
  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, sender, message);
}

static void
disconnect_speaker (DaGroupChat *self)
{
  if (self->speaker != NULL)
    {
      g_clear_signal_handler (&self->reply_started_id, self->speaker);
      g_clear_signal_handler (&self->reply_completed_id, self->speaker);
    }
  self->speaker = NULL;
}

/* A streamed reply that will not complete: announce its end state and
 * drop it from the thread. */
static void
abandon_streaming (DaGroupChat  *self,
                   DaAgent      *agent,
                   const GError *error,
                   gboolean      cancelled)
{
  g_autoptr(DaMessage) streamed = g_steal_pointer (&self->streaming);

  if (streamed == NULL)
    return;

  if (da_message_get_state (streamed) == DA_MESSAGE_STATE_STREAMING)
    {
      gboolean has_text = da_message_get_content (streamed)[0] != '\0';

      if (error != NULL)
        da_message_set_error_message (streamed, error->message);
      da_message_set_state (streamed, (cancelled || error == NULL) && has_text
                                        ? DA_MESSAGE_STATE_INCOMPLETE : DA_MESSAGE_STATE_ERROR);
    }
  g_ptr_array_remove (self->messages, streamed);
  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, streamed);
}

static void
disarm_timeout (DaGroupChat *self)
{
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
}

void
_da_group_chat_finish (DaGroupChat *self,
                       GError      *error,
                       const char  *reason)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GCancellable) run_cancellable = NULL;
  GCancellable *cancellable;

  g_assert (task != NULL);

  if (self->streaming != NULL)
    {
      g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         "The chat was cancelled");

      abandon_streaming (self, self->speaker, cancelled, TRUE);
    }
  disconnect_speaker (self);

  cancellable = g_task_get_cancellable (task);
  if (cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->stop_requested = FALSE;

  disarm_timeout (self);
  if (self->termination != NULL)
    da_termination_pause_clock (self->termination);

  /* A reply, tool, selector call or question still in flight belongs to
   * this run only: stop it (its result is ignored, the run being over). */
  run_cancellable = g_steal_pointer (&self->run_cancellable);
  g_cancellable_cancel (run_cancellable);

  if (da_set_str (&self->stop_reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_REASON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  g_debug ("Group chat stopped after %u rounds: %s", self->n_rounds, reason);
  g_signal_emit (self, signals[STOPPED], 0, reason);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_cancelled (DaGroupChat *self)
{
  _da_group_chat_finish (self,
                         g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "The chat was cancelled"),
                         "cancelled");
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  RunRef *ref = user_data;

  if (_da_group_chat_is_current (ref->self, ref->run_id))
    finish_cancelled (ref->self);
  return G_SOURCE_REMOVE;
}

/* May run in the thread that cancels: the run ends in an idle on the
 * chat's own context (never here, where disconnecting would deadlock).
 * What is in flight is cancelled at once. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  DaGroupChat *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_cancellable_cancel (self->run_cancellable);

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, cancelled_idle_cb, run_ref_new (self), (GDestroyNotify)run_ref_free);
  g_source_set_static_name (source, "[da] group chat cancelled");
  g_source_attach (source, self->context);
}

static void arm_timeout (DaGroupChat *self);

/* A timeout condition's time is up: the run stops now, even in the
 * middle of a reply, which is cut off as when cancelled. */
static gboolean
termination_timeout_cb (gpointer user_data)
{
  DaGroupChat *self = user_data;
  g_autoptr(GPtrArray) nothing = g_ptr_array_new ();

  g_clear_pointer (&self->timeout_source, g_source_unref);
  g_assert (self->task != NULL && self->termination != NULL);

  if (da_termination_check (self->termination, nothing))
    {
      g_autofree char *reason = g_strdup (da_termination_get_reason (self->termination));

      da_termination_reset (self->termination);
      _da_group_chat_finish (self, NULL, reason);
    }
  else
    {
      arm_timeout (self);
    }
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (DaGroupChat *self)
{
  gint64 left;

  disarm_timeout (self);
  if (self->termination == NULL || (left = da_termination_get_time_left (self->termination)) < 0)
    return;

  /* Rounded up, so that the condition has fired when the source does. */
  self->timeout_source = g_timeout_source_new ((guint)MIN ((left + 999) / 1000, G_MAXUINT));
  g_source_set_priority (self->timeout_source, G_PRIORITY_HIGH);
  g_source_set_callback (self->timeout_source, termination_timeout_cb, self, NULL);
  g_source_set_static_name (self->timeout_source, "[da] group chat timeout");
  g_source_attach (self->timeout_source, self->context);
}

static gboolean
is_cancellation (DaGroupChat  *self,
                 const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED) ||
         g_cancellable_is_cancelled (g_task_get_cancellable (self->task));
}

/* Checks every reason to stop after @fresh (messages just posted).
 * Returns TRUE when the run finished. */
static gboolean
check_stop (DaGroupChat *self,
            GPtrArray   *fresh)
{
  if (self->termination != NULL && da_termination_check (self->termination, fresh))
    {
      g_autofree char *reason = g_strdup (da_termination_get_reason (self->termination));

      da_termination_reset (self->termination);
      _da_group_chat_finish (self, NULL, reason);
      return TRUE;
    }

  for (guint i = 0; i < fresh->len; i++)
    {
      DaMessage *message = g_ptr_array_index (fresh, i);

      if (da_message_get_role (message) != DA_ROLE_TOOL &&
          da_conversable_agent_is_termination_message (self->manager, message))
        {
          g_autofree char *reason =
            g_strdup_printf ("termination_message: %s from %s",
                             da_conversable_agent_get_termination_pattern (self->manager),
                             da_message_get_sender (message));

          _da_group_chat_finish (self, NULL, reason);
          return TRUE;
        }
    }

  if (self->max_round > 0 && self->n_rounds >= self->max_round)
    {
      _da_group_chat_finish (self, NULL, "max_round");
      return TRUE;
    }

  if (self->stop_requested)
    {
      _da_group_chat_finish (self, NULL, "external_stop");
      return TRUE;
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      finish_cancelled (self);
      return TRUE;
    }

  return FALSE;
}

static void
count_round (DaGroupChat *self)
{
  self->n_rounds++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROUNDS]);
  g_signal_emit (self, signals[ROUND], 0, self->n_rounds);
}

/* Swarm: answers the transfer_to_* calls of @reply, so that the thread
 * stays valid for providers, and returns the name handed over to. */
static char *
answer_handoffs (DaGroupChat *self,
                 DaAgent     *agent,
                 DaMessage   *reply,
                 GPtrArray   *fresh)
{
  GPtrArray *calls = da_message_get_tool_calls (reply);
  char *target = da_handoff_dup_target (reply);

  for (guint i = 0; target != NULL && calls != NULL && i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);
      g_autoptr(DaMessage) result = NULL;
      g_autofree char *text = NULL;
      const char *name;

      if (call->name == NULL || !g_str_has_prefix (call->name, DA_HANDOFF_TOOL_PREFIX))
        continue;

      name = call->name + strlen (DA_HANDOFF_TOOL_PREFIX);
      text = g_strdup_printf ("Transferred to %s, adopting the role of %s immediately.", name, name);
      result = da_message_new (DA_ROLE_TOOL, da_agent_get_name (agent), text);
      da_message_set_tool_call_id (result, call->id);
      post_message (self, agent, result);
      _da_group_chat_deliver (self, agent, result);
      g_ptr_array_add (fresh, g_object_ref (result));
    }

  return target;
}

static void
complete_streaming (DaGroupChat *self,
                    DaAgent     *agent)
{
  g_autoptr(DaMessage) done = g_steal_pointer (&self->streaming);

  if (done == NULL)
    return;

  if (da_message_get_state (done) == DA_MESSAGE_STATE_STREAMING)
    da_message_set_state (done, DA_MESSAGE_STATE_COMPLETE);
  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, done);
  if (da_message_get_prompt_tokens (done) > 0 || da_message_get_completion_tokens (done) > 0)
    g_signal_emit (self, signals[USAGE], 0, agent, done);
}

/* A reply that asks for tools is final before they run: its calls come
 * before their permission requests and results. */
static void
reply_completed_cb (DaAgent     *agent,
                    DaMessage   *reply,
                    DaGroupChat *self)
{
  if (self->task == NULL || agent != self->speaker || self->streaming != reply)
    return;

  complete_streaming (self, agent);
}

static void
reply_started_cb (DaAgent     *agent,
                  DaMessage   *reply,
                  DaGroupChat *self)
{
  if (self->task == NULL || agent != self->speaker || self->streaming == reply)
    return;

  /* A reply that used tools announces each of its messages in turn (the
   * call, the results, the next reply): the previous one is final. */
  complete_streaming (self, agent);

  self->streaming = g_object_ref (reply);
  g_ptr_array_add (self->messages, g_object_ref (reply));
  g_signal_emit (self, signals[MESSAGE_STARTED], 0, agent, reply);
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DaAgent *agent = DA_AGENT (object);
  RunRef *ref = user_data;
  DaGroupChat *self = ref->self;
  g_autoptr(DaMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autofree char *handoff = NULL;
  DaAgent *handoff_agent = NULL;
  gboolean to_person = FALSE;

  reply = da_agent_generate_reply_finish (agent, result, &error);

  if (!_da_group_chat_is_current (self, ref->run_id) || agent != self->speaker)
    goto out;

  if (error != NULL)
    {
      gboolean cancelled = is_cancellation (self, error);

      abandon_streaming (self, agent, error, cancelled);
      disconnect_speaker (self);
      if (cancelled)
        {
          finish_cancelled (self);
        }
      else
        {
          g_autofree char *reason = g_strdup_printf ("error: %s", error->message);

          g_signal_emit (self, signals[ERROR], 0, agent, error);
          _da_group_chat_finish (self, g_steal_pointer (&error), reason);
        }
      goto out;
    }

  if (reply == NULL)
    {
      g_autofree char *fallback = NULL;
      const char *reason = da_agent_get_stop_reason (agent);

      abandon_streaming (self, agent, NULL, FALSE);
      disconnect_speaker (self);
      self->next_speaker = NULL;
      if (reason == NULL)
        reason = fallback = g_strdup_printf ("%s ended the conversation", da_agent_get_name (agent));
      _da_group_chat_finish (self, NULL, reason);
      goto out;
    }

  if (reply != self->streaming)
    {
      abandon_streaming (self, agent, NULL, FALSE);
      disconnect_speaker (self);
      post_message (self, agent, reply);
    }
  else
    {
      g_clear_object (&self->streaming);
      disconnect_speaker (self);
      if (da_message_get_state (reply) == DA_MESSAGE_STATE_STREAMING)
        da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);
      g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, reply);
    }

  if (da_message_get_prompt_tokens (reply) > 0 || da_message_get_completion_tokens (reply) > 0)
    g_signal_emit (self, signals[USAGE], 0, agent, reply);

  /* A handler may have stopped the run. */
  if (!_da_group_chat_is_current (self, ref->run_id))
    goto out;

  self->next_speaker = NULL;
  self->last_speaker = agent;
  _da_group_chat_deliver (self, agent, reply);
  count_round (self);

  fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fresh, g_object_ref (reply));

  if (self->selection == DA_SPEAKER_SELECTION_SWARM)
    handoff = answer_handoffs (self, agent, reply, fresh);
  else if (self->selection == DA_SPEAKER_SELECTION_GRAPH)
    _da_group_chat_graph_advance (self, agent, reply);

  if (handoff != NULL)
    {
      handoff_agent = _da_group_chat_find (self, handoff);
      to_person = handoff_agent == NULL && g_ascii_strcasecmp (handoff, DA_HANDOFF_PERSON) == 0;
      /* Whatever stops this run, the floor goes to the target next; once
       * the person has answered, back to the agent that handed over. */
      self->handoff_target = to_person ? agent : handoff_agent;
      if (to_person)
        self->person_handoff = agent;
    }

  if (!_da_group_chat_is_current (self, ref->run_id) || check_stop (self, fresh))
    goto out;

  if (to_person)
    {
      g_autofree char *reason = g_strdup_printf ("handoff: %s handed over to %s",
                                                 da_agent_get_name (agent), handoff);

      _da_group_chat_finish (self, NULL, reason);
      goto out;
    }

  if (handoff != NULL)
    {
      if (handoff_agent == NULL)
        {
          g_autofree char *reason = NULL;
          GError *handoff_error = g_error_new (DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_HANDOFF,
                                               "%s handed over to %s, who is not in the team",
                                               da_agent_get_name (agent), handoff);

          reason = g_strdup_printf ("error: %s", handoff_error->message);
          g_signal_emit (self, signals[ERROR], 0, agent, handoff_error);
          _da_group_chat_finish (self, handoff_error, reason);
          goto out;
        }
    }

  _da_group_chat_select (self);

out:
  run_ref_free (ref);
}

/* The continuation of every selection. */
void
_da_group_chat_speak (DaGroupChat *self,
                      DaAgent     *speaker,
                      const char  *reason)
{
  guint run_id = self->run_id;

  g_assert (self->task != NULL);
  g_assert (self->speaker == NULL);

  self->next_speaker = speaker;
  self->handoff_target = NULL;
  g_signal_emit (self, signals[SPEAKER_SELECTED], 0, speaker, reason);
  if (!_da_group_chat_is_current (self, run_id))
    return;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      finish_cancelled (self);
      return;
    }

  self->speaker = speaker;
  self->reply_started_id = g_signal_connect (speaker, "reply-started",
                                             G_CALLBACK (reply_started_cb), self);
  self->reply_completed_id = g_signal_connect (speaker, "reply-completed",
                                               G_CALLBACK (reply_completed_cb), self);
  da_agent_generate_reply_async (speaker,
                                 da_agent_get_history (speaker, DA_AGENT (self->manager)),
                                 DA_AGENT (self->manager),
                                 self->run_cancellable,
                                 reply_cb,
                                 run_ref_new (self));
}

/* The selector's call costs tokens like any other. Returns TRUE when
 * that ended the run. */
gboolean
_da_group_chat_selector_usage (DaGroupChat *self,
                               DaMessage   *reply)
{
  guint run_id = self->run_id;

  g_signal_emit (self, signals[USAGE], 0, self->manager, reply);
  if (!_da_group_chat_is_current (self, run_id))
    return TRUE;

  if (self->termination != NULL &&
      da_termination_add_usage (self->termination,
                                da_message_get_prompt_tokens (reply),
                                da_message_get_completion_tokens (reply)))
    {
      g_autofree char *reason = g_strdup (da_termination_get_reason (self->termination));

      da_termination_reset (self->termination);
      _da_group_chat_finish (self, NULL, reason);
      return TRUE;
    }
  return FALSE;
}

static void
da_group_chat_dispose (GObject *object)
{
  DaGroupChat *self = (DaGroupChat *)object;

  g_assert (self->task == NULL);

  if (self->selection_destroy != NULL)
    self->selection_destroy (self->selection_data);
  self->selection_handler = NULL;
  self->selection_destroy = NULL;

  g_clear_object (&self->router);
  g_clear_object (&self->direct_router);
  g_clear_pointer (&self->transitions, g_hash_table_unref);
  g_clear_object (&self->termination);
  g_clear_object (&self->selector_provider);
  g_clear_object (&self->initiator);
  g_clear_object (&self->streaming);
  self->last_speaker = self->next_speaker = self->handoff_target = self->person_handoff = NULL;
  g_queue_clear (&self->graph_ready);
  g_clear_pointer (&self->participants, g_ptr_array_unref);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (da_group_chat_parent_class)->dispose (object);
}

static void
da_group_chat_finalize (GObject *object)
{
  DaGroupChat *self = (DaGroupChat *)object;

  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->selector_model, g_free);
  g_clear_pointer (&self->selector_prompt, g_free);
  g_clear_pointer (&self->stop_reason, g_free);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (da_group_chat_parent_class)->finalize (object);
}

static void
da_group_chat_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DaGroupChat *self = DA_GROUP_CHAT (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_INITIATOR:
      g_value_set_object (value, self->initiator);
      break;
    case PROP_SELECTION:
      g_value_set_enum (value, self->selection);
      break;
    case PROP_MAX_ROUND:
      g_value_set_uint (value, self->max_round);
      break;
    case PROP_ALLOW_REPEAT_SPEAKER:
      g_value_set_boolean (value, self->allow_repeat_speaker);
      break;
    case PROP_TERMINATION:
      g_value_set_object (value, self->termination);
      break;
    case PROP_SELECTOR_PROVIDER:
      g_value_set_object (value, self->selector_provider);
      break;
    case PROP_SELECTOR_MODEL:
      g_value_set_string (value, self->selector_model);
      break;
    case PROP_SELECTOR_PROMPT:
      g_value_set_string (value, self->selector_prompt);
      break;
    case PROP_MAX_SELECTOR_ATTEMPTS:
      g_value_set_uint (value, self->max_selector_attempts);
      break;
    case PROP_TRANSITIONS_KIND:
      g_value_set_enum (value, self->transitions_kind);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->task != NULL);
      break;
    case PROP_STOP_REASON:
      g_value_set_string (value, self->stop_reason);
      break;
    case PROP_N_ROUNDS:
      g_value_set_uint (value, self->n_rounds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_group_chat_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DaGroupChat *self = DA_GROUP_CHAT (object);

  switch (prop_id)
    {
    case PROP_INITIATOR:
      da_group_chat_set_initiator (self, g_value_get_object (value));
      break;
    case PROP_SELECTION:
      da_group_chat_set_selection (self, g_value_get_enum (value));
      break;
    case PROP_MAX_ROUND:
      da_group_chat_set_max_round (self, g_value_get_uint (value));
      break;
    case PROP_ALLOW_REPEAT_SPEAKER:
      da_group_chat_set_allow_repeat_speaker (self, g_value_get_boolean (value));
      break;
    case PROP_TERMINATION:
      da_group_chat_set_termination (self, g_value_get_object (value));
      break;
    case PROP_SELECTOR_PROVIDER:
      da_group_chat_set_selector_provider (self, g_value_get_object (value));
      break;
    case PROP_SELECTOR_MODEL:
      da_group_chat_set_selector_model (self, g_value_get_string (value));
      break;
    case PROP_SELECTOR_PROMPT:
      da_group_chat_set_selector_prompt (self, g_value_get_string (value));
      break;
    case PROP_MAX_SELECTOR_ATTEMPTS:
      da_group_chat_set_max_selector_attempts (self, g_value_get_uint (value));
      break;
    case PROP_TRANSITIONS_KIND:
      da_group_chat_set_transitions_kind (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_group_chat_class_init (DaGroupChatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_group_chat_dispose;
  object_class->finalize = da_group_chat_finalize;
  object_class->get_property = da_group_chat_get_property;
  object_class->set_property = da_group_chat_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, DA_TYPE_CONVERSABLE_AGENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INITIATOR] =
    g_param_spec_object ("initiator", NULL, NULL, DA_TYPE_AGENT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTION] =
    g_param_spec_enum ("selection", NULL, NULL, DA_TYPE_SPEAKER_SELECTION,
                       DA_SPEAKER_SELECTION_ROUND_ROBIN,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_ROUND] =
    g_param_spec_uint ("max-round", NULL, NULL, 0, G_MAXUINT, DA_GROUP_CHAT_DEFAULT_MAX_ROUND,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ALLOW_REPEAT_SPEAKER] =
    g_param_spec_boolean ("allow-repeat-speaker", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TERMINATION] =
    g_param_spec_object ("termination", NULL, NULL, DA_TYPE_TERMINATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTOR_PROVIDER] =
    g_param_spec_object ("selector-provider", NULL, NULL, DA_TYPE_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTOR_MODEL] =
    g_param_spec_string ("selector-model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTOR_PROMPT] =
    g_param_spec_string ("selector-prompt", NULL, NULL, DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_SELECTOR_ATTEMPTS] =
    g_param_spec_uint ("max-selector-attempts", NULL, NULL, 1, 100,
                       DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TRANSITIONS_KIND] =
    g_param_spec_enum ("transitions-kind", NULL, NULL, DA_TYPE_TRANSITIONS_KIND,
                       DA_TRANSITIONS_ALLOWED,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STOP_REASON] =
    g_param_spec_string ("stop-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ROUNDS] =
    g_param_spec_uint ("n-rounds", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaGroupChat::message-started:
   * @sender: (nullable): the agent that sends the message; %NULL for a
   *   task from outside the team ("user")
   * @message: a finished message, or a streamed reply before its first
   *   delta
   */
  signals[MESSAGE_STARTED] =
    g_signal_new ("message-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaGroupChat::message-completed:
   * @sender: (nullable): as for #DaGroupChat::message-started
   * @message: the message in its end state
   */
  signals[MESSAGE_COMPLETED] =
    g_signal_new ("message-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaGroupChat::usage:
   * @agent: the agent whose provider answered; the manager for the
   *   speaker selector's calls
   * @message: the reply, with its token counts
   */
  signals[USAGE] =
    g_signal_new ("usage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaGroupChat::error:
   * @agent: the agent that failed (the manager when the selector failed)
   * @error: what went wrong
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DA_TYPE_AGENT, G_TYPE_ERROR);

  /**
   * DaGroupChat::stopped:
   * @reason: the stop reason, as da_group_chat_get_stop_reason()
   */
  signals[STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * DaGroupChat::speaker-selected:
   * @speaker: the agent asked to speak next
   * @reason: how it was chosen: "round_robin", "random", "manual",
   *   "manual_fallback", "selector", "selector_fallback", "only_candidate",
   *   "swarm", "handoff", "graph" or "resumed"
   */
  signals[SPEAKER_SELECTED] =
    g_signal_new ("speaker-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, DA_TYPE_AGENT, G_TYPE_STRING);

  /**
   * DaGroupChat::round:
   * @n_rounds: messages posted in this run so far, the task included
   */
  signals[ROUND] =
    g_signal_new ("round", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * DaGroupChat::direct-message:
   * @sender: the participant writing
   * @recipient: the participant written to
   * @message: the message, outside the shared thread
   */
  signals[DIRECT_MESSAGE] =
    g_signal_new ("direct-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, DA_TYPE_AGENT, DA_TYPE_AGENT, DA_TYPE_MESSAGE);
}

static void
da_group_chat_init (DaGroupChat *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_round = DA_GROUP_CHAT_DEFAULT_MAX_ROUND;
  self->allow_repeat_speaker = TRUE;
  self->max_selector_attempts = DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS;
  self->selector_prompt = g_strdup (DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT);
  self->rand = g_rand_new ();
  self->transitions = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  self->manager = da_conversable_agent_new (DA_GROUP_CHAT_DEFAULT_MANAGER_NAME);
  da_conversable_agent_set_human_input_mode (self->manager, DA_HUMAN_INPUT_NEVER);
  self->router = da_message_router_new ();
  da_message_router_set_deliver_func (self->router, deliver_cb, self, NULL);
  g_queue_init (&self->graph_ready);
}

/**
 * da_group_chat_new:
 * @participants: (element-type DaAgent): the agents, in round-robin
 *   order; at least one, with names unique regardless of case and other
 *   than "chat_manager"
 *
 * Returns: (transfer full): a new team
 */
DaGroupChat *
da_group_chat_new (GPtrArray *participants)
{
  DaGroupChat *self;

  g_return_val_if_fail (participants != NULL && participants->len > 0, NULL);

  for (guint i = 0; i < participants->len; i++)
    {
      const char *name = da_agent_get_name (g_ptr_array_index (participants, i));

      g_return_val_if_fail (g_ascii_strcasecmp (name, DA_GROUP_CHAT_DEFAULT_MANAGER_NAME) != 0, NULL);
      for (guint j = 0; j < i; j++)
        g_return_val_if_fail (g_ascii_strcasecmp (name, da_agent_get_name (g_ptr_array_index (participants, j))) != 0,
                              NULL);
    }

  self = g_object_new (DA_TYPE_GROUP_CHAT, NULL);
  self->participants = g_ptr_array_new_full (participants->len, g_object_unref);
  for (guint i = 0; i < participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (participants, i);

      g_ptr_array_add (self->participants, g_object_ref (agent));
      da_message_router_add_endpoint (self->router, agent);
    }

  return self;
}

/**
 * da_group_chat_get_participants:
 *
 * Returns: (transfer none) (element-type DaAgent): the participants
 */
GPtrArray *
da_group_chat_get_participants (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->participants;
}

DaAgent *
_da_group_chat_find (DaGroupChat *self,
                     const char  *name)
{
  for (guint i = 0; name != NULL && i < self->participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, i);

      if (g_ascii_strcasecmp (da_agent_get_name (agent), name) == 0)
        return agent;
    }
  return NULL;
}

/**
 * da_group_chat_find_participant:
 * @name: a participant's name, compared case-insensitively
 *
 * Returns: (transfer none) (nullable): the participant
 */
DaAgent *
da_group_chat_find_participant (DaGroupChat *self,
                                const char  *name)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return _da_group_chat_find (self, name);
}

/**
 * da_group_chat_get_manager:
 *
 * The manager stands between the participants; its termination check
 * (exact "TERMINATE" by default) is applied to every message.
 *
 * Returns: (transfer none): the manager agent
 */
DaConversableAgent *
da_group_chat_get_manager (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->manager;
}

/**
 * da_group_chat_get_initiator:
 *
 * Returns: (transfer none) (nullable): the agent that sends the task
 */
DaAgent *
da_group_chat_get_initiator (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->initiator;
}

/**
 * da_group_chat_set_initiator:
 * @initiator: (nullable): the agent that sends the task, usually a
 *   participant (then the rotation continues after it); %NULL sends
 *   tasks as "user"
 */
void
da_group_chat_set_initiator (DaGroupChat *self,
                             DaAgent     *initiator)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (initiator == NULL || DA_IS_AGENT (initiator));

  if (g_set_object (&self->initiator, initiator))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIATOR]);
}

DaSpeakerSelection
da_group_chat_get_selection (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), 0);
  return self->selection;
}

void
da_group_chat_set_selection (DaGroupChat        *self,
                             DaSpeakerSelection  selection)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (selection <= DA_SPEAKER_SELECTION_GRAPH);

  if (self->selection == selection)
    return;
  self->selection = selection;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION]);
}

guint
da_group_chat_get_max_round (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), 0);
  return self->max_round;
}

/**
 * da_group_chat_set_max_round:
 * @max_round: the most messages a run posts, its task included; 0 for
 *   no limit
 */
void
da_group_chat_set_max_round (DaGroupChat *self,
                             guint        max_round)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  if (self->max_round == max_round)
    return;
  self->max_round = max_round;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ROUND]);
}

gboolean
da_group_chat_get_allow_repeat_speaker (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), FALSE);
  return self->allow_repeat_speaker;
}

/**
 * da_group_chat_set_allow_repeat_speaker:
 * @allow: whether the last speaker may be selected again (random,
 *   manual and selector selection; round robin always moves on)
 */
void
da_group_chat_set_allow_repeat_speaker (DaGroupChat *self,
                                        gboolean     allow)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  allow = !!allow;
  if (self->allow_repeat_speaker == (guint)allow)
    return;
  self->allow_repeat_speaker = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_REPEAT_SPEAKER]);
}

/**
 * da_group_chat_get_termination:
 *
 * Returns: (transfer none) (nullable): the termination condition
 */
DaTermination *
da_group_chat_get_termination (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->termination;
}

void
da_group_chat_set_termination (DaGroupChat   *self,
                               DaTermination *termination)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (termination == NULL || DA_IS_TERMINATION (termination));

  if (!g_set_object (&self->termination, termination))
    return;
  if (self->task != NULL)
    {
      if (termination != NULL)
        da_termination_start_clock (termination);
      arm_timeout (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMINATION]);
}

/**
 * da_group_chat_get_selector_provider:
 *
 * Returns: (transfer none) (nullable): the provider the selector asks
 */
DaProvider *
da_group_chat_get_selector_provider (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->selector_provider;
}

void
da_group_chat_set_selector_provider (DaGroupChat *self,
                                     DaProvider  *provider)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (provider == NULL || DA_IS_PROVIDER (provider));

  if (g_set_object (&self->selector_provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTOR_PROVIDER]);
}

const char *
da_group_chat_get_selector_model (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->selector_model;
}

void
da_group_chat_set_selector_model (DaGroupChat *self,
                                  const char  *model)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  if (da_set_str (&self->selector_model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTOR_MODEL]);
}

const char *
da_group_chat_get_selector_prompt (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->selector_prompt;
}

/**
 * da_group_chat_set_selector_prompt:
 * @prompt: (nullable): the prompt, with {roles}, {participants} and
 *   {history}; %NULL for %DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT
 */
void
da_group_chat_set_selector_prompt (DaGroupChat *self,
                                   const char  *prompt)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  if (da_set_str (&self->selector_prompt, prompt ? prompt : DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTOR_PROMPT]);
}

guint
da_group_chat_get_max_selector_attempts (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), 0);
  return self->max_selector_attempts;
}

void
da_group_chat_set_max_selector_attempts (DaGroupChat *self,
                                         guint        attempts)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (attempts >= 1);

  if (self->max_selector_attempts == attempts)
    return;
  self->max_selector_attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SELECTOR_ATTEMPTS]);
}

/**
 * da_group_chat_set_random_seed:
 *
 * Makes random selection repeatable.
 */
void
da_group_chat_set_random_seed (DaGroupChat *self,
                               guint32      seed)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_rand_set_seed (self->rand, seed);
}

DaTransitionsKind
da_group_chat_get_transitions_kind (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), 0);
  return self->transitions_kind;
}

void
da_group_chat_set_transitions_kind (DaGroupChat       *self,
                                    DaTransitionsKind  kind)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (kind <= DA_TRANSITIONS_DISALLOWED);

  if (self->transitions_kind == kind)
    return;
  self->transitions_kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSITIONS_KIND]);
}

static void
transition_free (DaTransition *transition)
{
  g_free (transition->condition);
  g_free (transition);
}

/**
 * da_group_chat_add_transition:
 * @from: the name of the participant that just spoke
 * @to: the name of a participant that may (or, when disallowed, may
 *   not) speak after it
 * @condition: (nullable): the edge holds only when the message of @from
 *   contains this text
 *
 * Once a team has transitions, a participant with no allowed edge out of
 * it ends the chat when it has spoken ("no_eligible_speaker"). In graph
 * selection the edges are the graph.
 *
 * Returns: %TRUE, or %FALSE with %DA_CHAT_ERROR_INVALID_CONFIG when a
 *   name is not a participant
 */
gboolean
da_group_chat_add_transition (DaGroupChat  *self,
                              const char   *from,
                              const char   *to,
                              const char   *condition,
                              GError      **error)
{
  DaAgent *from_agent;
  DaAgent *to_agent;
  GPtrArray *edges;
  DaTransition *transition;

  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), FALSE);
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  from_agent = _da_group_chat_find (self, from);
  to_agent = _da_group_chat_find (self, to);
  if (from_agent == NULL || to_agent == NULL)
    {
      g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                   "transition %s → %s: %s is not a participant", from, to,
                   from_agent == NULL ? from : to);
      return FALSE;
    }

  edges = g_hash_table_lookup (self->transitions, from_agent);
  if (edges == NULL)
    {
      edges = g_ptr_array_new_with_free_func ((GDestroyNotify)transition_free);
      g_hash_table_insert (self->transitions, from_agent, edges);
    }

  transition = g_new0 (DaTransition, 1);
  transition->to = to_agent;
  transition->condition = condition != NULL && condition[0] != '\0' ? g_strdup (condition) : NULL;
  g_ptr_array_add (edges, transition);
  return TRUE;
}

void
da_group_chat_clear_transitions (DaGroupChat *self)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_hash_table_remove_all (self->transitions);
}

/**
 * da_group_chat_set_speaker_selection_handler:
 * @handler: (nullable): asks the person who speaks next (manual
 *   selection); without one, manual selection ends the chat with
 *   "human_absent: no speaker selection handler"
 */
void
da_group_chat_set_speaker_selection_handler (DaGroupChat               *self,
                                             DaSpeakerSelectionHandler  handler,
                                             gpointer                   user_data,
                                             GDestroyNotify             destroy)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  if (self->selection_destroy != NULL)
    self->selection_destroy (self->selection_data);
  self->selection_handler = handler;
  self->selection_data = user_data;
  self->selection_destroy = destroy;
}

static void
start_afresh (DaGroupChat *self)
{
  for (guint i = 0; i < self->participants->len; i++)
    da_agent_prepare_chat (g_ptr_array_index (self->participants, i), DA_AGENT (self->manager));
}

static gboolean
return_early_error (DaGroupChat *self,
                    GTask       *task,
                    gint         code,
                    const char  *message)
{
  g_task_return_new_error (task, DA_CHAT_ERROR, code, "%s", message);
  return FALSE;
}

/**
 * da_group_chat_run_async:
 * @task: (nullable): the task, posted by #DaGroupChat:initiator (or
 *   "user"); %NULL continues where the team stopped
 *
 * Runs the team until it stops (see #DaGroupChat for the reasons).
 */
void
da_group_chat_run_async (DaGroupChat         *self,
                         const char          *task_text,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(DaMessage) opening = NULL;
  DaAgent *sender;
  guint run_id;

  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_group_chat_run_async);
  /* The result says how the run ended, even if cancelled afterwards. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->task != NULL)
    {
      return_early_error (self, task, DA_CHAT_ERROR_RUNNING, "The team is already running");
      return;
    }
  if (task_text == NULL && self->messages->len == 0)
    {
      return_early_error (self, task, DA_CHAT_ERROR_NOTHING_TO_RESUME,
                          "There is no task and nothing to continue");
      return;
    }
  if (self->selection == DA_SPEAKER_SELECTION_SELECTOR && self->selector_provider == NULL)
    {
      return_early_error (self, task, DA_CHAT_ERROR_INVALID_CONFIG,
                          "Selector speaker selection needs a selector provider");
      return;
    }

  if (self->messages->len == 0)
    start_afresh (self);

  self->task = g_steal_pointer (&task);
  run_id = ++self->run_id;
  self->n_rounds = 0;
  self->stop_requested = FALSE;
  self->context = g_main_context_ref_thread_default ();
  self->run_cancellable = g_cancellable_new ();
  self->person_handoff = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROUNDS]);

  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
  if (!_da_group_chat_is_current (self, run_id))
    return;

  if (self->termination != NULL)
    {
      da_termination_start_clock (self->termination);
      arm_timeout (self);
    }

  if (task_text == NULL)
    {
      if (self->next_speaker != NULL)
        _da_group_chat_speak (self, self->next_speaker, "resumed");
      else
        _da_group_chat_select (self);
      return;
    }

  sender = self->initiator;
  opening = da_message_new (DA_ROLE_USER, sender ? da_agent_get_name (sender) : "user", task_text);
  self->next_speaker = NULL;

  post_message (self, sender, opening);
  if (!_da_group_chat_is_current (self, run_id))
    return;
  _da_group_chat_deliver (self, sender, opening);
  count_round (self);

  /* In a swarm the floor stays with the agents: a user proxy posting
   * the task (or the person's answer) does not take it. */
  if (sender != NULL && g_ptr_array_find (self->participants, sender, NULL) &&
      self->selection != DA_SPEAKER_SELECTION_SWARM)
    {
      self->last_speaker = sender;
      if (self->selection == DA_SPEAKER_SELECTION_GRAPH)
        _da_group_chat_graph_advance (self, sender, opening);
    }

  fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fresh, g_object_ref (opening));
  if (_da_group_chat_is_current (self, run_id) && !check_stop (self, fresh))
    _da_group_chat_select (self);
}

/**
 * da_group_chat_run_finish:
 *
 * Returns: %TRUE when the team stopped normally (see
 *   da_group_chat_get_stop_reason()); %FALSE with the agent's error when
 *   an agent failed, %G_IO_ERROR_CANCELLED when cancelled, or a
 *   #DaChatError when the run could not start
 */
gboolean
da_group_chat_run_finish (DaGroupChat   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * da_group_chat_stop:
 *
 * Asks a running team to stop once the current speaker has finished its
 * message ("external_stop"). The team stays resumable.
 */
void
da_group_chat_stop (DaGroupChat *self)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));

  if (self->task != NULL)
    self->stop_requested = TRUE;
}

gboolean
da_group_chat_get_running (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), FALSE);
  return self->task != NULL;
}

/**
 * da_group_chat_get_stop_reason:
 *
 * Returns: (nullable): why the last run stopped
 */
const char *
da_group_chat_get_stop_reason (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->stop_reason;
}

/**
 * da_group_chat_get_messages:
 *
 * Returns: (transfer none) (element-type DaMessage): the team's thread,
 *   oldest first, with a reply being streamed last
 */
GPtrArray *
da_group_chat_get_messages (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->messages;
}

/**
 * da_group_chat_get_n_rounds:
 *
 * Returns: the messages posted by the current or last run, its task
 *   included
 */
guint
da_group_chat_get_n_rounds (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), 0);
  return self->n_rounds;
}

/**
 * da_group_chat_get_last_speaker:
 *
 * Returns: (transfer none) (nullable): the participant that spoke last
 */
DaAgent *
da_group_chat_get_last_speaker (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->last_speaker;
}

/**
 * da_group_chat_get_person_handoff:
 *
 * Returns: (transfer none) (nullable): the swarm agent whose handoff to
 *   the person (%DA_HANDOFF_PERSON) ended the last run: the person's
 *   answer, as the next run's task, goes to it
 */
DaAgent *
da_group_chat_get_person_handoff (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->task == NULL ? self->person_handoff : NULL;
}

/**
 * da_group_chat_get_next_speaker:
 *
 * Returns: (transfer none) (nullable): the participant selected and not
 *   finished yet (while running, or after a cancellation: a run without
 *   a task asks it again)
 */
DaAgent *
da_group_chat_get_next_speaker (DaGroupChat *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  return self->next_speaker;
}

static const char * const selection_names[] = {
  "round_robin", "random", "manual", "selector", "swarm", "graph",
};

/**
 * da_speaker_selection_to_string:
 *
 * Returns: the team file's name for @selection ("round_robin", …)
 */
const char *
da_speaker_selection_to_string (DaSpeakerSelection selection)
{
  g_return_val_if_fail ((guint)selection < G_N_ELEMENTS (selection_names), NULL);
  return selection_names[selection];
}

gboolean
da_speaker_selection_from_string (const char         *str,
                                  DaSpeakerSelection *selection)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (selection_names); i++)
    {
      if (g_str_equal (str, selection_names[i]))
        {
          if (selection != NULL)
            *selection = i;
          return TRUE;
        }
    }
  return FALSE;
}
