/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include <string.h>

#include "da-util.h"
#include "da-chat-error.h"
#include "da-termination-private.h"

/**
 * DaTermination:
 *
 * A termination condition of a team, as AutoGen AgentChat's: a leaf
 * (max messages, text mention, token usage, timeout, handoff, external
 * stop, source match) or a combination of children with "all" (every
 * child has fired at some point since the last reset) or "any" (one
 * child fires). The team feeds every new message to
 * da_termination_check() and the usage of calls that produce no message
 * (the speaker selector's) to da_termination_add_usage().
 *
 * A condition that fired stays fired until da_termination_reset(); a
 * team resets its condition when it stops because of it, so that the
 * next run continues with fresh counters. The reason names the leaf that
 * fired: "max_messages: 3 reached", "text_mention: 'stop' from bob",
 * "token_usage: 130 tokens (limit 100 total)", "timeout: 5 s elapsed",
 * "handoff: alice handed over to user", "external: stop requested",
 * "source_match: alice spoke"; an "all" joins its children's reasons with
 * "; "; an "any" gives the reason of the child that fired.
 *
 * A timeout counts running time: its clock runs from
 * da_termination_start_clock() (or, without one, the first check after a
 * reset) to da_termination_pause_clock(), and goes on at the next start.
 * A team starts the clock when a run starts, pauses it when the run
 * stops, and arms a main-loop timeout for da_termination_get_time_left()
 * so that the condition fires on its own, not only when a message or
 * usage arrives.
 */
struct _DaTermination
{
  GObject            parent_instance;

  DaTerminationKind  kind;

  /* configuration */
  guint              max_messages;
  char              *text;
  GStrv              sources;
  gint64             max_total;
  gint64             max_prompt;
  gint64             max_completion;
  double             timeout_seconds;
  char              *target;
  GPtrArray         *children;

  /* state */
  gboolean           terminated;
  char              *reason;
  guint              n_messages;
  gint64             prompt_tokens;
  gint64             completion_tokens;
  gint64             start_us;
  gint64             elapsed_before_us;
  gboolean           external_set;
};

G_DEFINE_FINAL_TYPE (DaTermination, da_termination, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  "max_messages", "text_mention", "token_usage", "timeout", "handoff",
  "external", "source_match", "all", "any",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == DA_TERMINATION_ANY + 1);

const char *
da_termination_kind_to_string (DaTerminationKind kind)
{
  g_return_val_if_fail ((guint)kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static void
da_termination_finalize (GObject *object)
{
  DaTermination *self = (DaTermination *)object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->sources, g_strfreev);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_clear_pointer (&self->reason, g_free);

  G_OBJECT_CLASS (da_termination_parent_class)->finalize (object);
}

static void
da_termination_class_init (DaTerminationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = da_termination_finalize;
}

static void
da_termination_init (DaTermination *self)
{
}

static DaTermination *
termination_new (DaTerminationKind kind)
{
  DaTermination *self = g_object_new (DA_TYPE_TERMINATION, NULL);

  self->kind = kind;
  return self;
}

/**
 * da_termination_max_messages_new:
 * @max_messages: stop once this many messages were seen (the task
 *   included), at least 1
 */
DaTermination *
da_termination_max_messages_new (guint max_messages)
{
  DaTermination *self;

  g_return_val_if_fail (max_messages > 0, NULL);

  self = termination_new (DA_TERMINATION_MAX_MESSAGES);
  self->max_messages = max_messages;
  return self;
}

/**
 * da_termination_text_mention_new:
 * @text: the text to look for in message contents (case-sensitive)
 * @sources: (nullable) (array zero-terminated=1): only messages from
 *   these senders count; %NULL for any sender
 */
DaTermination *
da_termination_text_mention_new (const char         *text,
                                 const char * const *sources)
{
  DaTermination *self;

  g_return_val_if_fail (text != NULL && text[0] != '\0', NULL);

  self = termination_new (DA_TERMINATION_TEXT_MENTION);
  self->text = g_strdup (text);
  if (sources != NULL && sources[0] != NULL)
    self->sources = g_strdupv ((char **)sources);
  return self;
}

/**
 * da_termination_token_usage_new:
 * @max_total_tokens: limit on prompt plus completion tokens, or 0
 * @max_prompt_tokens: limit on prompt tokens, or 0
 * @max_completion_tokens: limit on completion tokens, or 0
 *
 * Fires when one of the given limits is reached. At least one limit
 * must be set.
 */
DaTermination *
da_termination_token_usage_new (gint64 max_total_tokens,
                                gint64 max_prompt_tokens,
                                gint64 max_completion_tokens)
{
  DaTermination *self;

  g_return_val_if_fail (max_total_tokens >= 0 && max_prompt_tokens >= 0 &&
                        max_completion_tokens >= 0, NULL);
  g_return_val_if_fail (max_total_tokens + max_prompt_tokens + max_completion_tokens > 0, NULL);

  self = termination_new (DA_TERMINATION_TOKEN_USAGE);
  self->max_total = max_total_tokens;
  self->max_prompt = max_prompt_tokens;
  self->max_completion = max_completion_tokens;
  return self;
}

/**
 * da_termination_timeout_new:
 * @seconds: how long after the first check the condition fires
 */
DaTermination *
da_termination_timeout_new (double seconds)
{
  DaTermination *self;

  g_return_val_if_fail (seconds >= 0, NULL);

  self = termination_new (DA_TERMINATION_TIMEOUT);
  self->timeout_seconds = seconds;
  return self;
}

/**
 * da_termination_handoff_new:
 * @target: the name handed over to (compared case-insensitively), often
 *   a person ("user") outside the team
 */
DaTermination *
da_termination_handoff_new (const char *target)
{
  DaTermination *self;

  g_return_val_if_fail (target != NULL && target[0] != '\0', NULL);

  self = termination_new (DA_TERMINATION_HANDOFF);
  self->target = g_strdup (target);
  return self;
}

DaTermination *
da_termination_external_new (void)
{
  return termination_new (DA_TERMINATION_EXTERNAL);
}

/**
 * da_termination_source_match_new:
 * @sources: (array zero-terminated=1): sender names; the condition fires
 *   when one of them sends a message
 */
DaTermination *
da_termination_source_match_new (const char * const *sources)
{
  DaTermination *self;

  g_return_val_if_fail (sources != NULL && sources[0] != NULL, NULL);

  self = termination_new (DA_TERMINATION_SOURCE_MATCH);
  self->sources = g_strdupv ((char **)sources);
  return self;
}

static DaTermination *
combination_new_valist (DaTerminationKind  kind,
                        DaTermination     *first,
                        va_list            args)
{
  DaTermination *self = termination_new (kind);

  self->children = g_ptr_array_new_with_free_func (g_object_unref);
  for (DaTermination *child = first; child != NULL; child = va_arg (args, DaTermination *))
    {
      g_return_val_if_fail (DA_IS_TERMINATION (child), self);
      g_ptr_array_add (self->children, child);
    }
  return self;
}

/**
 * da_termination_all_new:
 * @first: (transfer full): the first child
 * @...: (transfer full): more children, then %NULL
 *
 * Returns: (transfer full): a condition that fires once every child has
 *   fired
 */
DaTermination *
da_termination_all_new (DaTermination *first,
                        ...)
{
  DaTermination *self;
  va_list args;

  g_return_val_if_fail (DA_IS_TERMINATION (first), NULL);

  va_start (args, first);
  self = combination_new_valist (DA_TERMINATION_ALL, first, args);
  va_end (args);
  return self;
}

/**
 * da_termination_any_new:
 * @first: (transfer full): the first child
 * @...: (transfer full): more children, then %NULL
 *
 * Returns: (transfer full): a condition that fires when one child fires
 */
DaTermination *
da_termination_any_new (DaTermination *first,
                        ...)
{
  DaTermination *self;
  va_list args;

  g_return_val_if_fail (DA_IS_TERMINATION (first), NULL);

  va_start (args, first);
  self = combination_new_valist (DA_TERMINATION_ANY, first, args);
  va_end (args);
  return self;
}

/* For the parser: an "all" or "any" over @children. */
DaTermination *
_da_termination_new_combination (DaTerminationKind  kind,
                                 GPtrArray         *children)
{
  DaTermination *self = termination_new (kind);

  self->children = g_ptr_array_ref (children);
  return self;
}

/**
 * da_termination_new_from_json:
 * @node: a team file's "termination" object
 *
 * Returns: (transfer full): the condition, or %NULL with a
 *   %DA_CHAT_ERROR_INVALID_CONFIG error naming the JSON path
 */
DaTermination *
da_termination_new_from_json (JsonNode  *node,
                              GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return _da_termination_parse (node, "$", error);
}

DaTerminationKind
da_termination_get_kind (DaTermination *self)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), 0);
  return self->kind;
}

/**
 * da_termination_get_children:
 *
 * Returns: (transfer none) (nullable) (element-type DaTermination): the
 *   children of an "all" or "any"
 */
GPtrArray *
da_termination_get_children (DaTermination *self)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), NULL);
  return self->children;
}

static gboolean
fire (DaTermination *self,
      char          *reason)
{
  self->terminated = TRUE;
  g_free (self->reason);
  self->reason = reason;
  return TRUE;
}

static gboolean
from_sources (DaTermination *self,
              DaMessage     *message)
{
  return self->sources == NULL ||
         g_strv_contains ((const char * const *)self->sources, da_message_get_sender (message));
}

/**
 * da_handoff_dup_target:
 *
 * Returns: (transfer full) (nullable): the name @message hands over to:
 *   the part after "transfer_to_" of its first tool call so named
 */
char *
da_handoff_dup_target (DaMessage *message)
{
  GPtrArray *calls;

  g_return_val_if_fail (DA_IS_MESSAGE (message), NULL);

  calls = da_message_get_tool_calls (message);
  for (guint i = 0; calls != NULL && i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      if (call->name != NULL && g_str_has_prefix (call->name, DA_HANDOFF_TOOL_PREFIX) &&
          call->name[strlen (DA_HANDOFF_TOOL_PREFIX)] != '\0')
        return g_strdup (call->name + strlen (DA_HANDOFF_TOOL_PREFIX));
    }
  return NULL;
}

static gboolean
token_limit_reached (DaTermination *self)
{
  gint64 total = self->prompt_tokens + self->completion_tokens;

  if (self->max_total > 0 && total >= self->max_total)
    return fire (self, g_strdup_printf ("token_usage: %" G_GINT64_FORMAT " tokens (limit %"
                                        G_GINT64_FORMAT " total)", total, self->max_total));
  if (self->max_prompt > 0 && self->prompt_tokens >= self->max_prompt)
    return fire (self, g_strdup_printf ("token_usage: %" G_GINT64_FORMAT " prompt tokens (limit %"
                                        G_GINT64_FORMAT ")", self->prompt_tokens, self->max_prompt));
  if (self->max_completion > 0 && self->completion_tokens >= self->max_completion)
    return fire (self, g_strdup_printf ("token_usage: %" G_GINT64_FORMAT " completion tokens (limit %"
                                        G_GINT64_FORMAT ")", self->completion_tokens,
                                        self->max_completion));
  return FALSE;
}

static gboolean
timeout_reached (DaTermination *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->start_us == 0)
    self->start_us = now;

  if (self->elapsed_before_us + (now - self->start_us) >= (gint64)(self->timeout_seconds * G_USEC_PER_SEC))
    return fire (self, g_strdup_printf ("timeout: %g s elapsed", self->timeout_seconds));
  return FALSE;
}

/* Feeds @messages (may be NULL) and extra usage to the tree. Every
 * child that has not fired sees everything, so that counters stay right
 * whichever child fires first. */
static gboolean
update (DaTermination *self,
        GPtrArray     *messages,
        gint64         prompt_tokens,
        gint64         completion_tokens)
{
  guint n = messages != NULL ? messages->len : 0;

  if (self->terminated)
    return TRUE;

  switch (self->kind)
    {
    case DA_TERMINATION_MAX_MESSAGES:
      self->n_messages += n;
      if (self->n_messages >= self->max_messages)
        return fire (self, g_strdup_printf ("max_messages: %u reached", self->max_messages));
      return FALSE;

    case DA_TERMINATION_TEXT_MENTION:
      for (guint i = 0; i < n; i++)
        {
          DaMessage *message = g_ptr_array_index (messages, i);

          if (from_sources (self, message) &&
              strstr (da_message_get_content (message), self->text) != NULL)
            return fire (self, g_strdup_printf ("text_mention: '%s' from %s", self->text,
                                                da_message_get_sender (message)));
        }
      return FALSE;

    case DA_TERMINATION_TOKEN_USAGE:
      for (guint i = 0; i < n; i++)
        {
          DaMessage *message = g_ptr_array_index (messages, i);

          self->prompt_tokens += MAX (0, da_message_get_prompt_tokens (message));
          self->completion_tokens += MAX (0, da_message_get_completion_tokens (message));
        }
      self->prompt_tokens += prompt_tokens;
      self->completion_tokens += completion_tokens;
      return token_limit_reached (self);

    case DA_TERMINATION_TIMEOUT:
      return timeout_reached (self);

    case DA_TERMINATION_HANDOFF:
      for (guint i = 0; i < n; i++)
        {
          DaMessage *message = g_ptr_array_index (messages, i);
          g_autofree char *target = da_handoff_dup_target (message);

          if (target != NULL && g_ascii_strcasecmp (target, self->target) == 0)
            return fire (self, g_strdup_printf ("handoff: %s handed over to %s",
                                                da_message_get_sender (message), target));
        }
      return FALSE;

    case DA_TERMINATION_EXTERNAL:
      if (self->external_set)
        return fire (self, g_strdup ("external: stop requested"));
      return FALSE;

    case DA_TERMINATION_SOURCE_MATCH:
      for (guint i = 0; i < n; i++)
        {
          DaMessage *message = g_ptr_array_index (messages, i);

          if (from_sources (self, message))
            return fire (self, g_strdup_printf ("source_match: %s spoke",
                                                da_message_get_sender (message)));
        }
      return FALSE;

    case DA_TERMINATION_ANY:
      {
        DaTermination *fired = NULL;

        for (guint i = 0; i < self->children->len; i++)
          {
            DaTermination *child = g_ptr_array_index (self->children, i);

            if (update (child, messages, prompt_tokens, completion_tokens) && fired == NULL)
              fired = child;
          }
        if (fired != NULL)
          return fire (self, g_strdup (fired->reason));
        return FALSE;
      }

    case DA_TERMINATION_ALL:
      {
        gboolean all = self->children->len > 0;

        for (guint i = 0; i < self->children->len; i++)
          all &= update (g_ptr_array_index (self->children, i), messages,
                         prompt_tokens, completion_tokens);
        if (all)
          {
            g_autoptr(GString) reason = g_string_new ("all: ");

            for (guint i = 0; i < self->children->len; i++)
              {
                DaTermination *child = g_ptr_array_index (self->children, i);

                g_string_append_printf (reason, "%s%s", i > 0 ? "; " : "", child->reason);
              }
            return fire (self, g_string_free (g_steal_pointer (&reason), FALSE));
          }
        return FALSE;
      }

    default:
      g_assert_not_reached ();
    }
}

/**
 * da_termination_check:
 * @messages: (element-type DaMessage): the messages that arrived since
 *   the last check, oldest first
 *
 * Returns: whether the condition has fired (it stays fired until reset)
 */
gboolean
da_termination_check (DaTermination *self,
                      GPtrArray     *messages)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  return update (self, messages, 0, 0);
}

gboolean
da_termination_check_message (DaTermination *self,
                              DaMessage     *message)
{
  DaMessage *one[] = { message };
  GPtrArray array = { .pdata = (gpointer *)one, .len = 1 };

  g_return_val_if_fail (DA_IS_TERMINATION (self), FALSE);
  g_return_val_if_fail (DA_IS_MESSAGE (message), FALSE);

  return update (self, &array, 0, 0);
}

/**
 * da_termination_add_usage:
 *
 * Counts tokens spent without a chat message (the speaker selector's
 * call) and checks the condition.
 *
 * Returns: whether the condition has fired
 */
gboolean
da_termination_add_usage (DaTermination *self,
                          gint64         prompt_tokens,
                          gint64         completion_tokens)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), FALSE);

  return update (self, NULL, MAX (0, prompt_tokens), MAX (0, completion_tokens));
}

/**
 * da_termination_external_set:
 *
 * Makes every external condition in the tree fire at its next check.
 */
void
da_termination_external_set (DaTermination *self)
{
  g_return_if_fail (DA_IS_TERMINATION (self));

  if (self->kind == DA_TERMINATION_EXTERNAL)
    self->external_set = TRUE;
  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    da_termination_external_set (g_ptr_array_index (self->children, i));
}

gboolean
da_termination_get_terminated (DaTermination *self)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), FALSE);
  return self->terminated;
}

/**
 * da_termination_get_reason:
 *
 * Returns: (nullable): why the condition fired, or %NULL
 */
const char *
da_termination_get_reason (DaTermination *self)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), NULL);
  return self->terminated ? self->reason : NULL;
}

/**
 * da_termination_reset:
 *
 * Forgets counters, elapsed time and fired state, in the whole tree.
 */
void
da_termination_reset (DaTermination *self)
{
  g_return_if_fail (DA_IS_TERMINATION (self));

  self->terminated = FALSE;
  g_clear_pointer (&self->reason, g_free);
  self->n_messages = 0;
  self->prompt_tokens = 0;
  self->completion_tokens = 0;
  self->start_us = 0;
  self->elapsed_before_us = 0;
  self->external_set = FALSE;

  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    da_termination_reset (g_ptr_array_index (self->children, i));
}

static void
set_clock (DaTermination *self,
           gboolean       running,
           gint64         now)
{
  if (self->terminated)
    return;

  if (self->kind == DA_TERMINATION_TIMEOUT)
    {
      if (running && self->start_us == 0)
        self->start_us = now;
      else if (!running && self->start_us != 0)
        {
          self->elapsed_before_us += now - self->start_us;
          self->start_us = 0;
        }
    }

  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    set_clock (g_ptr_array_index (self->children, i), running, now);
}

/**
 * da_termination_start_clock:
 *
 * Starts (or goes on with) the clocks of the timeout conditions in the
 * tree that have not fired; a team calls it when a run starts.
 */
void
da_termination_start_clock (DaTermination *self)
{
  g_return_if_fail (DA_IS_TERMINATION (self));
  set_clock (self, TRUE, g_get_monotonic_time ());
}

/**
 * da_termination_pause_clock:
 *
 * Stops the clocks of the timeout conditions, keeping the time spent; a
 * team calls it when a run stops, so that the time between runs does
 * not count.
 */
void
da_termination_pause_clock (DaTermination *self)
{
  g_return_if_fail (DA_IS_TERMINATION (self));
  set_clock (self, FALSE, g_get_monotonic_time ());
}

static gint64
time_left (DaTermination *self,
           gint64         now)
{
  gint64 left = -1;

  if (self->terminated)
    return -1;

  if (self->kind == DA_TERMINATION_TIMEOUT)
    {
      gint64 spent = self->elapsed_before_us;

      if (self->start_us == 0)
        return -1;
      spent += now - self->start_us;
      return MAX (0, (gint64)(self->timeout_seconds * G_USEC_PER_SEC) - spent);
    }

  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    {
      gint64 child = time_left (g_ptr_array_index (self->children, i), now);

      if (child >= 0 && (left < 0 || child < left))
        left = child;
    }
  return left;
}

/**
 * da_termination_get_time_left:
 *
 * Returns: the microseconds until the first running timeout condition
 *   of the tree that has not fired reaches its limit (0 when one already
 *   has and awaits a check), or -1 when no clock is running
 */
gint64
da_termination_get_time_left (DaTermination *self)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), -1);
  return time_left (self, g_get_monotonic_time ());
}

static void
add_strv (JsonBuilder        *builder,
          const char         *member,
          const char * const *strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
build_config (DaTermination *self,
              JsonBuilder   *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, kind_names[self->kind]);

  switch (self->kind)
    {
    case DA_TERMINATION_MAX_MESSAGES:
      json_builder_add_int_value (builder, self->max_messages);
      break;
    case DA_TERMINATION_TEXT_MENTION:
      json_builder_add_string_value (builder, self->text);
      if (self->sources != NULL)
        add_strv (builder, "sources", (const char * const *)self->sources);
      break;
    case DA_TERMINATION_TOKEN_USAGE:
      json_builder_begin_object (builder);
      if (self->max_total > 0)
        {
          json_builder_set_member_name (builder, "max_total");
          json_builder_add_int_value (builder, self->max_total);
        }
      if (self->max_prompt > 0)
        {
          json_builder_set_member_name (builder, "max_prompt");
          json_builder_add_int_value (builder, self->max_prompt);
        }
      if (self->max_completion > 0)
        {
          json_builder_set_member_name (builder, "max_completion");
          json_builder_add_int_value (builder, self->max_completion);
        }
      json_builder_end_object (builder);
      break;
    case DA_TERMINATION_TIMEOUT:
      json_builder_add_double_value (builder, self->timeout_seconds);
      break;
    case DA_TERMINATION_HANDOFF:
      json_builder_add_string_value (builder, self->target);
      break;
    case DA_TERMINATION_EXTERNAL:
      json_builder_add_boolean_value (builder, TRUE);
      break;
    case DA_TERMINATION_SOURCE_MATCH:
      json_builder_begin_array (builder);
      for (guint i = 0; self->sources[i] != NULL; i++)
        json_builder_add_string_value (builder, self->sources[i]);
      json_builder_end_array (builder);
      break;
    case DA_TERMINATION_ALL:
    case DA_TERMINATION_ANY:
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->children->len; i++)
        build_config (g_ptr_array_index (self->children, i), builder);
      json_builder_end_array (builder);
      break;
    default:
      g_assert_not_reached ();
    }

  json_builder_end_object (builder);
}

/**
 * da_termination_to_json:
 *
 * Returns: (transfer full): the condition in the team file's form,
 *   which da_termination_new_from_json() reads back
 */
JsonNode *
da_termination_to_json (DaTermination *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DA_IS_TERMINATION (self), NULL);

  build_config (self, builder);
  return json_builder_get_root (builder);
}

static void
build_state (DaTermination *self,
             JsonBuilder   *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_names[self->kind]);
  json_builder_set_member_name (builder, "terminated");
  json_builder_add_boolean_value (builder, self->terminated);
  if (self->terminated && self->reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, self->reason);
    }

  switch (self->kind)
    {
    case DA_TERMINATION_MAX_MESSAGES:
      json_builder_set_member_name (builder, "messages");
      json_builder_add_int_value (builder, self->n_messages);
      break;
    case DA_TERMINATION_TOKEN_USAGE:
      json_builder_set_member_name (builder, "prompt_tokens");
      json_builder_add_int_value (builder, self->prompt_tokens);
      json_builder_set_member_name (builder, "completion_tokens");
      json_builder_add_int_value (builder, self->completion_tokens);
      break;
    case DA_TERMINATION_TIMEOUT:
      {
        gint64 elapsed = self->elapsed_before_us;

        if (self->start_us != 0)
          elapsed += g_get_monotonic_time () - self->start_us;
        json_builder_set_member_name (builder, "started");
        json_builder_add_boolean_value (builder, self->start_us != 0);
        json_builder_set_member_name (builder, "elapsed_ms");
        json_builder_add_int_value (builder, elapsed / 1000);
      }
      break;
    case DA_TERMINATION_EXTERNAL:
      json_builder_set_member_name (builder, "set");
      json_builder_add_boolean_value (builder, self->external_set);
      break;
    case DA_TERMINATION_ALL:
    case DA_TERMINATION_ANY:
      json_builder_set_member_name (builder, "children");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->children->len; i++)
        build_state (g_ptr_array_index (self->children, i), builder);
      json_builder_end_array (builder);
      break;
    case DA_TERMINATION_TEXT_MENTION:
    case DA_TERMINATION_HANDOFF:
    case DA_TERMINATION_SOURCE_MATCH:
      break;
    default:
      g_assert_not_reached ();
    }

  json_builder_end_object (builder);
}

/**
 * da_termination_save_state:
 *
 * Returns: (transfer full): the counters and fired state of the tree, as
 *   JSON
 */
JsonNode *
da_termination_save_state (DaTermination *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DA_IS_TERMINATION (self), NULL);

  build_state (self, builder);
  return json_builder_get_root (builder);
}

static gboolean
state_error (GError     **error,
             const char  *path,
             const char  *what)
{
  g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_STATE,
               "%s: %s", path, what);
  return FALSE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         gint64      *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          gboolean    *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* Validates @node against the tree when @apply is FALSE; applies it when
 * TRUE (after a successful validation, so a bad state changes nothing). */
static gboolean
walk_state (DaTermination  *self,
            JsonNode       *node,
            const char     *path,
            gboolean        apply,
            GError        **error)
{
  JsonObject *object;
  const char *kind;
  const char *reason = NULL;
  gboolean terminated;
  gint64 a = 0, b = 0;
  gboolean flag = FALSE;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return state_error (error, path, "expected an object");
  object = json_node_get_object (node);

  kind = json_object_get_string_member_with_default (object, "kind", NULL);
  if (g_strcmp0 (kind, kind_names[self->kind]) != 0)
    return state_error (error, path, "the condition kind differs from this team's");
  if (!get_bool (object, "terminated", &terminated))
    return state_error (error, path, "\"terminated\" must be a boolean");
  if (json_object_has_member (object, "reason"))
    {
      JsonNode *r = json_object_get_member (object, "reason");

      if (!JSON_NODE_HOLDS_VALUE (r) || json_node_get_value_type (r) != G_TYPE_STRING)
        return state_error (error, path, "\"reason\" must be a string");
      reason = json_node_get_string (r);
    }

  switch (self->kind)
    {
    case DA_TERMINATION_MAX_MESSAGES:
      if (!get_int (object, "messages", &a) || a > G_MAXUINT)
        return state_error (error, path, "\"messages\" must be a count");
      break;
    case DA_TERMINATION_TOKEN_USAGE:
      if (!get_int (object, "prompt_tokens", &a) || !get_int (object, "completion_tokens", &b))
        return state_error (error, path, "token counts must be non-negative integers");
      break;
    case DA_TERMINATION_TIMEOUT:
      if (!get_bool (object, "started", &flag) || !get_int (object, "elapsed_ms", &a) ||
          a > G_MAXINT64 / 1000)
        return state_error (error, path, "\"started\" and \"elapsed_ms\" are required");
      break;
    case DA_TERMINATION_EXTERNAL:
      if (!get_bool (object, "set", &flag))
        return state_error (error, path, "\"set\" must be a boolean");
      break;
    case DA_TERMINATION_ALL:
    case DA_TERMINATION_ANY:
      {
        JsonNode *children = json_object_get_member (object, "children");
        JsonArray *array;

        if (children == NULL || !JSON_NODE_HOLDS_ARRAY (children))
          return state_error (error, path, "\"children\" must be an array");
        array = json_node_get_array (children);
        if (json_array_get_length (array) != self->children->len)
          return state_error (error, path, "the number of conditions differs from this team's");
        for (guint i = 0; i < self->children->len; i++)
          {
            g_autofree char *child_path = g_strdup_printf ("%s.children[%u]", path, i);

            if (!walk_state (g_ptr_array_index (self->children, i),
                             json_array_get_element (array, i), child_path, apply, error))
              return FALSE;
          }
      }
      break;
    default:
      break;
    }

  if (!apply)
    return TRUE;

  self->terminated = terminated;
  da_set_str (&self->reason, terminated ? (reason ? reason : kind_names[self->kind]) : NULL);
  switch (self->kind)
    {
    case DA_TERMINATION_MAX_MESSAGES:
      self->n_messages = (guint)a;
      break;
    case DA_TERMINATION_TOKEN_USAGE:
      self->prompt_tokens = a;
      self->completion_tokens = b;
      break;
    case DA_TERMINATION_TIMEOUT:
      /* The clock restarts at load; the time already spent is kept. */
      self->elapsed_before_us = a * 1000;
      self->start_us = flag ? g_get_monotonic_time () : 0;
      break;
    case DA_TERMINATION_EXTERNAL:
      self->external_set = flag;
      break;
    default:
      break;
    }
  return TRUE;
}

/**
 * da_termination_load_state:
 * @state: what da_termination_save_state() gave for the same tree
 *
 * Returns: %TRUE, or %FALSE with %DA_CHAT_ERROR_INVALID_STATE (and the
 *   condition unchanged) when @state does not fit this tree
 */
gboolean
da_termination_load_state (DaTermination  *self,
                           JsonNode       *state,
                           GError        **error)
{
  g_return_val_if_fail (DA_IS_TERMINATION (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  if (!walk_state (self, state, "$.termination", FALSE, error))
    return FALSE;
  return walk_state (self, state, "$.termination", TRUE, NULL);
}
