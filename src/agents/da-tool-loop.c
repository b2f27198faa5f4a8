/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-llm-error.h"
#include "da-conversable-agent-private.h"
#include "da-tool-loop-private.h"
#include "da-toolbox.h"

/* The assistant's tool-call loop. After a reply that asks for tools, the
 * agent's toolbox answers every call (validated, permitted by the broker,
 * run in parallel in the sandbox); the reply and one tool message per
 * call join the context and the provider is asked again, until a reply
 * asks for no tool or the toolbox's maximum number of iterations is
 * reached, which stops the agent with a clear reason. Every message of
 * the loop is announced with DaAgent::reply-started, so a chat records
 * the tool calls and their results like any other message; a reply that
 * asks for tools is also announced as final (DaAgent::reply-completed)
 * before they run, so listeners see a call before its permission
 * requests and result. */

typedef struct
{
  GPtrArray *context;
  DaMessage *reply;
  guint      iteration;
} LoopData;

static void step (GTask *task);

static void
loop_data_free (LoopData *data)
{
  g_ptr_array_unref (data->context);
  g_clear_object (&data->reply);
  g_free (data);
}

static void
streamed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoopData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!da_provider_stream_finish (DA_PROVIDER (object), result, &error))
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

  step (task);
}

static void
executed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DaConversableAgent *self = g_task_get_source_object (task);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  LoopData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(DaRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  results = da_toolbox_execute_finish (DA_TOOLBOX (object), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_add (data->context, g_object_ref (data->reply));
  for (guint i = 0; i < results->len; i++)
    {
      DaMessage *message = g_ptr_array_index (results, i);

      da_agent_emit_reply_started (DA_AGENT (self), message);
      g_ptr_array_add (data->context, g_object_ref (message));
    }
  data->iteration++;

  if (priv->provider == NULL)
    {
      g_task_return_new_error (task, DA_LLM_ERROR, DA_LLM_ERROR_PROVIDER,
                               "The agent lost its provider while running tools");
      return;
    }

  request = da_conversable_agent_build_request (self, data->context);
  g_clear_object (&data->reply);
  data->reply = da_message_new_streaming (da_agent_get_name (DA_AGENT (self)));
  da_agent_emit_reply_started (DA_AGENT (self), data->reply);
  cancellable = g_task_get_cancellable (task);
  da_provider_stream_async (priv->provider, request, data->reply, cancellable,
                            streamed_cb, g_steal_pointer (&task));
}

static void
step (GTask *task)
{
  DaConversableAgent *self = g_task_get_source_object (task);
  DaConversableAgentPrivate *priv = _da_conversable_agent_get_private (self);
  LoopData *data = g_task_get_task_data (task);
  GPtrArray *calls = da_message_get_tool_calls (data->reply);
  const char *name = da_agent_get_name (DA_AGENT (self));
  guint max;

  /* A handoff ("transfer_to_NAME") is the group chat's to act on. */
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      if (call->name != NULL && g_str_has_prefix (call->name, "transfer_to_"))
        {
          g_task_return_pointer (task, g_object_ref (data->reply), g_object_unref);
          return;
        }
    }

  if (calls->len == 0 || priv->toolbox == NULL)
    {
      g_task_return_pointer (task, g_object_ref (data->reply), g_object_unref);
      return;
    }

  max = da_toolbox_get_max_iterations (priv->toolbox);
  if (data->iteration >= max)
    {
      g_autofree char *reason = NULL;

      /* Every call gets its answer, so the history stays well formed. */
      for (guint i = 0; i < calls->len; i++)
        {
          g_autoptr(DaMessage) message = NULL;
          g_autofree char *text =
            g_strdup_printf ("Error: not run: the limit of %u rounds of tool calls was reached", max);

          message = da_toolbox_new_tool_message (name, g_ptr_array_index (calls, i), text);
          da_agent_emit_reply_started (DA_AGENT (self), message);
        }
      reason = g_strdup_printf ("max_tool_iterations: %s asked for tools %u times without "
                                "a final answer", name, max);
      da_agent_set_stop_reason (DA_AGENT (self), reason);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* The reply and its calls are final: announce them before the results. */
  da_agent_emit_reply_completed (DA_AGENT (self), data->reply);
  da_toolbox_execute_async (priv->toolbox, name, calls, g_task_get_cancellable (task),
                            executed_cb, g_object_ref (task));
}

/**
 * _da_tool_loop_run_async:
 * @messages: the context the @reply answered
 * @reply: a complete assistant reply that asks for tools
 *
 * Runs the tool calls of @reply and asks the provider again until the
 * model answers without tools.
 */
void
_da_tool_loop_run_async (DaConversableAgent  *self,
                         GPtrArray           *messages,
                         DaMessage           *reply,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoopData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _da_tool_loop_run_async);

  data = g_new0 (LoopData, 1);
  data->context = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (data->context, g_object_ref (g_ptr_array_index (messages, i)));
  data->reply = g_object_ref (reply);
  g_task_set_task_data (task, data, (GDestroyNotify) loop_data_free);

  step (task);
}

/**
 * _da_tool_loop_run_finish:
 *
 * Returns: (transfer full) (nullable): the final reply; %NULL without an
 *   error when the loop stopped the agent (the stop reason says why)
 */
DaMessage *
_da_tool_loop_run_finish (DaConversableAgent  *self,
                          GAsyncResult        *result,
                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
