/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-test-team.h"

struct _DaTestAnswerProvider
{
  DaProvider  parent_instance;
  GStrv       answers;
  guint       n_calls;
};

G_DEFINE_FINAL_TYPE (DaTestAnswerProvider, da_test_answer_provider, DA_TYPE_PROVIDER)

static void
answer_stream_async (DaProvider          *provider,
                     DaRequest           *request,
                     DaMessage           *reply,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  DaTestAnswerProvider *self = DA_TEST_ANSWER_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  guint n = g_strv_length (self->answers);
  const char *answer = self->answers[MIN (self->n_calls, n - 1)];

  self->n_calls++;
  da_message_append_text (reply, answer, -1);
  da_message_set_usage (reply, 10, 1);
  da_message_set_finish_reason (reply, "stop");
  g_task_return_boolean (task, TRUE);
}

static gboolean
answer_stream_finish (DaProvider    *provider,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
da_test_answer_provider_finalize (GObject *object)
{
  g_strfreev (DA_TEST_ANSWER_PROVIDER (object)->answers);
  G_OBJECT_CLASS (da_test_answer_provider_parent_class)->finalize (object);
}

static void
da_test_answer_provider_class_init (DaTestAnswerProviderClass *klass)
{
  DaProviderClass *provider_class = DA_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = da_test_answer_provider_finalize;
  provider_class->kind = "answers";
  provider_class->stream_async = answer_stream_async;
  provider_class->stream_finish = answer_stream_finish;
}

static void
da_test_answer_provider_init (DaTestAnswerProvider *self)
{
}

DaProvider *
da_test_answer_provider_new (const char * const *answers)
{
  DaTestAnswerProvider *self = g_object_new (DA_TYPE_TEST_ANSWER_PROVIDER, NULL);

  g_assert (answers != NULL && answers[0] != NULL);
  self->answers = g_strdupv ((char **)answers);
  return DA_PROVIDER (self);
}

guint
da_test_answer_provider_get_n_calls (DaTestAnswerProvider *self)
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

  data->ok = da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &data->error);
  data->done = TRUE;
}

gboolean
da_test_run_team (DaGroupChat  *chat,
                  const char   *task,
                  GCancellable *cancellable,
                  GError      **error)
{
  RunData data = { 0 };

  da_group_chat_run_async (chat, task, cancellable, run_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  /* Late callbacks of a cancelled run hold references: let them run. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_false (da_group_chat_get_running (chat));
  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.ok;
}

char *
da_test_senders (DaGroupChat *chat)
{
  GPtrArray *messages = da_group_chat_get_messages (chat);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            da_message_get_sender (g_ptr_array_index (messages, i)));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

DaAgent *
da_test_conversable (const char *name,
                     const char *reply)
{
  DaConversableAgent *agent = da_conversable_agent_new (name);

  da_conversable_agent_set_default_auto_reply (agent, reply);
  da_conversable_agent_set_human_input_mode (agent, DA_HUMAN_INPUT_NEVER);
  return DA_AGENT (agent);
}

GPtrArray *
da_test_agents (DaAgent *first,
                ...)
{
  GPtrArray *agents = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;

  va_start (args, first);
  for (DaAgent *agent = first; agent != NULL; agent = va_arg (args, DaAgent *))
    g_ptr_array_add (agents, agent);
  va_end (args);
  return agents;
}

static GSubprocess *server;
static char *server_url;

const char *
da_test_server_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *path;

  if (server_url != NULL)
    return server_url;

  path = g_getenv ("DA_OPENAI_TEST_SERVER");
  g_assert_nonnull (path);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  server_url = g_strdup_printf ("http://127.0.0.1:%s/v1", g_strstrip (line));
  return server_url;
}

void
da_test_server_stop (void)
{
  if (server == NULL)
    return;
  /* The server exits when its stdin closes. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  g_clear_pointer (&server_url, g_free);
}
