/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end: the real denoagents-cli against the loopback OpenAI-compatible
 * server, with a real history file, for every fault the core issue lists. */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "da-store.h"

#define SECRET "sk-test-DO-NOT-LEAK-4242"

static GSubprocess *server;
static guint server_port;
static char *tmpdir;

typedef struct
{
  int         status;
  char       *out;
  char       *err;
  GPtrArray  *events;   /* JsonObject* */
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
  GInputStream *out;
  char buf[32] = { 0 };
  gsize n = 0;

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
  server_port = (guint)g_ascii_strtoull (buf, NULL, 10);
  g_assert_cmpuint (server_port, >, 0);
}

static char *
write_team (const char *model,
            const char *provider_extra)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("team-%u.json", counter++);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"cli-test\",\n"
    "  \"agents\": [\n"
    "    { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },\n"
    "    { \"name\": \"assistant\", \"kind\": \"assistant\",\n"
    "      \"system_message\": \"You help.\",\n"
    "      \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%u/v1\",\n"
    "                    \"model\": \"%s\"%s } }\n"
    "  ],\n"
    "  \"team\": { \"kind\": \"direct\" } }\n",
    server_port, model, provider_extra ? provider_extra : "");
  g_autoptr(GError) error = NULL;

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
      JsonObject *obj;

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (obj, "type"));
      g_ptr_array_add (events, json_object_ref (obj));
    }
  return events;
}

static Run *
run_cli (const char * const *args,
         const char         *env_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  static guint counter;
  Run *run = g_new0 (Run, 1);
  g_autofree char *db_name = g_strdup_printf ("history-%u.sqlite3", counter++);

  run->db = g_build_filename (tmpdir, db_name, NULL);
  g_ptr_array_add (argv, (char *)g_getenv ("DA_CLI_PATH"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, (char *)"--db");
  g_ptr_array_add (argv, run->db);
  g_ptr_array_add (argv, NULL);

  if (env_key != NULL)
    g_subprocess_launcher_setenv (launcher, "DA_TEST_KEY", env_key, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  if (g_str_has_prefix (run->out, "{"))
    run->events = parse_events (run->out);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
  return run;
}

static JsonObject *
find_event (Run        *run,
            const char *type,
            guint       nth)
{
  for (guint i = 0; run->events && i < run->events->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (run->events, i);

      if (g_str_equal (json_object_get_string_member (obj, "type"), type) && nth-- == 0)
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
assert_no_secret (Run *run)
{
  g_autofree char *db = NULL;
  gsize len = 0;

  g_assert_null (strstr (run->out, SECRET));
  g_assert_null (strstr (run->err, SECRET));
  /* Neither in the database nor in its write-ahead log. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = i == 0 ? g_strdup (run->db) : g_strconcat (run->db, "-wal", NULL);

      if (g_file_get_contents (path, &db, &len, NULL))
        {
          g_assert_null (g_strstr_len (db, len, SECRET));
          g_clear_pointer (&db, g_free);
        }
    }
}

static void
test_plain_stream (void)
{
  g_autofree char *team = write_team ("echo", NULL);
  const char *args[] = { "run", team, "--task", "hello there", "--json", "--max-turns", "1", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *first, *reply, *usage, *stop;
  g_autoptr(GString) deltas = g_string_new (NULL);

  g_assert_cmpint (run->status, ==, 0);
  first = find_event (run, "message", 0);
  g_assert_cmpstr (json_object_get_string_member (first, "agent"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (first, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (first, "content"), ==, "hello there");
  reply = find_event (run, "message", 1);
  g_assert_cmpstr (json_object_get_string_member (reply, "agent"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (reply, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (reply, "content"), ==, "Echo: hello there");
  for (guint i = 0; find_event (run, "delta", i); i++)
    {
      JsonObject *d = find_event (run, "delta", i);

      g_assert_cmpstr (json_object_get_string_member (d, "agent"), ==, "assistant");
      g_string_append (deltas, json_object_get_string_member (d, "text"));
    }
  g_assert_cmpuint (count_events (run, "delta"), >=, 3);
  g_assert_cmpstr (deltas->str, ==, "Echo: hello there");
  usage = find_event (run, "usage", 0);
  g_assert_nonnull (usage);
  g_assert_cmpint (json_object_get_int_member (usage, "prompt_tokens"), >, 0);
  g_assert_cmpint (json_object_get_int_member (usage, "completion_tokens"), >, 0);
  stop = find_event (run, "stop", 0);
  g_assert_nonnull (stop);
  g_assert_nonnull (json_object_get_string_member (stop, "reason"));

  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 1)), ==, "Echo: hello there");
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (messages, 1)), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_completion_tokens (g_ptr_array_index (messages, 1)), >, 0);
}

static void
test_text_mode (void)
{
  g_autofree char *team = write_team ("echo", NULL);
  const char *args[] = { "run", team, "--task", "hi", "--max-turns", "1", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "user: hi\n"));
  g_assert_nonnull (strstr (run->out, "assistant: Echo: hi\n"));
  g_assert_nonnull (strstr (run->err, "Saved as conversation"));
}

static void
test_tool_calls (void)
{
  g_autofree char *team = write_team ("tools", NULL);
  const char *args[] = { "run", team, "--task", "look", "--json", "--max-turns", "1", "--no-prompt", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);
  JsonObject *a, *b;
  JsonObject *args_a;

  a = find_event (run, "tool_call", 0);
  b = find_event (run, "tool_call", 1);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (json_object_get_string_member (a, "id"), ==, "call_a");
  g_assert_cmpstr (json_object_get_string_member (a, "tool"), ==, "read_file");
  g_assert_cmpstr (json_object_get_string_member (a, "agent"), ==, "assistant");
  args_a = json_object_get_object_member (a, "arguments");
  g_assert_cmpstr (json_object_get_string_member (args_a, "path"), ==, "notes.txt");
  g_assert_cmpstr (json_object_get_string_member (b, "id"), ==, "call_b");
  g_assert_cmpstr (json_object_get_string_member (b, "tool"), ==, "list_directory");
}

typedef struct
{
  const char *model;
  const char *code;        /* NULL: must succeed */
  const char *kept_text;   /* partial text that must be in the history */
} FaultCase;

static void
test_fault (gconstpointer data)
{
  const FaultCase *fc = data;
  g_autofree char *team = write_team (fc->model, ", \"api_key_env\": \"DA_TEST_KEY\", \"max_retries\": 2");
  const char *args[] = { "run", team, "--task", "go", "--json", "--max-turns", "1", NULL };
  g_autoptr(Run) run = run_cli (args, SECRET);
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *error_event = find_event (run, "error", 0);

  assert_no_secret (run);
  g_assert_nonnull (find_event (run, "stop", 0));

  if (fc->code == NULL)
    {
      g_assert_cmpint (run->status, ==, 0);
      g_assert_null (error_event);
      g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", 1), "content"), ==, "Echo: go");
      return;
    }

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (error_event);
  g_assert_cmpstr (json_object_get_string_member (error_event, "code"), ==, fc->code);
  g_assert_cmpstr (json_object_get_string_member (error_event, "agent"), ==, "assistant");
  g_assert_null (strchr (json_object_get_string_member (error_event, "message"), '\n'));

  messages = stored_messages (run);
  if (fc->kept_text != NULL)
    {
      DaMessage *last = g_ptr_array_index (messages, messages->len - 1);

      g_assert_nonnull (strstr (da_message_get_content (last), fc->kept_text));
      g_assert_cmpint (da_message_get_state (last), !=, DA_MESSAGE_STATE_COMPLETE);
      g_assert_cmpint (da_message_get_state (last), !=, DA_MESSAGE_STATE_STREAMING);
    }
}

static void
test_interrupt (void)
{
  g_autofree char *team = write_team ("endless", NULL);
  g_autofree char *db = g_build_filename (tmpdir, "interrupt.sqlite3", NULL);
  const char *argv[] = { g_getenv ("DA_CLI_PATH"), "run", team, "--task", "go", "--json",
                         "--db", db, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  DaMessage *last;
  guint deltas = 0;
  char *line;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while (deltas < 5 && (line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)))
    {
      if (strstr (line, "\"type\":\"delta\""))
        deltas++;
      g_free (line);
    }
  g_assert_cmpuint (deltas, ==, 5);
  g_subprocess_send_signal (proc, SIGINT);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)))
    {
      g_string_append (rest, line);
      g_string_append_c (rest, '\n');
      g_free (line);
    }
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 130);
  g_assert_nonnull (strstr (rest->str, "\"type\":\"stop\",\"reason\":\"cancelled\""));

  store = da_store_new (db, &error);
  g_assert_no_error (error);
  conversations = da_store_list_conversations (store, &error);
  messages = da_store_load_messages (store, da_conversation_get_id (g_ptr_array_index (conversations, 0)), &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (messages, messages->len - 1);
  g_assert_cmpint (da_message_get_state (last), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_true (g_str_has_prefix (da_message_get_content (last), "word0 word1 word2 word3 word4"));
}

static void
test_bad_team_files (void)
{
  struct { const char *text; const char *expect; } cases[] = {
    { "{ \"name\": \"x\", \"agents\": [ { \"name\": \"a\", \"kind\": \"assistant\", \"provider\": { \"kind\": \"foo\" } } ] }",
      "$.agents[0].provider.kind" },
    { "{ \"name\": \"x\", \"agents\": [ { \"name\": \"a\", \"kind\": \"robot\" } ] }", "$.agents[0].kind" },
    { "{ \"name\": \"x\", \"agents\": [", "" },
    { "[]", "$" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, "bad.json", NULL);
      const char *args[] = { "run", path, "--task", "x", NULL };
      g_autoptr(Run) run = NULL;

      g_file_set_contents (path, cases[i].text, -1, NULL);
      run = run_cli (args, NULL);
      g_assert_cmpint (run->status, ==, 1);
      g_assert_true (g_str_has_prefix (run->err, "denoagents-cli: "));
      g_assert_nonnull (strstr (run->err, cases[i].expect));
      /* one line */
      g_assert_cmpint (strchr (run->err, '\n') - run->err + 1, ==, (int)strlen (run->err));
    }

  {
    const char *args[] = { "run", "/nonexistent/team.json", "--task", "x", NULL };
    g_autoptr(Run) run = run_cli (args, NULL);

    g_assert_cmpint (run->status, ==, 1);
    g_assert_nonnull (strstr (run->err, "/nonexistent/team.json"));
  }
  {
    g_autofree char *team = write_team ("echo", NULL);
    const char *args[] = { "run", team, NULL };
    g_autoptr(Run) run = run_cli (args, NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--task"));
  }
}

static void
test_missing_key (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "remote.json", NULL);
  const char *text =
    "{ \"name\": \"x\", \"agents\": [ { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },"
    " { \"name\": \"a\", \"kind\": \"assistant\", \"provider\": { \"kind\": \"openai\","
    " \"base_url\": \"https://api.example.invalid/v1\", \"model\": \"m\" } } ], \"team\": { \"kind\": \"direct\" } }";
  const char *args[] = { "run", path, "--task", "x", NULL };
  g_autoptr(Run) run = NULL;

  g_file_set_contents (path, text, -1, NULL);
  run = run_cli (args, NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "no API key for openai at https://api.example.invalid/v1"));

  {
    g_autofree char *team = write_team ("echo", ", \"api_key_env\": \"DA_TEST_UNSET_VARIABLE\"");
    const char *args2[] = { "run", team, "--task", "x", NULL };
    g_autoptr(Run) run2 = run_cli (args2, NULL);

    g_assert_cmpint (run2->status, ==, 1);
    g_assert_nonnull (strstr (run2->err, "DA_TEST_UNSET_VARIABLE"));
  }
}

static void
test_unreachable (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "unreachable.json", NULL);
  const char *text =
    "{ \"name\": \"x\", \"agents\": [ { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },"
    " { \"name\": \"a\", \"kind\": \"assistant\", \"provider\": { \"kind\": \"openai\","
    " \"base_url\": \"http://127.0.0.1:1/v1\", \"model\": \"m\", \"max_retries\": 0 } } ], \"team\": { \"kind\": \"direct\" } }";
  const char *args[] = { "run", path, "--task", "x", "--json", NULL };
  g_autoptr(Run) run = NULL;
  JsonObject *error_event;

  g_file_set_contents (path, text, -1, NULL);
  run = run_cli (args, NULL);
  g_assert_cmpint (run->status, ==, 1);
  error_event = find_event (run, "error", 0);
  g_assert_nonnull (error_event);
  g_assert_cmpstr (json_object_get_string_member (error_event, "code"), ==, "connection");
}

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_round_robin (void)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"writers\", \"agents\": [\n"
    "  { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\",\n"
    "    \"default_auto_reply\": \"Go on.\" },\n"
    "  { \"name\": \"writer\", \"kind\": \"assistant\",\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%u/v1\", \"model\": \"echo\" } },\n"
    "  { \"name\": \"critic\", \"kind\": \"conversable\", \"default_auto_reply\": \"Looks good.\" } ],\n"
    "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 6 } }\n", server_port);
  g_autofree char *team = write_file ("round-robin.json", text);
  const char *args[] = { "run", team, "--task", "Write a haiku", "--json", "--no-prompt", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);
  const char *expected[] = { "user", "writer", "critic", "user", "writer", "critic" };
  g_autoptr(GPtrArray) messages = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (count_events (run, "message"), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", i), "agent"), ==, expected[i]);
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", 1), "content"), ==,
                   "Echo: Write a haiku");
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "stop", 0), "reason"), ==, "max_round");
  g_assert_cmpuint (count_events (run, "usage"), ==, 2);

  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (expected));
}

/* A swarm hands over along its handoffs: every handoff is a tool call
 * answered in the thread, the next message is the target's, and the
 * handoff to the person ("user") ends the run. */
static void
test_swarm (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1", server_port);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"relay\", \"agents\": [\n"
    "  { \"name\": \"alice\", \"kind\": \"assistant\", \"handoffs\": [\"charlie\", \"bob\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"handoff:charlie\" } },\n"
    "  { \"name\": \"bob\", \"kind\": \"assistant\", \"handoffs\": [\"user\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"handoff:user\" } },\n"
    "  { \"name\": \"charlie\", \"kind\": \"assistant\", \"handoffs\": [\"bob\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"handoff:bob\" } } ],\n"
    "  \"team\": { \"kind\": \"swarm\", \"max_round\": 20 } }\n", url, url, url);
  g_autofree char *team = write_file ("swarm.json", text);
  const char *args[] = { "run", team, "--task", "Pass it on", "--json", "--no-prompt", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);
  /* Each speaker's message, then the tool message answering its handoff. */
  const char *agents[] = { "user", "alice", "alice", "charlie", "charlie", "bob", "bob" };
  const char *roles[] = { "user", "assistant", "tool", "assistant", "tool", "assistant", "tool" };
  const char *tools[] = { "transfer_to_charlie", "transfer_to_bob", "transfer_to_user" };
  const char *tool_agents[] = { "alice", "charlie", "bob" };
  g_autoptr(GPtrArray) messages = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (count_events (run, "message"), ==, G_N_ELEMENTS (agents));
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      JsonObject *message = find_event (run, "message", i);

      g_assert_cmpstr (json_object_get_string_member (message, "agent"), ==, agents[i]);
      g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, roles[i]);
    }
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", 6), "content"), ==,
                   "Transferred to user, adopting the role of user immediately.");
  g_assert_cmpuint (count_events (run, "tool_call"), ==, G_N_ELEMENTS (tools));
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      JsonObject *call = find_event (run, "tool_call", i);

      g_assert_cmpstr (json_object_get_string_member (call, "tool"), ==, tools[i]);
      g_assert_cmpstr (json_object_get_string_member (call, "agent"), ==, tool_agents[i]);
    }
  g_assert_cmpuint (count_events (run, "stop"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "stop", 0), "reason"), ==,
                   "handoff: bob handed over to user");
  g_assert_null (find_event (run, "error", 0));

  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (agents));
}

/* Reads @stream into @seen until @text has appeared @n times. */
static void
read_until (GInputStream *stream,
            GString      *seen,
            const char   *text,
            guint         n)
{
  for (;;)
    {
      guint found = 0;
      char buffer[256];
      gssize r;

      for (const char *p = strstr (seen->str, text); p != NULL; p = strstr (p + 1, text))
        found++;
      if (found >= n)
        return;
      r = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL);
      if (r <= 0)
        g_error ("the stream ended before \"%s\" appeared %u times: %s", text, n, seen->str);
      g_string_append_len (seen, buffer, r);
    }
}

/* At a terminal, a handoff to the person asks for their answer; it goes
 * to the agent that handed over, in the same conversation, until the
 * person answers nothing. */
static void
test_swarm_answer_at_terminal (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1", server_port);
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"desk\", \"agents\": [\n"
    "  { \"name\": \"triage\", \"kind\": \"assistant\", \"handoffs\": [\"billing\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"handoff:billing\" } },\n"
    "  { \"name\": \"billing\", \"kind\": \"assistant\", \"handoffs\": [\"user\"],\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"handoff:user\" } } ],\n"
    "  \"team\": { \"kind\": \"swarm\", \"max_round\": 20 } }\n", url, url);
  g_autofree char *team = write_file ("swarm-terminal.json", text);
  g_autofree char *db = g_build_filename (tmpdir, "history-terminal.sqlite3", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = g_new0 (Run, 1);
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *rest = NULL;
  const char *prompt = "billing handed the conversation to you. Your answer (empty to stop): ";
  int master, slave;
  guint answer = G_MAXUINT;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (slave, >=, 0);
  g_subprocess_launcher_take_stdin_fd (launcher, slave);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DA_CLI_PATH"), "run", team,
                                      "--task", "My bill is wrong.", "--json", "--db", db, NULL);
  g_assert_no_error (error);

  read_until (g_subprocess_get_stderr_pipe (proc), err, prompt, 1);
  g_assert_cmpint (write (master, "Invoice 42.\n", 12), ==, 12);
  read_until (g_subprocess_get_stderr_pipe (proc), err, prompt, 2);
  g_assert_cmpint (write (master, "\n", 1), ==, 1);

  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &rest, &error);
  g_assert_no_error (error);
  g_string_append (err, rest);
  run->err = g_string_free (g_steal_pointer (&err), FALSE);
  run->db = g_steal_pointer (&db);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  run->events = parse_events (run->out);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
  close (master);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (count_events (run, "stop"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "stop", 0), "reason"), ==,
                   "handoff: billing handed over to user");
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "stop", 1), "reason"), ==,
                   "handoff: billing handed over to user");
  for (guint i = 0; i < count_events (run, "message"); i++)
    if (g_strcmp0 (json_object_get_string_member (find_event (run, "message", i), "content"), "Invoice 42.") == 0)
      answer = i;
  g_assert_cmpuint (answer, ==, 5);
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", answer), "agent"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", answer + 1), "agent"), ==, "billing");

  /* One conversation holds both runs. */
  messages = stored_messages (run);
  g_assert_cmpuint (messages->len, ==, count_events (run, "message"));
}

static void
test_selector (void)
{
  g_autofree char *text = g_strdup_printf (
    "{ \"name\": \"research\", \"agents\": [\n"
    "  { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\" },\n"
    "  { \"name\": \"searcher\", \"kind\": \"conversable\", \"description\": \"Finds sources.\",\n"
    "    \"default_auto_reply\": \"Three sources found.\" },\n"
    "  { \"name\": \"writer\", \"kind\": \"conversable\", \"description\": \"Writes.\",\n"
    "    \"default_auto_reply\": \"Done. TERMINATE\" } ],\n"
    "  \"team\": { \"kind\": \"selector\", \"max_round\": 5,\n"
    "    \"termination\": { \"text_mention\": \"TERMINATE\" },\n"
    "    \"selector\": { \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%u/v1\",\n"
    "                                   \"model\": \"selector:nobody|SEARCHER\" } } } }\n", server_port);
  g_autofree char *team = write_file ("selector.json", text);
  const char *args[] = { "run", team, "--task", "Research tea", "--json", "--no-prompt", NULL };
  g_autoptr(Run) run = run_cli (args, NULL);

  g_assert_cmpint (run->status, ==, 0);
  /* The selector answered an unknown name, then (case-insensitively) searcher. */
  g_assert_cmpstr (json_object_get_string_member (find_event (run, "message", 1), "agent"), ==, "searcher");
  g_assert_nonnull (find_event (run, "stop", 0));

  {
    g_autofree char *no_selector = write_file ("selector-bad.json",
      "{ \"name\": \"r\", \"agents\": [ { \"name\": \"a\", \"kind\": \"conversable\" },"
      " { \"name\": \"b\", \"kind\": \"conversable\" } ], \"team\": { \"kind\": \"selector\" } }");
    const char *args2[] = { "run", no_selector, "--task", "x", NULL };
    g_autoptr(Run) run2 = run_cli (args2, NULL);

    g_assert_cmpint (run2->status, ==, 1);
    g_assert_nonnull (strstr (run2->err, "a selector team needs"));
  }
}

static const FaultCase faults[] = {
  { "unauthorized", "authentication", NULL },
  { "notfound", "not_found", NULL },
  { "quota", "quota_exceeded", NULL },
  { "ratelimit-once", NULL, NULL },
  { "flaky", NULL, NULL },
  { "error-mid", "provider_error", "Partial answer before" },
  { "cut", "connection", "This reply will be cut off" },
  { "badjson", "bad_response", "Some text" },
};

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("da-cli-run-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  start_server ();

  g_test_add_func ("/cli/run/plain-stream", test_plain_stream);
  g_test_add_func ("/cli/run/text-mode", test_text_mode);
  g_test_add_func ("/cli/run/tool-calls", test_tool_calls);
  g_test_add_func ("/cli/run/round-robin", test_round_robin);
  g_test_add_func ("/cli/run/selector", test_selector);
  g_test_add_func ("/cli/run/swarm", test_swarm);
  g_test_add_func ("/cli/run/swarm-answer-at-terminal", test_swarm_answer_at_terminal);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/run/fault/%s", faults[i].model);

      g_test_add_data_func (name, &faults[i], test_fault);
    }
  g_test_add_func ("/cli/run/interrupt", test_interrupt);
  g_test_add_func ("/cli/run/bad-team-files", test_bad_team_files);
  g_test_add_func ("/cli/run/missing-key", test_missing_key);
  g_test_add_func ("/cli/run/unreachable", test_unreachable);

  ret = g_test_run ();

  g_subprocess_force_exit (server);
  g_clear_object (&server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
