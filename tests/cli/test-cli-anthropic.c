/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end with the Anthropic provider: the real denoagents-cli against
 * the loopback Anthropic server (which refuses requests the real API
 * would refuse), a real history file, the real sandbox for tools — from
 * a team file, and from an AutoGen team with AnthropicChatCompletionClient,
 * imported and run directly. Runs inside test-session.sh. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "da-store.h"

#define SECRET "sk-ant-api03-DO-NOT-LEAK-5151"

static GSubprocess *server;
static guint server_port;
static char *workspace;

typedef struct
{
  int         status;
  char       *out;
  char       *err;
  GPtrArray  *events;   /* JsonObject */
  char       *db;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_pointer (&run->events, g_ptr_array_unref);
  g_free (run->db);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "support", "da-anthropic-test-server", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, path, "--require-key", SECRET, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  server_port = (guint)g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (server_port, >, 0);
}

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (workspace, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* One assistant with an anthropic provider; the key comes from
 * ANTHROPIC_API_KEY. */
static char *
write_team (const char *model,
            const char *agent_extra)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("team-%u.json", counter++);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"anthropic-test\",\n"
    "  \"agents\": [\n"
    "    { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },\n"
    "    { \"name\": \"claude\", \"kind\": \"assistant\",\n"
    "      \"system_message\": \"You help.\",\n"
    "      \"provider\": { \"kind\": \"anthropic\", \"base_url\": \"http://127.0.0.1:%u/v1\",\n"
    "                    \"model\": \"%s\", \"api_key_env\": \"ANTHROPIC_API_KEY\",\n"
    "                    \"max_retries\": 1 }%s }\n"
    "  ],\n"
    "  \"team\": { \"kind\": \"direct\", \"max_turns\": 1 } }\n",
    server_port, model, agent_extra != NULL ? agent_extra : "");

  return write_file (name, text);
}

static Run *
run_cli (const char * const *args,
         gboolean            with_db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  static guint counter;
  g_autofree char *db_name = g_strdup_printf ("history-%u.sqlite3", counter++);
  Run *run = g_new0 (Run, 1);

  run->db = g_build_filename (workspace, db_name, NULL);
  g_ptr_array_add (argv, (char *)g_getenv ("DA_CLI_PATH"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  if (with_db)
    {
      g_ptr_array_add (argv, (char *)"--db");
      g_ptr_array_add (argv, run->db);
    }
  g_ptr_array_add (argv, NULL);

  /* No terminal: the prompt cannot ask, whatever the flags say. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, workspace);
  g_subprocess_launcher_setenv (launcher, "ANTHROPIC_API_KEY", SECRET, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);

  g_assert_null (strstr (run->out, SECRET));
  g_assert_null (strstr (run->err, SECRET));

  run->events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  if (g_str_equal (args[0], "run") && g_str_has_prefix (run->out, "{"))
    {
      g_auto(GStrv) lines = g_strsplit (run->out, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          if (lines[i][0] == '\0')
            continue;
          json_parser_load_from_data (parser, lines[i], -1, &error);
          g_assert_no_error (error);
          g_ptr_array_add (run->events, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
        }
    }
  return run;
}

static JsonObject *
find_event (Run        *run,
            const char *type,
            guint       nth)
{
  for (guint i = 0; i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_strcmp0 (json_object_get_string_member (obj, "type"), type) == 0 && nth-- == 0)
        return obj;
    }
  return NULL;
}

static guint
count_events (Run        *run,
              const char *type)
{
  guint n = 0;

  while (find_event (run, type, n) != NULL)
    n++;
  return n;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  g_assert_nonnull (object);
  return json_object_has_member (object, name) ? json_object_get_string_member (object, name) : NULL;
}

static GPtrArray *
stored_messages (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (run->db, &error);
  g_autoptr(GPtrArray) conversations = NULL;
  GPtrArray *messages;

  g_assert_no_error (error);
  conversations = da_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 1);
  messages = da_store_load_messages (store, da_conversation_get_id (g_ptr_array_index (conversations, 0)), &error);
  g_assert_no_error (error);
  return messages;
}

static void
test_stream (void)
{
  g_autofree char *team = write_team ("echo", NULL);
  const char *args[] = { "run", team, "--task", "hello there", "--json", NULL };
  g_autoptr(Run) run = run_cli (args, TRUE);
  g_autoptr(GString) deltas = g_string_new (NULL);
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *usage;
  DaMessage *reply;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (member (find_event (run, "message", 0), "content"), ==, "hello there");
  g_assert_cmpstr (member (find_event (run, "message", 1), "agent"), ==, "claude");
  g_assert_cmpstr (member (find_event (run, "message", 1), "content"), ==, "Echo: hello there");
  for (guint i = 0; find_event (run, "delta", i) != NULL; i++)
    g_string_append (deltas, member (find_event (run, "delta", i), "text"));
  g_assert_cmpuint (count_events (run, "delta"), ==, 3);
  g_assert_cmpstr (deltas->str, ==, "Echo: hello there");
  usage = find_event (run, "usage", 0);
  g_assert_nonnull (usage);
  g_assert_cmpint (json_object_get_int_member (usage, "prompt_tokens"), >, 0);
  g_assert_cmpint (json_object_get_int_member (usage, "completion_tokens"), ==, 5);
  g_assert_nonnull (find_event (run, "stop", 0));

  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, 2);
  reply = g_ptr_array_index (messages, 1);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Echo: hello there");
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 5);
}

static void
test_system_prompt (void)
{
  g_autofree char *team = write_team ("system", NULL);
  const char *args[] = { "run", team, "--task", "who are you", "--json", NULL };
  g_autoptr(Run) run = run_cli (args, TRUE);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (member (find_event (run, "message", 1), "content"), ==, "System: You help.");
}

static JsonObject *
result_for (Run        *run,
            const char *id)
{
  for (guint i = 0; find_event (run, "tool_result", i) != NULL; i++)
    {
      JsonObject *result = find_event (run, "tool_result", i);

      if (g_strcmp0 (member (result, "id"), id) == 0)
        return result;
    }
  return NULL;
}

static const char *
final_answer (Run *run)
{
  guint n = count_events (run, "message");
  JsonObject *last = find_event (run, "message", n - 1);

  g_assert_cmpstr (member (last, "role"), ==, "assistant");
  return member (last, "content");
}

static void
test_tools (void)
{
  g_autofree char *team = write_team ("tools-answer",
                                      ",\n      \"tools\": [\"read_file\", \"list_directory\"],\n"
                                      "      \"permissions\": { \"isolation\": \"strict\" }");
  g_autofree char *flag = g_strdup_printf ("--allow-read=%s", workspace);
  const char *args[] = { "run", team, "--task", "Look at my notes", "--json", flag, NULL };
  const char *denied_args[] = { "run", team, "--task", "Look at my notes", "--json", "--no-prompt", NULL };
  g_autoptr(Run) run = run_cli (args, TRUE);
  g_autoptr(Run) denied = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *call;
  JsonObject *a, *b;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (count_events (run, "tool_call"), ==, 2);
  call = find_event (run, "tool_call", 0);
  g_assert_cmpstr (member (call, "id"), ==, "toolu_a");
  g_assert_cmpstr (member (call, "tool"), ==, "read_file");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (call, "arguments"), "path"), ==,
                   "notes.txt");
  g_assert_cmpstr (member (find_event (run, "tool_call", 1), "id"), ==, "toolu_b");

  a = result_for (run, "toolu_a");
  b = result_for (run, "toolu_b");
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (json_object_get_boolean_member (a, "ok"));
  g_assert_cmpstr (member (a, "content"), ==, "hello notes");
  g_assert_nonnull (strstr (member (b, "content"), "notes.txt (11 bytes)"));
  /* The server saw both results answer the calls of the turn before. */
  g_assert_true (g_str_has_prefix (final_answer (run), "Tool results: [toolu_a] hello notes [toolu_b] "));

  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, 5);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 1)), ==, "Let me look.");
  g_assert_cmpuint (da_message_get_tool_calls (g_ptr_array_index (messages, 1))->len, ==, 2);
  g_assert_cmpstr (da_message_get_finish_reason (g_ptr_array_index (messages, 1)), ==, "tool_calls");

  /* Refused calls are answered too, and the reply quotes the refusals. */
  denied = run_cli (denied_args, TRUE);
  g_assert_cmpint (denied->status, ==, 0);
  a = result_for (denied, "toolu_a");
  g_assert_nonnull (a);
  g_assert_false (json_object_get_boolean_member (a, "ok"));
  /* ... marked as failed, as Anthropic's wire format has it. */
  g_assert_true (g_str_has_prefix (final_answer (denied), "Tool results: [toolu_a] (is_error) "));
}

typedef struct
{
  const char *model;
  const char *code;        /* NULL: must succeed */
  const char *kept_text;   /* partial text that must be in the history */
} FaultCase;

static const FaultCase faults[] = {
  { "unauthorized", "authentication", NULL },
  { "notfound", "not_found", NULL },
  { "overloaded", "server_error", NULL },
  { "billing", "quota_exceeded", NULL },
  { "ratelimit-once", NULL, NULL },
  { "flaky", NULL, NULL },
  { "error-mid", "provider_error", "Partial answer before" },
  { "cut", "connection", "This reply will be cut off" },
  { "badjson", "bad_response", "Some text" },
};

static void
test_fault (gconstpointer data)
{
  const FaultCase *fc = data;
  g_autofree char *team = write_team (fc->model, NULL);
  const char *args[] = { "run", team, "--task", "go", "--json", NULL };
  g_autoptr(Run) run = run_cli (args, TRUE);
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *error_event = find_event (run, "error", 0);

  g_assert_nonnull (find_event (run, "stop", 0));
  if (fc->code == NULL)
    {
      g_assert_cmpint (run->status, ==, 0);
      g_assert_null (error_event);
      g_assert_cmpstr (member (find_event (run, "message", 1), "content"), ==, "Echo: go");
      return;
    }

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (error_event);
  g_assert_cmpstr (member (error_event, "code"), ==, fc->code);
  g_assert_cmpstr (member (error_event, "agent"), ==, "claude");

  messages = stored_messages (run);
  if (fc->kept_text != NULL)
    {
      DaMessage *last = g_ptr_array_index (messages, messages->len - 1);

      g_assert_nonnull (strstr (da_message_get_content (last), fc->kept_text));
      g_assert_cmpint (da_message_get_state (last), !=, DA_MESSAGE_STATE_COMPLETE);
    }
}

/* An AutoGen Studio export: a writer and a critic on Anthropic models
 * taking turns until the critic says TERMINATE. */
static char *
write_autogen (void)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"provider\": \"autogen_agentchat.teams.RoundRobinGroupChat\", \"component_type\": \"team\",\n"
    "  \"version\": 1, \"component_version\": 1, \"label\": \"Claude pair\",\n"
    "  \"config\": { \"participants\": [\n"
    "    { \"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\",\n"
    "      \"config\": { \"name\": \"writer\", \"system_message\": \"You write.\",\n"
    "        \"model_client\": { \"provider\": \"autogen_ext.models.anthropic.AnthropicChatCompletionClient\",\n"
    "          \"component_type\": \"model\", \"version\": 1, \"component_version\": 1,\n"
    "          \"config\": { \"model\": \"echo\", \"base_url\": \"http://127.0.0.1:%u\",\n"
    "                      \"api_key\": \"sk-ant-pasted-LEAK-CHECK-2222\", \"max_tokens\": 1024,\n"
    "                      \"temperature\": 0.5 } } } },\n"
    "    { \"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\",\n"
    "      \"config\": { \"name\": \"critic\", \"system_message\": \"Say TERMINATE when done.\",\n"
    "        \"model_client\": { \"provider\": \"autogen_ext.models.anthropic.AnthropicChatCompletionClient\",\n"
    "          \"component_type\": \"model\",\n"
    "          \"config\": { \"model\": \"terminate\", \"base_url\": \"http://127.0.0.1:%u\",\n"
    "                      \"api_key\": \"sk-ant-pasted-LEAK-CHECK-2222\" } } } } ],\n"
    "    \"termination_condition\": { \"provider\": \"autogen_agentchat.conditions.TextMentionTermination\",\n"
    "      \"component_type\": \"termination\", \"config\": { \"text\": \"TERMINATE\" } },\n"
    "    \"max_turns\": 6 } }\n", server_port, server_port);

  return write_file ("autogen-claude.json", text);
}

static void
assert_pair_ran (Run        *run,
                 const char *task)
{
  g_autofree char *echo = g_strconcat ("Echo: ", task, NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (member (find_event (run, "message", 0), "content"), ==, task);
  g_assert_cmpstr (member (find_event (run, "message", 1), "agent"), ==, "writer");
  g_assert_cmpstr (member (find_event (run, "message", 1), "content"), ==, echo);
  g_assert_cmpstr (member (find_event (run, "message", 2), "agent"), ==, "critic");
  g_assert_cmpstr (member (find_event (run, "message", 2), "content"), ==, "All done. TERMINATE");
  g_assert_null (find_event (run, "message", 3));
  g_assert_true (g_str_has_prefix (member (find_event (run, "stop", 0), "reason"), "text_mention"));
  g_assert_cmpuint (count_events (run, "usage"), ==, 2);
  g_assert_null (strstr (run->out, "LEAK-CHECK"));
}

static void
test_autogen (void)
{
  g_autofree char *autogen = write_autogen ();
  g_autofree char *ours = g_build_filename (workspace, "claude-pair.json", NULL);
  const char *import_args[] = { "import", autogen, "-o", ours, NULL };
  const char *run_ours[] = { "run", ours, "--task", "Write a haiku.", "--json", "--no-prompt", NULL };
  const char *run_autogen[] = { "run", autogen, "--task", "Write a limerick.", "--json", "--no-prompt", NULL };
  g_autoptr(Run) imported = run_cli (import_args, FALSE);
  g_autoptr(Run) first = NULL;
  g_autoptr(Run) second = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *provider;

  g_assert_cmpint (imported->status, ==, 0);
  json_parser_load_from_file (parser, ours, &error);
  g_assert_no_error (error);
  provider = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                 "agents"), 0), "provider");
  g_assert_cmpstr (json_object_get_string_member (provider, "kind"), ==, "anthropic");
  g_assert_cmpstr (json_object_get_string_member (provider, "api_key_env"), ==, "ANTHROPIC_API_KEY");
  g_assert_cmpint (json_object_get_int_member (provider, "max_tokens"), ==, 1024);

  first = run_cli (run_ours, TRUE);
  assert_pair_ran (first, "Write a haiku.");

  second = run_cli (run_autogen, TRUE);
  assert_pair_ran (second, "Write a limerick.");
  g_assert_nonnull (strstr (second->err, "ANTHROPIC_API_KEY"));
  g_assert_null (strstr (second->err, "LEAK-CHECK"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  char *real;
  int ret;

  g_test_init (&argc, &argv, NULL);

  workspace = g_dir_make_tmp ("da-cli-anthropic-XXXXXX", &error);
  g_assert_no_error (error);
  real = realpath (workspace, NULL);
  g_free (workspace);
  workspace = g_strdup (real);
  free (real);
  notes = g_build_filename (workspace, "notes.txt", NULL);
  g_file_set_contents (notes, "hello notes", -1, &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", workspace, TRUE);
  start_server ();

  g_test_add_func ("/cli/anthropic/stream", test_stream);
  g_test_add_func ("/cli/anthropic/system-prompt", test_system_prompt);
  g_test_add_func ("/cli/anthropic/tools", test_tools);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/anthropic/fault/%s", faults[i].model);

      g_test_add_data_func (name, &faults[i], test_fault);
    }
  g_test_add_func ("/cli/anthropic/autogen", test_autogen);

  ret = g_test_run ();

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workspace);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", workspace);
  }
  g_free (workspace);
  return ret;
}
