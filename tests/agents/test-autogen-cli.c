/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end: AutoGen exports through the real denoagents-cli — `import`
 * writes a team file, `run` takes the AutoGen file itself — against the
 * loopback OpenAI-compatible server. Runs inside test-session.sh (a
 * private keyring and HOME). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "sk-from-env-DO-NOT-LEAK-7373"

static char *tmpdir;

typedef struct
{
  int         status;
  char       *out;
  char       *err;
  GPtrArray  *events;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_pointer (&run->events, g_ptr_array_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static GSubprocess *
start_server (const char *require_key,
              guint      *port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "support", "da-openai-test-server", NULL);
  GSubprocess *server;
  GInputStream *out;
  char buf[32] = { 0 };
  gsize n = 0;

  if (require_key != NULL)
    server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                               &error, path, "--require-key", require_key, NULL);
  else
    server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                               &error, path, NULL);
  g_assert_no_error (error);
  out = g_subprocess_get_stdout_pipe (server);
  while (n < sizeof buf - 1 && strchr (buf, '\n') == NULL)
    {
      gssize r = g_input_stream_read (out, buf + n, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (r, ==, 1);
      n++;
    }
  *port = (guint)g_ascii_strtoull (buf, NULL, 10);
  g_assert_cmpuint (*port, >, 0);
  return server;
}

/* The round-robin fixture, aimed at @port, with @extra spliced into both
 * model client configs. */
static char *
write_fixture (guint       port,
               const char *extra,
               const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "autogen", "round-robin.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1\"%s", port, extra);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *text = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  parts = g_strsplit (contents, "http://127.0.0.1:8000/v1\"", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  text = g_strjoinv (url, parts);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static GPtrArray *
parse_events (const char *out)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      g_ptr_array_add (events, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return events;
}

static Run *
run_cli (const char * const *args,
         const char         *env_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Run *run = g_new0 (Run, 1);

  g_ptr_array_add (argv, (char *)g_getenv ("DA_CLI_PATH"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  if (env_key != NULL)
    g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", env_key, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  /* `run --json` prints events; `import` prints a team file. */
  if (g_str_equal (args[0], "run") && g_str_has_prefix (run->out, "{"))
    run->events = parse_events (run->out);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
  return run;
}

static JsonObject *
find_event (Run        *run,
            const char *type,
            guint       nth)
{
  for (guint i = 0; run->events != NULL && i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_str_equal (json_object_get_string_member (obj, "type"), type) && nth-- == 0)
        return obj;
    }
  return NULL;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  g_assert_nonnull (object);
  return json_object_has_member (object, name) ? json_object_get_string_member (object, name) : NULL;
}

/* The group chat runs the imported round robin: the task, the writer's
 * echo, the critic's TERMINATE, and the imported text_mention condition
 * stops the team. */
static void
assert_round_robin_ran (Run        *run,
                        const char *task)
{
  g_autofree char *echo = g_strconcat ("Echo: ", task, NULL);
  JsonObject *stop;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (member (find_event (run, "message", 0), "role"), ==, "user");
  g_assert_cmpstr (member (find_event (run, "message", 0), "agent"), ==, "user");
  g_assert_cmpstr (member (find_event (run, "message", 0), "content"), ==, task);
  g_assert_cmpstr (member (find_event (run, "message", 1), "agent"), ==, "writer");
  g_assert_cmpstr (member (find_event (run, "message", 1), "content"), ==, echo);
  g_assert_cmpstr (member (find_event (run, "message", 2), "agent"), ==, "critic");
  g_assert_cmpstr (member (find_event (run, "message", 2), "content"), ==, "All done. TERMINATE");
  g_assert_null (find_event (run, "message", 3));
  stop = find_event (run, "stop", 0);
  g_assert_nonnull (stop);
  g_assert_true (g_str_has_prefix (member (stop, "reason"), "text_mention"));
}

static void
test_import_then_run (void)
{
  guint port = 0;
  g_autoptr(GSubprocess) server = start_server (NULL, &port);
  g_autofree char *autogen = write_fixture (port, "", "round-robin.json");
  g_autofree char *ours = g_build_filename (tmpdir, "round-robin-ours.json", NULL);
  const char *import_args[] = { "import", autogen, "-o", ours, NULL };
  const char *run_args[] = { "run", ours, "--task", "Write a haiku.", "--json", "--no-prompt",
                             "--db", NULL, NULL };
  g_autofree char *db = g_build_filename (tmpdir, "history-1.sqlite3", NULL);
  g_autoptr(Run) imported = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *team;

  imported = run_cli (import_args, NULL);
  g_assert_cmpint (imported->status, ==, 0);
  g_assert_cmpstr (imported->out, ==, "");
  g_assert_cmpstr (imported->err, ==, "");

  json_parser_load_from_file (parser, ours, &error);
  g_assert_no_error (error);
  team = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "team");
  g_assert_cmpstr (json_object_get_string_member (team, "kind"), ==, "round_robin");

  run_args[7] = db;
  run = run_cli (run_args, NULL);
  assert_round_robin_ran (run, "Write a haiku.");

  g_subprocess_force_exit (server);
}

static void
test_run_autogen_file (void)
{
  guint port = 0;
  g_autoptr(GSubprocess) server = start_server (SECRET, &port);
  /* A key pasted into the export is never used nor copied: the provider
   * reads OPENAI_API_KEY, which holds the key the server wants. */
  g_autofree char *autogen = write_fixture (port, ", \"api_key\": \"sk-pasted-LEAK-CHECK-1111\"",
                                            "round-robin-key.json");
  g_autofree char *db = g_build_filename (tmpdir, "history-2.sqlite3", NULL);
  const char *args[] = { "run", autogen, "--task", "Write a limerick.", "--json", "--no-prompt",
                         "--db", db, NULL };
  g_autoptr(Run) run = NULL;
  g_autofree char *db_contents = NULL;
  gsize len = 0;

  run = run_cli (args, SECRET);
  assert_round_robin_ran (run, "Write a limerick.");
  g_assert_nonnull (strstr (run->err, "denoagents-cli: warning: $.config.participants[0].config."
                                      "model_client.config.api_key: API keys are never copied"));
  g_assert_null (strstr (run->out, "LEAK-CHECK"));
  g_assert_null (strstr (run->err, "LEAK-CHECK"));
  g_assert_null (strstr (run->out, SECRET));
  g_assert_null (strstr (run->err, SECRET));
  if (g_file_get_contents (db, &db_contents, &len, NULL))
    {
      g_assert_null (g_strstr_len (db_contents, len, SECRET));
      g_assert_null (g_strstr_len (db_contents, len, "LEAK-CHECK"));
    }

  g_subprocess_force_exit (server);
}

static char *
model_client (guint       port,
              const char *model)
{
  return g_strdup_printf ("{\"provider\": \"autogen_ext.models.openai.OpenAIChatCompletionClient\","
                          " \"component_type\": \"model\", \"config\": {\"model\": \"%s\","
                          " \"base_url\": \"http://127.0.0.1:%u/v1\"}}", model, port);
}

/* An AutoGen Swarm, run as it is: its handoffs (to an agent, and to the
 * person, "user") are followed and HandoffTermination(target="user")
 * stops the team. */
static void
test_run_autogen_swarm (void)
{
  guint port = 0;
  g_autoptr(GSubprocess) server = start_server (NULL, &port);
  g_autofree char *triage_client = model_client (port, "handoff:billing");
  g_autofree char *billing_client = model_client (port, "handoff:user");
  g_autofree char *text = g_strdup_printf (
    "{\"provider\": \"autogen_agentchat.teams.Swarm\", \"component_type\": \"team\","
    " \"label\": \"Desk\", \"config\": {\"participants\": ["
    "  {\"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\","
    "   \"config\": {\"name\": \"triage\", \"model_client\": %s,"
    "     \"handoffs\": [\"billing\", {\"target\": \"user\", \"name\": \"transfer_to_user\"}]}},"
    "  {\"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\","
    "   \"config\": {\"name\": \"billing\", \"model_client\": %s,"
    "     \"handoffs\": [{\"target\": \"triage\"}, \"user\"]}}],"
    " \"termination_condition\": {\"provider\": \"autogen_agentchat.base.OrTerminationCondition\","
    "   \"component_type\": \"termination\", \"config\": {\"conditions\": ["
    "     {\"provider\": \"autogen_agentchat.conditions.HandoffTermination\","
    "      \"component_type\": \"termination\", \"config\": {\"target\": \"user\"}},"
    "     {\"provider\": \"autogen_agentchat.conditions.MaxMessageTermination\","
    "      \"component_type\": \"termination\", \"config\": {\"max_messages\": 20}}]}},"
    " \"max_turns\": 10}}", triage_client, billing_client);
  g_autofree char *autogen = g_build_filename (tmpdir, "swarm.json", NULL);
  g_autofree char *db = g_build_filename (tmpdir, "history-3.sqlite3", NULL);
  const char *args[] = { "run", autogen, "--task", "My invoice is wrong.", "--json", "--no-prompt",
                         "--db", db, NULL };
  const char *agents[] = { "user", "triage", "triage", "billing", "billing" };
  g_autoptr(Run) run = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (autogen, text, -1, &error);
  g_assert_no_error (error);
  run = run_cli (args, NULL);

  g_assert_cmpint (run->status, ==, 0);
  /* Nothing was left out. */
  g_assert_null (strstr (run->err, "warning"));
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    g_assert_cmpstr (member (find_event (run, "message", i), "agent"), ==, agents[i]);
  g_assert_null (find_event (run, "message", G_N_ELEMENTS (agents)));
  g_assert_cmpstr (member (find_event (run, "tool_call", 0), "tool"), ==, "transfer_to_billing");
  g_assert_cmpstr (member (find_event (run, "tool_call", 1), "tool"), ==, "transfer_to_user");
  g_assert_cmpstr (member (find_event (run, "stop", 0), "reason"), ==,
                   "handoff: billing handed over to user");

  g_subprocess_force_exit (server);
}

static void
test_import_warnings_and_errors (void)
{
  g_autofree char *tools = g_test_build_filename (G_TEST_DIST, "data", "autogen", "function-tool.json", NULL);
  g_autofree char *broken = g_test_build_filename (G_TEST_DIST, "data", "autogen", "invalid-unknown-team.json", NULL);
  const char *args[] = { "import", tools, NULL };
  const char *broken_args[] = { "import", broken, NULL };
  g_autoptr(Run) run = run_cli (args, NULL);
  g_autoptr(Run) failed = run_cli (broken_args, NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "denoagents-cli: warning: $.config.participants[0].config."
                                      "workbench[0].config.tools[0]: Python tool code cannot run "
                                      "here (tool 'get_weather')\n"));
  g_assert_true (g_str_has_prefix (run->out, "{"));

  g_assert_cmpint (failed->status, ==, 1);
  g_assert_cmpstr (failed->out, ==, "");
  g_assert_nonnull (strstr (failed->err, "$.provider: team 'autogen_agentchat.teams.MagenticOneGroupChat' "
                                         "cannot be imported"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("da-autogen-cli-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  g_test_add_func ("/autogen/cli/import-then-run", test_import_then_run);
  g_test_add_func ("/autogen/cli/run-autogen-file", test_run_autogen_file);
  g_test_add_func ("/autogen/cli/run-autogen-swarm", test_run_autogen_swarm);
  g_test_add_func ("/autogen/cli/import-warnings-and-errors", test_import_warnings_and_errors);

  ret = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
