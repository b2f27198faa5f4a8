/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-llm-error.h"
#include "da-conversable-agent-private.h"
#include "da-human-input-request-private.h"
#include "da-tool-loop-private.h"

/* AutoGen's reply chain for a ConversableAgent: first
 * check_termination_and_human_reply (which may ask the human, end the
 * chat or count an auto reply), then the LLM reply, then the default
 * auto reply. The prompts are AutoGen's. */

typedef enum
{
  ASK_ALWAYS,
  ASK_AUTO_REPLIES_USED_UP,
  ASK_TERMINATION,
} AskKind;

typedef struct
{
  GPtrArray           *messages;
  DaAgent             *sender;
  DaMessage           *last;
  DaHumanInputRequest *request;
  DaMessage           *reply;
  AskKind              ask;
  gboolean             terminate;
} ReplyData;

static void
reply_data_free (ReplyData *data)
{
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_clear_object (&data->sender);
  g_clear_object (&data->last);
  g_clear_object (&data->request);
  g_clear_object (&data->reply);
  g_free (data);
}

static void
stop (GTask      *task,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
stop (GTask      *task,
      const char *format,
      ...)
{
  DaAgent *self = g_task_get_source_object (task);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  da_agent_set_stop_reason (self, reason);
  g_task_return_pointer (task, NULL, NULL);
}

static void
stop_on_termination (GTask *task)
{
  DaConversableAgent *self = g_task_get_source_object (task);
  ReplyData *data = g_task_get_task_data (task);

  stop (task, "termination_message: %s from %s",
        da_conversable_agent_get_termination_pattern (self),
        da_agent_get_name (data->sender));
}

static void
tool_loop_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  DaMessage *reply;

  reply = _da_tool_loop_run_finish (DA_CONVERSABLE_AGENT (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, reply, g_object_unref);
}

static void
stream_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DaProvider *provider = DA_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  ReplyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!da_provider_stream_finish (provider, result, &error))
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                           g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED) ||
                           g_cancellable_is_cancelled (g_task_get_cancellable (task));
      gboolean has_text = da_message_get_content (data->reply)[0] != '\0';

      da_message_set_error_message (data->reply, error->message);
      da_message_set_state (data->reply,
                            cancelled && has_text ? DA_MESSAGE_STATE_INCOMPLETE
                                                  : DA_MESSAGE_STATE_ERROR);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (da_message_get_state (data->reply) == DA_MESSAGE_STATE_STREAMING)
    da_message_set_state (data->reply, DA_MESSAGE_STATE_COMPLETE);

  if (da_conversable_agent_get_toolbox (g_task_get_source_object (task)) != NULL &&
      da_message_get_tool_calls (data->reply)->len > 0)
    {
      DaConversableAgent *self = g_task_get_source_object (task);
      GCancellable *cancellable = g_task_get_cancellable (task);

      _da_tool_loop_run_async (self, data->messages, data->reply, cancellable,
                               tool_loop_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_object_ref (data->reply), g_object_unref);
}

static void
auto_reply (GTask *task)
{
  DaConversableAgent *self = g_task_get_source_object (task);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  ReplyData *data = g_task_get_task_data (task);
  const char *name = da_agent_get_name (DA_AGENT (self));
  g_autoptr(DaRequest) request = NULL;

  _da_conversable_agent_count_auto_reply (self, data->sender);

  if (priv->provider == NULL)
    {
      g_task_return_pointer (task,
                             da_message_new (DA_ROLE_ASSISTANT, name, priv->default_auto_reply),
                             g_object_unref);
      return;
    }

  request = da_conversable_agent_build_request (self, data->messages);
  data->reply = da_message_new_streaming (name);
  da_agent_emit_reply_started (DA_AGENT (self), data->reply);

  da_provider_stream_async (priv->provider,
                            request,
                            data->reply,
                            g_task_get_cancellable (task),
                            stream_cb,
                            g_object_ref (task));
}

static void
human_answered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DaHumanInputRequest *request = DA_HUMAN_INPUT_REQUEST (object);
  g_autoptr(GTask) task = user_data;
  DaConversableAgent *self = g_task_get_source_object (task);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  ReplyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *stripped = NULL;
  gboolean empty;

  answer = _da_human_input_request_finish (request, result, &error);
  g_clear_object (&data->request);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  stripped = g_strstrip (g_strdup (answer));
  empty = stripped[0] == '\0';

  if (g_str_equal (stripped, "exit"))
    {
      da_conversable_agent_reset_consecutive_auto_reply_counter (self, data->sender);
      stop (task, "human_exit");
      return;
    }

  /* An empty answer to a termination message confirms it. */
  if (empty && data->terminate)
    {
      da_conversable_agent_reset_consecutive_auto_reply_counter (self, data->sender);
      stop_on_termination (task);
      return;
    }

  if (!empty || priv->max_consecutive_auto_reply == 0)
    {
      da_conversable_agent_reset_consecutive_auto_reply_counter (self, data->sender);
      g_task_return_pointer (task,
                             da_message_new (DA_ROLE_USER, da_agent_get_name (DA_AGENT (self)),
                                             empty ? "" : answer),
                             g_object_unref);
      return;
    }

  auto_reply (task);
}

static void
ask_human (GTask      *task,
           AskKind     ask,
           const char *prompt)
{
  DaConversableAgent *self = g_task_get_source_object (task);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  ReplyData *data = g_task_get_task_data (task);

  if (priv->human_input_handler == NULL)
    {
      stop (task, "human_absent: no human input handler for %s",
            da_agent_get_name (DA_AGENT (self)));
      return;
    }

  data->ask = ask;
  data->request = _da_human_input_request_new (DA_AGENT (self), prompt,
                                               g_task_get_cancellable (task),
                                               human_answered_cb,
                                               g_object_ref (task));
  priv->human_input_handler (self, prompt, g_task_get_cancellable (task),
                             data->request, priv->human_input_data);
}

void
_da_conversable_agent_generate_reply_async (DaAgent             *agent,
                                            GPtrArray           *messages,
                                            DaAgent             *sender,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  DaConversableAgent *self = DA_CONVERSABLE_AGENT (agent);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  g_autoptr(GTask) task = NULL;
  g_autofree char *prompt = NULL;
  const char *sender_name = da_agent_get_name (sender);
  ReplyData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _da_conversable_agent_generate_reply_async);

  data = g_new0 (ReplyData, 1);
  data->messages = g_ptr_array_ref (messages);
  data->sender = g_object_ref (sender);
  if (messages->len > 0)
    data->last = g_object_ref (g_ptr_array_index (messages, messages->len - 1));
  data->terminate = da_conversable_agent_is_termination_message (self, data->last);
  g_task_set_task_data (task, data, (GDestroyNotify)reply_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (priv->human_input_mode == DA_HUMAN_INPUT_ALWAYS)
    {
      prompt = g_strdup_printf ("Replying as %s. Provide feedback to %s. Press enter to skip "
                                "and use auto-reply, or type 'exit' to end the conversation: ",
                                da_agent_get_name (agent), sender_name);
      ask_human (task, ASK_ALWAYS, prompt);
      return;
    }

  if (da_conversable_agent_get_consecutive_auto_reply_count (self, sender) >=
      priv->max_consecutive_auto_reply)
    {
      if (priv->human_input_mode == DA_HUMAN_INPUT_NEVER)
        {
          stop (task, "max_consecutive_auto_reply");
          return;
        }

      if (data->terminate)
        prompt = g_strdup_printf ("Please give feedback to %s. Press enter or type 'exit' "
                                  "to stop the conversation: ", sender_name);
      else
        prompt = g_strdup_printf ("Please give feedback to %s. Press enter to skip and use "
                                  "auto-reply, or type 'exit' to stop the conversation: ",
                                  sender_name);
      ask_human (task, ASK_AUTO_REPLIES_USED_UP, prompt);
      return;
    }

  if (data->terminate)
    {
      if (priv->human_input_mode == DA_HUMAN_INPUT_NEVER)
        {
          stop_on_termination (task);
          return;
        }

      prompt = g_strdup_printf ("Please give feedback to %s. Press enter or type 'exit' "
                                "to stop the conversation: ", sender_name);
      ask_human (task, ASK_TERMINATION, prompt);
      return;
    }

  auto_reply (task);
}

DaMessage *
_da_conversable_agent_generate_reply_finish (DaAgent       *agent,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, agent), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
