/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `denoagents-cli history …` against databases filled through DaStore.
 * Runs inside build-aux/test-session.sh so the default database path lies
 * in a throwaway HOME. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "da-store.h"

typedef struct
{
  char   *dir;
  char   *db;
  gint64  lisbon;
  gint64  groceries;
} Fixture;

static void
add_message (DaStore    *store,
             gint64      conversation,
             DaRole      role,
             const char *sender,
             const char *content)
{
  g_autoptr(DaMessage) message = da_message_new (role, sender, content);
  g_autoptr(GError) error = NULL;

  g_assert_true (da_store_add_message (store, conversation, message, &error));
  g_assert_no_error (error);
}

static void
fill (DaStore *store,
      Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->lisbon = da_store_create_conversation (store, "Trip to Lisbon", "travel", &error);
  g_assert_no_error (error);
  add_message (store, fixture->lisbon, DA_ROLE_USER, "user", "Plan three days in Lisbon");
  add_message (store, fixture->lisbon, DA_ROLE_ASSISTANT, "planner",
               "Day one: the Belém tower and pastéis de nata.");
  add_message (store, fixture->lisbon, DA_ROLE_ASSISTANT, "critic", "Looks good. TERMINATE");

  fixture->groceries = da_store_create_conversation (store, "Groceries\nlist", NULL, &error);
  g_assert_no_error (error);
  add_message (store, fixture->groceries, DA_ROLE_USER, "user", "Buy oranges and bread");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("da-cli-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "history.sqlite3", NULL);

  store = da_store_new (fixture->db, &error);
  g_assert_no_error (error);
  fill (store, fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
test_history_list (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_run (NULL, "history", "list", "--db", fixture->db, NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) first = NULL;
  g_auto(GStrv) second = NULL;
  g_autofree char *lisbon_id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->lisbon);
  g_autofree char *groceries_id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->groceries);

  g_assert_cmpint (result->exit_status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");

  lines = g_strsplit (result->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");

  /* Newest first: id, updated, message count, title (on one line). */
  first = g_strsplit (lines[0], "\t", -1);
  g_assert_cmpuint (g_strv_length (first), ==, 4);
  g_assert_cmpstr (first[0], ==, groceries_id);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$", first[1], 0, 0));
  g_assert_cmpstr (first[2], ==, "1");
  g_assert_cmpstr (first[3], ==, "Groceries list");

  second = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpuint (g_strv_length (second), ==, 4);
  g_assert_cmpstr (second[0], ==, lisbon_id);
  g_assert_cmpstr (second[2], ==, "3");
  g_assert_cmpstr (second[3], ==, "Trip to Lisbon");
}

static void
test_history_list_json (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_run (NULL, "history", "list", "--json", "--db", fixture->db, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *lisbon;

  g_assert_cmpint (result->exit_status, ==, 0);
  root = parse_json (result->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  lisbon = json_array_get_object_element (array, 1);
  g_assert_cmpint (json_object_get_int_member (lisbon, "id"), ==, fixture->lisbon);
  g_assert_cmpstr (json_object_get_string_member (lisbon, "title"), ==, "Trip to Lisbon");
  g_assert_cmpstr (json_object_get_string_member (lisbon, "team_name"), ==, "travel");
  g_assert_cmpint (json_object_get_int_member (lisbon, "message_count"), ==, 3);
  g_assert_false (json_object_get_boolean_member (lisbon, "pinned"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (lisbon, "updated_at"), "Z"));
  g_assert_true (json_object_get_null_member (json_array_get_object_element (array, 0), "team_name"));
}

static void
test_history_show (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->lisbon);
  g_autoptr(CliResult) result = cli_run (NULL, "history", "show", id, "--db", fixture->db, NULL);
  const char *user, *planner, *critic;

  g_assert_cmpint (result->exit_status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_true (g_str_has_prefix (result->out, "# Trip to Lisbon\n"));

  user = strstr (result->out, "Plan three days in Lisbon");
  planner = strstr (result->out, "pastéis de nata");
  critic = strstr (result->out, "Looks good. TERMINATE");
  g_assert_nonnull (user);
  g_assert_nonnull (planner);
  g_assert_nonnull (critic);
  g_assert_true (user < planner && planner < critic);
  g_assert_null (strstr (result->out, "oranges"));
}

static void
test_history_search (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT "\tTrip to Lisbon\tplanner: ", fixture->lisbon);

  {
    g_autoptr(CliResult) result = cli_run (NULL, "history", "search", "Belém", "tower",
                                           "--db", fixture->db, NULL);

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->err, ==, "");
    g_assert_true (g_str_has_prefix (result->out, prefix));
    g_assert_nonnull (strstr (result->out, "tower"));
    /* One hit, one line. */
    g_assert_cmpstr (strchr (result->out, '\n'), ==, "\n");
  }

  {
    g_autoptr(CliResult) result = cli_run (NULL, "history", "search", "--json", "orang",
                                           "--db", fixture->db, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *hit;

    g_assert_cmpint (result->exit_status, ==, 0);
    root = parse_json (result->out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
    hit = json_array_get_object_element (json_node_get_array (root), 0);
    g_assert_cmpint (json_object_get_int_member (hit, "conversation_id"), ==, fixture->groceries);
    g_assert_cmpstr (json_object_get_string_member (hit, "agent"), ==, "user");
    g_assert_nonnull (strstr (json_object_get_string_member (hit, "snippet"), "oranges"));
  }

  {
    g_autoptr(CliResult) result = cli_run (NULL, "history", "search", "zeppelin",
                                           "--db", fixture->db, NULL);

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->out, ==, "");
  }

  {
    /* What a person types is never a syntax error. */
    g_autoptr(CliResult) result = cli_run (NULL, "history", "search", "\"unbalanced AND (",
                                           "--db", fixture->db, NULL);

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->err, ==, "");
  }
}

static void
test_history_export (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->lisbon);
  g_autofree char *file = g_build_filename (fixture->dir, "lisbon.md", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  {
    g_autoptr(CliResult) result = cli_run (NULL, "history", "export", id, "--format", "json",
                                           "--db", fixture->db, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *object;
    JsonArray *messages;

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->err, ==, "");
    root = parse_json (result->out);
    object = json_node_get_object (root);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "conversation"), "id"),
                     ==, fixture->lisbon);
    messages = json_object_get_array_member (object, "messages");
    g_assert_cmpuint (json_array_get_length (messages), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "agent"),
                     ==, "planner");
  }

  {
    g_autoptr(CliResult) shown = cli_run (NULL, "history", "show", id, "--db", fixture->db, NULL);
    g_autoptr(CliResult) result = cli_run (NULL, "history", "export", id, "--format=markdown",
                                           "-o", file, "--db", fixture->db, NULL);

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->out, ==, "");
    g_assert_cmpstr (result->err, ==, "");

    g_assert_true (g_file_get_contents (file, &contents, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (contents, ==, shown->out);
    g_assert_cmpint (g_stat (file, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  {
    /* Markdown is the default. */
    g_autoptr(CliResult) result = cli_run (NULL, "history", "export", id, "--db", fixture->db, NULL);

    g_assert_cmpint (result->exit_status, ==, 0);
    g_assert_cmpstr (result->out, ==, contents);
  }
}

static void
test_history_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *not_sqlite = g_build_filename (fixture->dir, "not-sqlite.txt", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.sqlite3", NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->lisbon);
  const char *db = fixture->db;
  const struct
  {
    const char *args[9];
    int         exit_status;
    const char *contains;
  } cases[] = {
    { { "history", NULL }, 2, "missing command" },
    { { "history", "rename", NULL }, 2, "unknown command 'rename'" },
    { { "history", "list", "extra", "--db", db, NULL }, 2, "too many arguments" },
    { { "history", "list", "--db", missing, NULL }, 1, "no history database at" },
    { { "history", "list", "--db", not_sqlite, NULL }, 1, NULL },
    { { "history", "show", "--db", db, NULL }, 2, "missing ID" },
    { { "history", "show", "abc", "--db", db, NULL }, 2, "invalid conversation id 'abc'" },
    { { "history", "show", "0", "--db", db, NULL }, 2, "invalid conversation id '0'" },
    { { "history", "show", "999", "--db", db, NULL }, 1, "no conversation with id 999" },
    { { "history", "show", id, id, "--db", db, NULL }, 2, "too many arguments" },
    { { "history", "search", "--db", db, NULL }, 2, "missing TEXT" },
    { { "history", "search", "  ", "--db", db, NULL }, 2, "the search text is empty" },
    { { "history", "search", "x", "--limit", "0", "--db", db, NULL }, 2, "--limit" },
    { { "history", "export", "999", "--format", "json", "--db", db, NULL }, 1, "no conversation with id 999" },
    { { "history", "export", id, "--format", "pdf", "--db", db, NULL }, 2, "unknown format 'pdf'" },
    { { "history", "export", id, "--output", "/nonexistent/dir/out.md", "--db", db, NULL }, 1, "/nonexistent/dir" },
    { { "history", "export", "--db", db, NULL }, 2, "missing ID" },
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (not_sqlite, "this is not a database, just words\n", -1, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) result = cli_runv (NULL, cases[i].args);

      g_test_message ("case %u: %s", i, result->err);
      cli_assert_one_error (result, cases[i].exit_status, cases[i].contains);
    }

  /* Naming a missing file did not create it. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* Without --db the application's own database is used; none yet means an
 * empty history, and asking does not create one. */
static void
test_history_default_path (void)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_true (g_str_has_prefix (path, g_getenv ("HOME")));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  {
    g_autoptr(CliResult) list = cli_run (NULL, "history", "list", NULL);
    g_autoptr(CliResult) search = cli_run (NULL, "history", "search", "anything", NULL);
    g_autoptr(CliResult) show = cli_run (NULL, "history", "show", "1", NULL);

    g_assert_cmpint (list->exit_status, ==, 0);
    g_assert_cmpstr (list->out, ==, "");
    g_assert_cmpint (search->exit_status, ==, 0);
    g_assert_cmpstr (search->out, ==, "");
    cli_assert_one_error (show, 1, "no conversation with id 1");
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  {
    g_autoptr(DaStore) store = da_store_new (path, &error);

    g_assert_no_error (error);
    id = da_store_create_conversation (store, "Default place", NULL, &error);
    g_assert_no_error (error);
  }

  {
    g_autoptr(CliResult) list = cli_run (NULL, "history", "list", NULL);
    g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT "\t", id);

    g_assert_cmpint (list->exit_status, ==, 0);
    g_assert_true (g_str_has_prefix (list->out, expected));
    g_assert_true (g_str_has_suffix (list->out, "\t0\tDefault place\n"));
  }
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DA_TEST_SESSION") == NULL || g_getenv ("DA_CLI_PATH") == NULL)
    {
      g_printerr ("test-cli-history: run me through build-aux/test-session.sh with "
                  "DA_CLI_PATH set (meson test does both)\n");
      return 1;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/history/list", Fixture, NULL, fixture_set_up, test_history_list, fixture_tear_down);
  g_test_add ("/cli/history/list-json", Fixture, NULL, fixture_set_up, test_history_list_json, fixture_tear_down);
  g_test_add ("/cli/history/show", Fixture, NULL, fixture_set_up, test_history_show, fixture_tear_down);
  g_test_add ("/cli/history/search", Fixture, NULL, fixture_set_up, test_history_search, fixture_tear_down);
  g_test_add ("/cli/history/export", Fixture, NULL, fixture_set_up, test_history_export, fixture_tear_down);
  g_test_add ("/cli/history/errors", Fixture, NULL, fixture_set_up, test_history_errors, fixture_tear_down);
  g_test_add_func ("/cli/history/default-path", test_history_default_path);

  return g_test_run ();
}
