/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-util.h"
#include "da-llm-error.h"
#include "da-chat.h"

/**
 * DaChat:
 *
 * A conversation between two agents, as AutoGen's initiate_chat(): the
 * initiator sends the opening message, then the recipient and the
 * initiator reply in turn until one of them ends the conversation (a
 * generate_reply that returns no message: termination message, used-up
 * auto replies, the human typed "exit"), #DaChat:max-turns exchanges
 * have happened, an agent fails, or the run is cancelled.
 *
 * Every message is announced with #DaChat::message-started (a streamed
 * reply before its first delta: connect to its #DaMessage::delta there)
 * and #DaChat::message-completed when it is final, whatever its end
 * state.
 *
 * Cancellation always finishes the run with %G_IO_ERROR_CANCELLED
 * (whatever error the provider reported), the stop reason "cancelled",
 * and no #DaChat::error signal. A reply being streamed keeps its text
 * and is left %DA_MESSAGE_STATE_INCOMPLETE (or %DA_MESSAGE_STATE_ERROR
 * if no text had arrived).
 */
struct _DaChat
{
  GObject    parent_instance;

  DaAgent   *initiator;
  DaAgent   *recipient;
  guint      max_turns;
  guint      n_turns;
  char      *stop_reason;
  GPtrArray *messages;

  /* While running */
  GTask     *task;
  DaAgent   *speaker;
  DaMessage *streaming;
  gulong     reply_started_ids[2];
  gulong     reply_completed_ids[2];

  guint      started : 1;
};

G_DEFINE_FINAL_TYPE (DaChat, da_chat, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INITIATOR,
  PROP_RECIPIENT,
  PROP_MAX_TURNS,
  PROP_N_TURNS,
  PROP_RUNNING,
  PROP_STOP_REASON,
  N_PROPS
};

enum {
  MESSAGE_STARTED,
  MESSAGE_COMPLETED,
  USAGE,
  ERROR,
  STOPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void request_reply (DaChat  *self,
                           DaAgent *speaker);

static DaAgent *
peer_of (DaChat  *self,
         DaAgent *agent)
{
  return agent == self->initiator ? self->recipient : self->initiator;
}

static void
disconnect_agents (DaChat *self)
{
  if (self->initiator != NULL)
    {
      g_clear_signal_handler (&self->reply_started_ids[0], self->initiator);
      g_clear_signal_handler (&self->reply_completed_ids[0], self->initiator);
    }
  if (self->recipient != NULL)
    {
      g_clear_signal_handler (&self->reply_started_ids[1], self->recipient);
      g_clear_signal_handler (&self->reply_completed_ids[1], self->recipient);
    }
}

static void
finish (DaChat     *self,
        GError     *error,
        const char *reason)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_assert (task != NULL);

  self->speaker = NULL;
  g_clear_object (&self->streaming);
  disconnect_agents (self);

  if (da_set_str (&self->stop_reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_REASON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  g_debug ("Chat between %s and %s stopped: %s",
           da_agent_get_name (self->initiator), da_agent_get_name (self->recipient), reason);
  g_signal_emit (self, signals[STOPPED], 0, reason);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_cancelled (DaChat *self)
{
  finish (self,
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The chat was cancelled"),
          "cancelled");
}

static void
add_message (DaChat    *self,
             DaAgent   *sender,
             DaMessage *message)
{
  g_ptr_array_add (self->messages, g_object_ref (message));
  g_signal_emit (self, signals[MESSAGE_STARTED], 0, sender, message);
}

static void
complete_streaming (DaChat  *self,
                    DaAgent *agent)
{
  g_autoptr(DaMessage) done = g_steal_pointer (&self->streaming);

  if (done == NULL)
    return;

  if (da_message_get_state (done) == DA_MESSAGE_STATE_STREAMING)
    da_message_set_state (done, DA_MESSAGE_STATE_COMPLETE);
  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, done);
  if (da_message_get_role (done) == DA_ROLE_ASSISTANT)
    g_signal_emit (self, signals[USAGE], 0, agent, done);
}

static void
reply_started_cb (DaAgent   *agent,
                  DaMessage *reply,
                  DaChat    *self)
{
  if (self->task == NULL || agent != self->speaker || self->streaming == reply)
    return;

  /* A reply that used tools announces each of its messages in turn (the
   * call, the results, the next reply): the previous one is final. */
  complete_streaming (self, agent);

  self->streaming = g_object_ref (reply);
  add_message (self, agent, reply);
}

/* A reply that asks for tools is final before they run: its calls come
 * before their permission requests and results. */
static void
reply_completed_cb (DaAgent   *agent,
                    DaMessage *reply,
                    DaChat    *self)
{
  if (self->task == NULL || agent != self->speaker || self->streaming != reply)
    return;

  complete_streaming (self, agent);
}

static gboolean
is_cancellation (DaChat       *self,
                 const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED) ||
         g_cancellable_is_cancelled (g_task_get_cancellable (self->task));
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DaAgent *agent = DA_AGENT (object);
  g_autoptr(DaChat) self = user_data;
  g_autoptr(DaMessage) streamed = NULL;
  g_autoptr(DaMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (self->task != NULL);
  g_assert (agent == self->speaker);

  reply = da_agent_generate_reply_finish (agent, result, &error);
  streamed = g_steal_pointer (&self->streaming);

  if (error != NULL)
    {
      gboolean cancelled = is_cancellation (self, error);

      if (streamed != NULL)
        {
          if (da_message_get_state (streamed) == DA_MESSAGE_STATE_STREAMING)
            {
              da_message_set_error_message (streamed, error->message);
              da_message_set_state (streamed,
                                    cancelled && da_message_get_content (streamed)[0] != '\0'
                                      ? DA_MESSAGE_STATE_INCOMPLETE : DA_MESSAGE_STATE_ERROR);
            }
          g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, streamed);
        }

      if (cancelled)
        {
          finish_cancelled (self);
        }
      else
        {
          g_autofree char *reason = g_strdup_printf ("error: %s", error->message);

          g_signal_emit (self, signals[ERROR], 0, agent, error);
          finish (self, g_steal_pointer (&error), reason);
        }
      return;
    }

  if (reply == NULL)
    {
      g_autofree char *fallback = NULL;
      const char *reason = da_agent_get_stop_reason (agent);

      if (streamed != NULL)
        {
          if (da_message_get_state (streamed) == DA_MESSAGE_STATE_STREAMING)
            da_message_set_state (streamed, DA_MESSAGE_STATE_INCOMPLETE);
          g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, streamed);
        }

      if (reason == NULL)
        reason = fallback = g_strdup_printf ("%s ended the conversation", da_agent_get_name (agent));
      finish (self, NULL, reason);
      return;
    }

  if (reply != streamed)
    add_message (self, agent, reply);
  else if (da_message_get_state (reply) == DA_MESSAGE_STATE_STREAMING)
    da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);

  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, agent, reply);
  if (reply == streamed)
    g_signal_emit (self, signals[USAGE], 0, agent, reply);

  da_agent_send (agent, reply, peer_of (self, agent));

  if (agent == self->recipient)
    {
      if (self->max_turns > 0 && self->n_turns >= self->max_turns)
        finish (self, NULL, "max_turns");
      else
        request_reply (self, self->initiator);
    }
  else
    {
      self->n_turns++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TURNS]);
      request_reply (self, self->recipient);
    }
}

static void
request_reply (DaChat  *self,
               DaAgent *speaker)
{
  DaAgent *peer = peer_of (self, speaker);
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (g_cancellable_is_cancelled (cancellable))
    {
      finish_cancelled (self);
      return;
    }

  self->speaker = speaker;
  da_agent_generate_reply_async (speaker,
                                 da_agent_get_history (speaker, peer),
                                 peer,
                                 cancellable,
                                 reply_cb,
                                 g_object_ref (self));
}

static void
da_chat_dispose (GObject *object)
{
  DaChat *self = (DaChat *)object;

  disconnect_agents (self);
  g_clear_object (&self->streaming);
  g_clear_object (&self->initiator);
  g_clear_object (&self->recipient);

  G_OBJECT_CLASS (da_chat_parent_class)->dispose (object);
}

static void
da_chat_finalize (GObject *object)
{
  DaChat *self = (DaChat *)object;

  g_assert (self->task == NULL);
  g_clear_pointer (&self->stop_reason, g_free);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (da_chat_parent_class)->finalize (object);
}

static void
da_chat_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DaChat *self = DA_CHAT (object);

  switch (prop_id)
    {
    case PROP_INITIATOR:
      g_value_set_object (value, self->initiator);
      break;
    case PROP_RECIPIENT:
      g_value_set_object (value, self->recipient);
      break;
    case PROP_MAX_TURNS:
      g_value_set_uint (value, self->max_turns);
      break;
    case PROP_N_TURNS:
      g_value_set_uint (value, self->n_turns);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, da_chat_get_running (self));
      break;
    case PROP_STOP_REASON:
      g_value_set_string (value, self->stop_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  DaChat *self = DA_CHAT (object);

  switch (prop_id)
    {
    case PROP_INITIATOR:
      self->initiator = g_value_dup_object (value);
      break;
    case PROP_RECIPIENT:
      self->recipient = g_value_dup_object (value);
      break;
    case PROP_MAX_TURNS:
      da_chat_set_max_turns (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_class_init (DaChatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_chat_dispose;
  object_class->finalize = da_chat_finalize;
  object_class->get_property = da_chat_get_property;
  object_class->set_property = da_chat_set_property;

  properties[PROP_INITIATOR] =
    g_param_spec_object ("initiator", NULL, NULL, DA_TYPE_AGENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECIPIENT] =
    g_param_spec_object ("recipient", NULL, NULL, DA_TYPE_AGENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_TURNS] =
    g_param_spec_uint ("max-turns", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_TURNS] =
    g_param_spec_uint ("n-turns", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STOP_REASON] =
    g_param_spec_string ("stop-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaChat::message-started:
   * @sender: the agent that sends the message
   * @message: a finished message, or a streamed reply before its first
   *   delta
   */
  signals[MESSAGE_STARTED] =
    g_signal_new ("message-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaChat::message-completed:
   * @sender: the agent that sent the message
   * @message: the message, now in its end state (complete, incomplete or
   *   error)
   */
  signals[MESSAGE_COMPLETED] =
    g_signal_new ("message-completed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaChat::usage:
   * @agent: the agent whose provider answered
   * @message: the reply, with its prompt and completion token counts
   *
   * Emitted after every streamed reply that completed.
   */
  signals[USAGE] =
    g_signal_new ("usage",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, DA_TYPE_AGENT, DA_TYPE_MESSAGE);

  /**
   * DaChat::error:
   * @agent: the agent that failed
   * @error: what went wrong (a #DaLlmError from a provider, …)
   *
   * Emitted when an agent fails, just before #DaChat::stopped.
   * Cancellation is not an error.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, DA_TYPE_AGENT, G_TYPE_ERROR);

  /**
   * DaChat::stopped:
   * @reason: the stop reason, as da_chat_get_stop_reason()
   */
  signals[STOPPED] =
    g_signal_new ("stopped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
da_chat_init (DaChat *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * da_chat_new:
 * @initiator: the agent that sends the opening message
 * @recipient: the agent it talks to; its name must differ from the
 *   initiator's
 */
DaChat *
da_chat_new (DaAgent *initiator,
             DaAgent *recipient)
{
  g_return_val_if_fail (DA_IS_AGENT (initiator), NULL);
  g_return_val_if_fail (DA_IS_AGENT (recipient), NULL);
  g_return_val_if_fail (g_strcmp0 (da_agent_get_name (initiator),
                                   da_agent_get_name (recipient)) != 0, NULL);

  return g_object_new (DA_TYPE_CHAT,
                       "initiator", initiator,
                       "recipient", recipient,
                       NULL);
}

/**
 * da_chat_get_initiator:
 *
 * Returns: (transfer none): the agent that opens the chat
 */
DaAgent *
da_chat_get_initiator (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), NULL);
  return self->initiator;
}

/**
 * da_chat_get_recipient:
 *
 * Returns: (transfer none): the agent the initiator talks to
 */
DaAgent *
da_chat_get_recipient (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), NULL);
  return self->recipient;
}

guint
da_chat_get_max_turns (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), 0);
  return self->max_turns;
}

/**
 * da_chat_set_max_turns:
 * @max_turns: the most exchanges (a message from the initiator and the
 *   recipient's reply), or 0 for no limit
 */
void
da_chat_set_max_turns (DaChat *self,
                       guint   max_turns)
{
  g_return_if_fail (DA_IS_CHAT (self));

  if (self->max_turns == max_turns)
    return;
  self->max_turns = max_turns;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TURNS]);
}

/**
 * da_chat_get_n_turns:
 *
 * Returns: the exchanges begun so far (the opening message begins the
 *   first)
 */
guint
da_chat_get_n_turns (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), 0);
  return self->n_turns;
}

gboolean
da_chat_get_running (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), FALSE);
  return self->task != NULL;
}

/**
 * da_chat_run_async:
 * @message: the opening message, sent by the initiator
 *
 * Runs the chat to its end. A chat runs once; both agents forget their
 * previous history with each other first.
 */
void
da_chat_run_async (DaChat              *self,
                   const char          *message,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(DaMessage) opening = NULL;

  g_return_if_fail (DA_IS_CHAT (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, da_chat_run_async);
  /* The result says how the chat ended, even if cancelled afterwards. */
  g_task_set_check_cancellable (self->task, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  self->reply_started_ids[0] =
    g_signal_connect (self->initiator, "reply-started", G_CALLBACK (reply_started_cb), self);
  self->reply_started_ids[1] =
    g_signal_connect (self->recipient, "reply-started", G_CALLBACK (reply_started_cb), self);
  self->reply_completed_ids[0] =
    g_signal_connect (self->initiator, "reply-completed", G_CALLBACK (reply_completed_cb), self);
  self->reply_completed_ids[1] =
    g_signal_connect (self->recipient, "reply-completed", G_CALLBACK (reply_completed_cb), self);

  da_agent_prepare_chat (self->initiator, self->recipient);
  da_agent_prepare_chat (self->recipient, self->initiator);

  opening = da_message_new (DA_ROLE_USER, da_agent_get_name (self->initiator), message);
  self->n_turns = 1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TURNS]);

  add_message (self, self->initiator, opening);
  g_signal_emit (self, signals[MESSAGE_COMPLETED], 0, self->initiator, opening);

  da_agent_send (self->initiator, opening, self->recipient);
  request_reply (self, self->recipient);
}

/**
 * da_chat_run_finish:
 *
 * Returns: %TRUE when the chat stopped normally (see
 *   da_chat_get_stop_reason()); %FALSE with the agent's error when an
 *   agent failed, or with %G_IO_ERROR_CANCELLED when cancelled
 */
gboolean
da_chat_run_finish (DaChat        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (DA_IS_CHAT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * da_chat_get_stop_reason:
 *
 * Returns: (nullable): why the chat stopped: "max_turns",
 *   "termination_message: PATTERN from AGENT",
 *   "max_consecutive_auto_reply", "human_exit",
 *   "human_absent: no human input handler for AGENT", "cancelled",
 *   "error: MESSAGE"; %NULL before it stopped
 */
const char *
da_chat_get_stop_reason (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), NULL);
  return self->stop_reason;
}

/**
 * da_chat_get_messages:
 *
 * Returns: (transfer none) (element-type DaMessage): every message of
 *   the chat in order, including a reply being streamed and replies that
 *   failed
 */
GPtrArray *
da_chat_get_messages (DaChat *self)
{
  g_return_val_if_fail (DA_IS_CHAT (self), NULL);
  return self->messages;
}
