/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "da-test-agents.h"

struct _DaTestScriptAgent
{
  DaAgent  parent_instance;
  GStrv    replies;
  guint    next;
};

G_DEFINE_FINAL_TYPE (DaTestScriptAgent, da_test_script_agent, DA_TYPE_AGENT)

typedef struct
{
  GTask     *task;
  DaMessage *reply;
  gulong     id;
} Hang;

static gboolean
hang_cancelled_idle (gpointer user_data)
{
  Hang *hang = user_data;

  da_message_set_state (hang->reply, DA_MESSAGE_STATE_INCOMPLETE);
  g_task_return_new_error (hang->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_object_unref (hang->task);
  g_object_unref (hang->reply);
  g_free (hang);
  return G_SOURCE_REMOVE;
}

static void
hang_cancelled_cb (GCancellable *cancellable,
                   Hang         *hang)
{
  g_idle_add (hang_cancelled_idle, hang);
}

static void
script_generate_reply_async (DaAgent             *agent,
                             GPtrArray           *messages,
                             DaAgent             *sender,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  DaTestScriptAgent *self = DA_TEST_SCRIPT_AGENT (agent);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *name = da_agent_get_name (agent);
  const char *text;
  DaMessage *reply;

  g_task_set_check_cancellable (task, FALSE);

  if (self->replies == NULL || self->replies[self->next] == NULL)
    {
      da_agent_set_stop_reason (agent, "script_ended");
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  text = self->replies[self->next++];

  if (g_str_equal (text, "@hang"))
    {
      Hang *hang = g_new0 (Hang, 1);

      g_assert (cancellable != NULL);
      hang->task = g_steal_pointer (&task);
      hang->reply = da_message_new_streaming (name);
      da_agent_emit_reply_started (agent, hang->reply);
      da_message_append_text (hang->reply, "partial ", -1);
      g_cancellable_connect (cancellable, G_CALLBACK (hang_cancelled_cb), hang, NULL);
      return;
    }

  if (g_str_has_prefix (text, "@transfer_to_"))
    {
      g_autofree char *id = g_strdup_printf ("call_%u", self->next);
      g_autoptr(DaToolCall) call = da_tool_call_new (id, text + 1, "{}");

      reply = da_message_new (DA_ROLE_ASSISTANT, name, "");
      da_message_add_tool_call (reply, call);
    }
  else
    {
      reply = da_message_new (DA_ROLE_ASSISTANT, name, text);
    }
  g_task_return_pointer (task, reply, g_object_unref);
}

static DaMessage *
script_generate_reply_finish (DaAgent       *agent,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
da_test_script_agent_finalize (GObject *object)
{
  g_strfreev (DA_TEST_SCRIPT_AGENT (object)->replies);
  G_OBJECT_CLASS (da_test_script_agent_parent_class)->finalize (object);
}

static void
da_test_script_agent_class_init (DaTestScriptAgentClass *klass)
{
  DaAgentClass *agent_class = DA_AGENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = da_test_script_agent_finalize;
  agent_class->generate_reply_async = script_generate_reply_async;
  agent_class->generate_reply_finish = script_generate_reply_finish;
}

static void
da_test_script_agent_init (DaTestScriptAgent *self)
{
}

DaAgent *
da_test_script_agent_new (const char         *name,
                          const char * const *replies)
{
  DaTestScriptAgent *self = g_object_new (DA_TYPE_TEST_SCRIPT_AGENT,
                                          "name", name,
                                          "description", name,
                                          NULL);

  self->replies = g_strdupv ((char **)replies);
  return DA_AGENT (self);
}

struct _DaTestScriptProvider
{
  DaProvider  parent_instance;
  GStrv       chunks;
  guint       interval_ms;
  gint        fail_after;
  DaRequest  *request;
  guint       n_calls;
};

G_DEFINE_FINAL_TYPE (DaTestScriptProvider, da_test_script_provider, DA_TYPE_PROVIDER)

typedef struct
{
  DaMessage *reply;
  guint      next;
} StreamData;

static void
stream_data_free (StreamData *data)
{
  g_clear_object (&data->reply);
  g_free (data);
}

static gboolean
stream_tick_cb (gpointer user_data)
{
  GTask *task = user_data;
  DaTestScriptProvider *self = g_task_get_source_object (task);
  StreamData *data = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_error (task, da_llm_error_new (DA_LLM_ERROR_CANCELLED, 0, -1,
                                                   "The request was cancelled"));
      return G_SOURCE_REMOVE;
    }

  if (self->fail_after >= 0 && data->next == (guint)self->fail_after)
    {
      g_task_return_error (task, da_llm_error_new (DA_LLM_ERROR_SERVER, 500, -1,
                                                   "The server failed (HTTP 500)"));
      return G_SOURCE_REMOVE;
    }

  if (self->chunks[data->next] == NULL)
    {
      da_message_set_finish_reason (data->reply, "stop");
      da_message_set_usage (data->reply, 10 * (gint64)self->request->messages->len, data->next);
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    }

  da_message_append_text (data->reply, self->chunks[data->next++], -1);
  return G_SOURCE_CONTINUE;
}

static void
script_provider_stream_async (DaProvider          *provider,
                              DaRequest           *request,
                              DaMessage           *reply,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  DaTestScriptProvider *self = DA_TEST_SCRIPT_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  StreamData *data = g_new0 (StreamData, 1);

  g_task_set_check_cancellable (task, FALSE);
  data->reply = g_object_ref (reply);
  g_task_set_task_data (task, data, (GDestroyNotify)stream_data_free);

  g_clear_pointer (&self->request, da_request_unref);
  self->request = da_request_ref (request);
  self->n_calls++;

  g_timeout_add_full (G_PRIORITY_DEFAULT, self->interval_ms, stream_tick_cb, task, g_object_unref);
}

static gboolean
script_provider_stream_finish (DaProvider    *provider,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
da_test_script_provider_finalize (GObject *object)
{
  DaTestScriptProvider *self = DA_TEST_SCRIPT_PROVIDER (object);

  g_strfreev (self->chunks);
  g_clear_pointer (&self->request, da_request_unref);
  G_OBJECT_CLASS (da_test_script_provider_parent_class)->finalize (object);
}

static void
da_test_script_provider_class_init (DaTestScriptProviderClass *klass)
{
  DaProviderClass *provider_class = DA_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = da_test_script_provider_finalize;
  provider_class->kind = "script";
  provider_class->stream_async = script_provider_stream_async;
  provider_class->stream_finish = script_provider_stream_finish;
}

static void
da_test_script_provider_init (DaTestScriptProvider *self)
{
}

DaTestScriptProvider *
da_test_script_provider_new (const char * const *chunks,
                             guint               interval_ms,
                             gint                fail_after)
{
  DaTestScriptProvider *self = g_object_new (DA_TYPE_TEST_SCRIPT_PROVIDER,
                                             "base-url", "http://127.0.0.1:9/v1",
                                             NULL);

  self->chunks = g_strdupv ((char **)chunks);
  self->interval_ms = interval_ms;
  self->fail_after = fail_after;
  return self;
}

DaRequest *
da_test_script_provider_get_request (DaTestScriptProvider *self)
{
  return self->request;
}

guint
da_test_script_provider_get_n_calls (DaTestScriptProvider *self)
{
  return self->n_calls;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RunData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunData *data = user_data;

  data->ok = da_chat_run_finish (DA_CHAT (object), result, &data->error);
  data->done = TRUE;
  g_main_context_wakeup (NULL);
}

gboolean
da_test_run_chat (DaChat        *chat,
                  const char    *message,
                  GCancellable  *cancellable,
                  GError       **error)
{
  RunData data = { 0 };

  da_chat_run_async (chat, message, cancellable, run_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (da_chat_get_running (chat));
  g_assert_nonnull (da_chat_get_stop_reason (chat));

  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.ok;
}

char *
da_test_chat_transcript (DaChat *chat)
{
  GPtrArray *messages = da_chat_get_messages (chat);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (messages, i);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s: %s",
                              da_message_get_sender (message),
                              da_message_get_content (message));
    }

  return g_string_free (out, FALSE);
}
