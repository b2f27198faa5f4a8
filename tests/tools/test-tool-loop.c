/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The assistant's tool-call loop end to end: DaChat, the OpenAI-compatible
 * provider against the loopback server in tests/support (its path is the
 * first argument), the broker with a real store, and the built-in tools
 * really running in the sandbox. */
#include "config.h"

#include <string.h>

#include "da-agents.h"
#include "da-builtin-tool.h"
#include "da-chat.h"
#include "da-openai-provider.h"
#include "da-store.h"
#include "da-toolbox.h"
#include "tools-test-util.h"

static const char *server_path;
static GSubprocess *server;
static char *base_url;

typedef struct
{
  char               *dir;
  DaStore            *store;
  DaPermissions      *permissions;
  DaPermissionBroker *broker;
  DaToolbox          *toolbox;
  GPtrArray          *completed;   /* DaMessage */
  GPtrArray          *results;     /* "id ok" */
  guint               prompts;
  int                 answer;      /* -1: no prompter */
} Fixture;

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, server_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  base_url = g_strdup_printf ("http://127.0.0.1:%s/v1", g_strstrip (line));
}

static void
stop_server (void)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  g_clear_pointer (&base_url, g_free);
}

static void
prompter_cb (DaPermissionBroker  *broker,
             DaPermissionRequest *request,
             GCancellable        *cancellable,
             gpointer             user_data)
{
  Fixture *f = user_data;

  f->prompts++;
  da_permission_request_answer (request, (DaPermissionAnswer) f->answer);
}

static void
tool_result_cb (DaToolbox    *toolbox,
                const char   *agent,
                DaToolCall   *call,
                gboolean      ok,
                const char   *content,
                DaToolResult *result,
                Fixture      *f)
{
  g_ptr_array_add (f->results, g_strdup_printf ("%s %s", call->id, ok ? "ok" : "failed"));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaToolRegistry) registry = da_tool_registry_new ();
  g_autoptr(DaSandboxRunner) runner = da_sandbox_runner_new (NULL);

  f->dir = tools_test_make_dir ();
  db = g_build_filename (f->dir, "history.db", NULL);
  f->store = da_store_new (db, &error);
  g_assert_no_error (error);
  notes = g_build_filename (f->dir, "notes.txt", NULL);
  g_file_set_contents (notes, "hello notes", -1, &error);
  g_assert_no_error (error);

  f->permissions = da_permissions_new (f->dir);
  f->broker = da_permission_broker_new (f->store);
  da_permission_broker_set_permissions (f->broker, "assistant", f->permissions);
  g_assert_true (da_builtin_tools_add (registry, "read_file", NULL));
  g_assert_true (da_builtin_tools_add (registry, "list_directory", NULL));
  f->toolbox = da_toolbox_new (registry, f->broker, runner);
  f->completed = g_ptr_array_new_with_free_func (g_object_unref);
  f->results = g_ptr_array_new_with_free_func (g_free);
  f->answer = -1;
  g_signal_connect (f->toolbox, "tool-result", G_CALLBACK (tool_result_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->toolbox);
  g_clear_object (&f->broker);
  g_clear_object (&f->permissions);
  g_clear_object (&f->store);
  g_ptr_array_unref (f->completed);
  g_ptr_array_unref (f->results);
  tools_test_remove_dir (f->dir);
  g_free (f->dir);
}

static void
completed_cb (DaChat    *chat,
              DaAgent   *agent,
              DaMessage *message,
              Fixture   *f)
{
  g_ptr_array_add (f->completed, g_object_ref (message));
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  da_chat_run_finish (DA_CHAT (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* The user's opening message, then the assistant's turn. */
static char *
run_chat (Fixture    *f,
          const char *model)
{
  g_autoptr(DaProvider) provider = da_openai_provider_new (base_url);
  g_autoptr(DaAssistantAgent) assistant = NULL;
  g_autoptr(DaConversableAgent) user = NULL;
  g_autoptr(DaChat) chat = NULL;
  gboolean done = FALSE;

  da_provider_set_api_key (provider, "sk-test");
  da_provider_set_max_retries (provider, 0);
  assistant = da_assistant_agent_new ("assistant", provider);
  da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (assistant), model);
  da_conversable_agent_set_toolbox (DA_CONVERSABLE_AGENT (assistant), f->toolbox);
  user = g_object_new (DA_TYPE_USER_PROXY_AGENT, "name", "user",
                       "default-auto-reply", "thanks", "human-input-mode", DA_HUMAN_INPUT_NEVER,
                       NULL);
  if (f->answer >= 0)
    da_permission_broker_set_prompter (f->broker, prompter_cb, f, NULL);

  chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  da_chat_set_max_turns (chat, 1);
  g_signal_connect (chat, "message-completed", G_CALLBACK (completed_cb), f);
  da_chat_run_async (chat, "Look at my notes", NULL, run_cb, &done);
  tools_test_wait (&done);
  return g_strdup (da_chat_get_stop_reason (chat));
}

static DaMessage *
completed (Fixture *f,
           guint    i)
{
  g_assert_cmpuint (i, <, f->completed->len);
  return g_ptr_array_index (f->completed, i);
}

static guint
count_audit (Fixture    *f,
             const char *decision)
{
  g_autoptr(GPtrArray) entries = da_store_list_audit (f->store, 0, NULL);
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    n += g_strcmp0 (((DaAuditEntry *) g_ptr_array_index (entries, i))->decision, decision) == 0;
  return n;
}

static void
test_allowed (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;

  da_permissions_add_rule (f->permissions, DA_PERMISSION_READ, FALSE, f->dir, &error);
  g_assert_no_error (error);
  reason = run_chat (f, "tools-answer");
  g_assert_cmpstr (reason, ==, "max_turns");

  /* opening, assistant asking for two tools, two results, final answer */
  g_assert_cmpuint (f->completed->len, ==, 5);
  g_assert_cmpint (da_message_get_role (completed (f, 1)), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpuint (da_message_get_tool_calls (completed (f, 1))->len, ==, 2);
  g_assert_cmpint (da_message_get_role (completed (f, 2)), ==, DA_ROLE_TOOL);
  g_assert_cmpstr (da_message_get_tool_call_id (completed (f, 2)), ==, "call_a");
  g_assert_cmpstr (da_message_get_content (completed (f, 2)), ==, "hello notes");
  g_assert_cmpstr (da_message_get_tool_call_id (completed (f, 3)), ==, "call_b");
  g_assert_nonnull (strstr (da_message_get_content (completed (f, 3)), "notes.txt (11 bytes)\n"));
  g_assert_cmpint (da_message_get_role (completed (f, 4)), ==, DA_ROLE_ASSISTANT);
  g_assert_true (g_str_has_prefix (da_message_get_content (completed (f, 4)),
                                   "Tool results: [call_a] hello notes [call_b] "));
  g_assert_cmpuint (f->results->len, ==, 2);
  g_assert_cmpuint (count_audit (f, "allow"), ==, 2);
}

static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *reason = run_chat (f, "tools-answer");
  const char *final;

  g_assert_cmpstr (reason, ==, "max_turns");
  g_assert_cmpuint (f->completed->len, ==, 5);
  final = da_message_get_content (completed (f, 4));
  g_assert_nonnull (strstr (final, "[call_a] Error: permission denied: read access to"));
  g_assert_nonnull (strstr (final, "no one to ask (run with --allow-read or without --no-prompt)"));
  g_assert_nonnull (strstr (final, "[call_b] Error: permission denied"));
  g_assert_cmpuint (count_audit (f, "deny"), ==, 2);
}

static void
test_prompt_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *reason = NULL;

  f->answer = DA_PERMISSION_ANSWER_ONCE;
  reason = run_chat (f, "tools-answer");
  g_assert_cmpstr (reason, ==, "max_turns");
  g_assert_cmpuint (f->prompts, ==, 2);
  g_assert_cmpstr (da_message_get_content (completed (f, 2)), ==, "hello notes");
  g_assert_cmpuint (count_audit (f, "allow-once"), ==, 2);
}

static void
test_max_iterations (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;
  guint n_tool = 0;

  da_permissions_add_rule (f->permissions, DA_PERMISSION_READ, FALSE, f->dir, &error);
  da_toolbox_set_max_iterations (f->toolbox, 2);
  reason = run_chat (f, "tools-loop");
  g_assert_true (g_str_has_prefix (reason, "max_tool_iterations: assistant asked for tools 2 times"));

  for (guint i = 0; i < f->completed->len; i++)
    n_tool += da_message_get_role (completed (f, i)) == DA_ROLE_TOOL;
  /* two rounds run, the third round's call answered "not run" */
  g_assert_cmpuint (n_tool, ==, 3);
  g_assert_cmpuint (f->results->len, ==, 2);
  g_assert_true (g_str_has_prefix (da_message_get_content (completed (f, f->completed->len - 1)),
                                   "Error: not run: the limit of 2 rounds"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: %s PATH-TO-da-openai-test-server", argv[0]);
  server_path = argv[1];

#define ADD(path, func) \
  g_test_add ("/tool-loop/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("allowed", test_allowed);
  ADD ("denied", test_denied);
  ADD ("prompt-once", test_prompt_once);
  ADD ("max-iterations", test_max_iterations);
#undef ADD

  start_server ();
  ret = g_test_run ();
  stop_server ();
  return ret;
}
