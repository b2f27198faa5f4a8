/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `denoagents-cli run --json` with tools, end to end: the real CLI, the
 * loopback OpenAI-compatible server asking for read_file and
 * list_directory in parallel, the real sandbox, a real history file. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "da-store.h"

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
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "support", "da-openai-test-server", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  server_port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (server_port, >, 0);
}

static char *
write_team (void)
{
  char *path = g_build_filename (workspace, "team.json", NULL);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"tools-test\",\n"
    "  \"agents\": [\n"
    "    { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },\n"
    "    { \"name\": \"planner\", \"kind\": \"assistant\",\n"
    "      \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%u/v1\",\n"
    "                    \"model\": \"tools-answer\" },\n"
    "      \"tools\": [\"read_file\", \"list_directory\"],\n"
    "      \"permissions\": { \"isolation\": \"strict\" } }\n"
    "  ],\n"
    "  \"team\": { \"kind\": \"direct\", \"max_turns\": 1 } }\n",
    server_port);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static Run *
run_cli (const char *first,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *team = write_team ();
  g_auto(GStrv) lines = NULL;
  static guint counter;
  g_autofree char *db_name = g_strdup_printf ("history-%u.sqlite3", counter++);
  Run *run = g_new0 (Run, 1);
  va_list ap;

  run->db = g_build_filename (workspace, db_name, NULL);
  g_ptr_array_add (argv, (char *) g_getenv ("DA_CLI_PATH"));
  g_ptr_array_add (argv, (char *) "run");
  g_ptr_array_add (argv, team);
  g_ptr_array_add (argv, (char *) "--task");
  g_ptr_array_add (argv, (char *) "Look at my notes");
  g_ptr_array_add (argv, (char *) "--json");
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, run->db);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* No terminal: the prompt cannot ask, whatever the flags say. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, workspace);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);

  run->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  lines = g_strsplit (run->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (run->events, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return run;
}

static GPtrArray *
events_of (Run        *run,
           const char *type)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_strcmp0 (json_object_get_string_member (obj, "type"), type) == 0)
        g_ptr_array_add (out, obj);
    }
  return out;
}

static JsonObject *
result_for (Run        *run,
            const char *id)
{
  g_autoptr(GPtrArray) results = events_of (run, "tool_result");

  for (guint i = 0; i < results->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (results, i), "id"), id) == 0)
      return g_ptr_array_index (results, i);
  return NULL;
}

static const char *
final_answer (Run *run)
{
  g_autoptr(GPtrArray) messages = events_of (run, "message");
  JsonObject *last = g_ptr_array_index (messages, messages->len - 1);

  g_assert_cmpstr (json_object_get_string_member (last, "role"), ==, "assistant");
  return json_object_get_string_member (last, "content");
}

static GPtrArray *
audit (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (run->db, &error);
  GPtrArray *entries;

  g_assert_no_error (error);
  entries = da_store_list_audit (store, 0, &error);
  g_assert_no_error (error);
  return entries;
}

static int
index_of (Run        *run,
          const char *type,
          const char *key,
          const char *value)
{
  for (guint i = 0; i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_strcmp0 (json_object_get_string_member (obj, "type"), type) == 0 &&
          (key == NULL || (json_object_has_member (obj, key) &&
                           g_strcmp0 (json_object_get_string_member (obj, key), value) == 0)))
        return (int) i;
    }
  return -1;
}

/* Events in causal order: the assistant's reply and its tool calls, then
 * the permission decisions and results of those calls, then the tool
 * messages, then the next reply. */
static void
assert_causal_order (Run *run)
{
  int reply = -1;
  int call_a = index_of (run, "tool_call", "id", "call_a");
  int call_b = index_of (run, "tool_call", "id", "call_b");
  int permission = index_of (run, "permission", NULL, NULL);
  int result_a = index_of (run, "tool_result", "id", "call_a");
  int result_b = index_of (run, "tool_result", "id", "call_b");
  int tool_message = index_of (run, "message", "role", "tool");
  int last_message = -1;

  for (guint i = 0; i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_strcmp0 (json_object_get_string_member (obj, "type"), "message") == 0 &&
          g_strcmp0 (json_object_get_string_member (obj, "role"), "assistant") == 0)
        {
          if (reply < 0)
            reply = (int) i;
          last_message = (int) i;
        }
    }

  g_assert_cmpint (reply, >=, 0);
  g_assert_cmpint (call_a, ==, reply + 1);
  g_assert_cmpint (call_b, ==, reply + 2);
  g_assert_cmpint (permission, >, call_b);
  g_assert_cmpint (result_a, >, permission);
  g_assert_cmpint (result_b, >, permission);
  g_assert_cmpint (tool_message, >, MAX (result_a, result_b));
  g_assert_cmpint (last_message, >, tool_message);
  g_assert_cmpint (last_message, !=, reply);
}

static void
test_allow_read (void)
{
  g_autofree char *flag = g_strdup_printf ("--allow-read=%s", workspace);
  g_autoptr(Run) run = run_cli (flag, NULL);
  g_autoptr(GPtrArray) calls = events_of (run, "tool_call");
  g_autoptr(GPtrArray) permissions = events_of (run, "permission");
  g_autoptr(GPtrArray) entries = audit (run);
  JsonObject *a, *b;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (calls->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (calls, 0), "tool"), ==, "read_file");

  g_assert_cmpuint (permissions->len, ==, 2);
  for (guint i = 0; i < permissions->len; i++)
    {
      JsonObject *p = g_ptr_array_index (permissions, i);

      g_assert_cmpstr (json_object_get_string_member (p, "agent"), ==, "planner");
      g_assert_cmpstr (json_object_get_string_member (p, "kind"), ==, "read");
      g_assert_cmpstr (json_object_get_string_member (p, "decision"), ==, "allow");
    }

  a = result_for (run, "call_a");
  b = result_for (run, "call_b");
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (json_object_get_boolean_member (a, "ok"));
  g_assert_cmpstr (json_object_get_string_member (a, "content"), ==, "hello notes");
  g_assert_nonnull (strstr (json_object_get_string_member (b, "content"), "notes.txt (11 bytes)"));
  g_assert_true (g_str_has_prefix (final_answer (run), "Tool results: [call_a] hello notes [call_b] "));

  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((DaAuditEntry *) g_ptr_array_index (entries, 0))->decision, ==, "allow");

  assert_causal_order (run);
}

static void
test_no_prompt (void)
{
  g_autoptr(Run) run = run_cli ("--no-prompt", NULL);
  g_autoptr(GPtrArray) permissions = events_of (run, "permission");
  g_autoptr(GPtrArray) entries = audit (run);
  g_autofree char *notes = g_build_filename (workspace, "notes.txt", NULL);
  JsonObject *a;
  gboolean found = FALSE;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (permissions->len, ==, 2);
  for (guint i = 0; i < permissions->len; i++)
    {
      JsonObject *p = g_ptr_array_index (permissions, i);

      g_assert_cmpstr (json_object_get_string_member (p, "decision"), ==, "deny");
      found |= g_strcmp0 (json_object_get_string_member (p, "target"), notes) == 0;
    }
  g_assert_true (found);

  a = result_for (run, "call_a");
  g_assert_false (json_object_get_boolean_member (a, "ok"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (a, "content"),
                                   "Error: permission denied: read access to"));
  /* The model got the denial as text and answered. */
  g_assert_nonnull (strstr (final_answer (run), "[call_a] Error: permission denied"));
  g_assert_nonnull (strstr (final_answer (run), "no one to ask"));
  assert_causal_order (run);

  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpstr (entry->decision, ==, "deny");
      g_assert_cmpstr (entry->agent, ==, "planner");
      g_assert_cmpint (entry->conversation_id, >, 0);
    }
}

static void
test_unknown_tool (void)
{
  g_autofree char *path = g_build_filename (workspace, "bad-team.json", NULL);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"t\", \"agents\": [\n"
    "  { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },\n"
    "  { \"name\": \"planner\", \"kind\": \"assistant\", \"tools\": [\"format_disk\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%u/v1\" } } ],\n"
    "  \"team\": { \"kind\": \"direct\" } }\n", server_port);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *db = g_build_filename (workspace, "unknown-tool.sqlite3", NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("DA_CLI_PATH"), "run", path, "--task", "x", "--no-prompt",
                           "--db", db, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, "format_disk"));
}

static char *
cli_output (int        *status,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("DA_CLI_PATH"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  *status = g_subprocess_get_exit_status (proc);
  return out;
}

static void
test_permissions_command (void)
{
  g_autoptr(Run) run = run_cli ("--no-prompt", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *audit_out = NULL;
  g_autofree char *list_out = NULL;
  g_autofree char *after = NULL;
  g_autofree char *revoke_out = NULL;
  g_autofree char *again = NULL;
  g_autofree char *id = NULL;
  gint64 grant_id;
  int status;

  audit_out = cli_output (&status, "permissions", "audit", "--json", "--db", run->db, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (audit_out, "\"decision\":\"deny\""));
  g_assert_nonnull (strstr (audit_out, "\"tool\":\"read_file\""));

  {
    g_autoptr(DaStore) store = da_store_new (run->db, &error);

    g_assert_no_error (error);
    grant_id = da_store_add_grant (store, "planner", "read", "/srv/data", NULL, &error);
    g_assert_no_error (error);
  }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, grant_id);

  list_out = cli_output (&status, "permissions", "list", "--json", "--db", run->db, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (list_out, "\"target\":\"/srv/data\""));

  revoke_out = cli_output (&status, "permissions", "revoke", id, "--db", run->db, NULL);
  g_assert_cmpint (status, ==, 0);
  after = cli_output (&status, "permissions", "list", "--json", "--db", run->db, NULL);
  g_assert_cmpstr (after, ==, "");
  again = cli_output (&status, "permissions", "revoke", id, "--db", run->db, NULL);
  g_assert_cmpint (status, ==, 1);
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

  workspace = g_dir_make_tmp ("da-cli-tools-XXXXXX", &error);
  g_assert_no_error (error);
  real = realpath (workspace, NULL);
  g_free (workspace);
  workspace = g_strdup (real);
  free (real);
  notes = g_build_filename (workspace, "notes.txt", NULL);
  g_file_set_contents (notes, "hello notes", -1, &error);
  g_assert_no_error (error);
  start_server ();

  g_test_add_func ("/cli-run-tools/allow-read", test_allow_read);
  g_test_add_func ("/cli-run-tools/no-prompt", test_no_prompt);
  g_test_add_func ("/cli-run-tools/unknown-tool", test_unknown_tool);
  g_test_add_func ("/cli-run-tools/permissions-command", test_permissions_command);
  ret = g_test_run ();

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  {
    g_autoptr(GDir) dir = g_dir_open (workspace, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (workspace, name, NULL);
        g_unlink (child);
      }
    g_rmdir (workspace);
  }
  g_free (workspace);
  return ret;
}
