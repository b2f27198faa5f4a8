/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening, creating and migrating the history database. */
#include "config.h"

#include <sys/stat.h>

#include "da-store-all.h"
#include "da-store-private.h"
#include "store-test-util.h"

static const char * const tables[] = {
  "conversations", "messages", "usage", "agents", "providers", "audit_log", "grants",
  "messages_fts", "messages_indexed",
};

static void
assert_schema_current (const char *path)
{
  sqlite3 *db = store_test_open_raw (path, TRUE);
  g_autofree char *mode = store_test_query_text (db, "PRAGMA journal_mode");

  g_assert_cmpint (store_test_query_int (db, "PRAGMA user_version"), ==, _da_store_get_n_migrations ());
  g_assert_cmpstr (mode, ==, "wal");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM sqlite_schema WHERE name = '%s' AND type IN ('table', 'view')", tables[i]);

      g_assert_cmpint (store_test_query_int (db, sql), ==, 1);
    }
  sqlite3_close (db);
}

static void
test_open_empty (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *nested = g_build_filename (dir, "data", "denoagents", NULL);
  g_autofree char *path = g_build_filename (nested, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  GStatBuf st;

  store = da_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpstr (da_store_get_path (store), ==, path);

  g_assert_cmpint (g_stat (nested, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  assert_schema_current (path);

  conversations = da_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 0);

  /* Opening again migrates nothing and keeps the data. */
  g_assert_cmpint (da_store_create_conversation (store, "kept", NULL, &error), >, 0);
  g_clear_object (&store);
  store = da_store_new (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&conversations, g_ptr_array_unref);
  conversations = da_store_list_conversations (store, &error);
  g_assert_cmpuint (conversations->len, ==, 1);
  g_clear_object (&store);

  store_test_remove_dir (dir);
}

/* An existing empty file is a database without a schema yet. */
static void
test_open_zero_length (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);

  store = da_store_new (path, &error);
  g_assert_no_error (error);
  assert_schema_current (path);
  g_clear_object (&store);

  store_test_remove_dir (dir);
}

static void
test_open_default_path (void)
{
  g_autofree char *path = da_store_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "denoagents", "history.sqlite3", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
exec_file (sqlite3    *db,
           const char *fixture)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "store", fixture, NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  char *message = NULL;

  g_file_get_contents (file, &sql, NULL, &error);
  g_assert_no_error (error);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", fixture, message);
}

/* Layout aside, the same SQL text. */
static char *
normalize_sql (const char *sql)
{
  GString *out = g_string_new (NULL);

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          while (g_ascii_isspace (p[1]))
            p++;
          if (out->len == 0 || p[1] == '\0' || p[1] == ')' || p[1] == ';' ||
              out->str[out->len - 1] == '(' || out->str[out->len - 1] == ';')
            continue;
          g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static GPtrArray *
schema_of (sqlite3 *db)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT type || ' ' || name || ': ' || coalesce (sql, '') FROM sqlite_schema ORDER BY type, name",
    -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, normalize_sql ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return rows;
}

/* Version 1 as released must stay what the migration builds: a released
 * step is never edited, changes are new steps. */
static void
test_open_v1_unchanged (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *fixture_path = g_build_filename (dir, "fixture.sqlite3", NULL);
  g_autofree char *migrated_path = g_build_filename (dir, "migrated.sqlite3", NULL);
  sqlite3 *fixture = store_test_open_raw (fixture_path, FALSE);
  sqlite3 *migrated = store_test_open_raw (migrated_path, FALSE);
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;

  exec_file (fixture, "history-v1-schema.sql");
  g_assert_cmpint (sqlite3_exec (migrated, _da_store_get_migration (1), NULL, NULL, NULL), ==, SQLITE_OK);

  a = schema_of (fixture);
  b = schema_of (migrated);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));

  sqlite3_close (fixture);
  sqlite3_close (migrated);
  store_test_remove_dir (dir);
}

/* A database written by version 1 opens in the current version with its
 * history intact. */
static void
test_open_v1_data (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  sqlite3 *raw = store_test_open_raw (path, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  DaConversation *conversation;
  DaMessage *message;
  DaToolCall *call;
  gint64 prompt, completion;

  exec_file (raw, "history-v1-schema.sql");
  exec_file (raw, "history-v1-data.sql");
  sqlite3_close (raw);

  store = da_store_new (path, &error);
  g_assert_no_error (error);
  assert_schema_current (path);

  conversations = da_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 2);
  /* Pinned first. */
  conversation = g_ptr_array_index (conversations, 0);
  g_assert_cmpstr (da_conversation_get_title (conversation), ==, "Trip to Lisbon");
  g_assert_cmpstr (da_conversation_get_team_name (conversation), ==, "travel");
  g_assert_true (da_conversation_get_pinned (conversation));
  g_assert_cmpint (da_conversation_get_message_count (conversation), ==, 4);

  messages = da_store_load_messages (store, da_conversation_get_id (conversation), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 4);
  message = g_ptr_array_index (messages, 1);
  g_assert_cmpint (da_message_get_role (message), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpstr (da_message_get_sender (message), ==, "planner");
  g_assert_cmpuint (da_message_get_tool_calls (message)->len, ==, 1);
  call = g_ptr_array_index (da_message_get_tool_calls (message), 0);
  g_assert_cmpstr (call->name, ==, "read_file");
  g_assert_cmpstr (call->arguments, ==, "{\"path\":\"~/Trips/lisbon.md\"}");
  message = g_ptr_array_index (messages, 2);
  g_assert_cmpint (da_message_get_role (message), ==, DA_ROLE_TOOL);
  g_assert_cmpstr (da_message_get_tool_call_id (message), ==, "call_1");
  message = g_ptr_array_index (messages, 3);
  g_assert_cmpint (da_message_get_state (message), ==, DA_MESSAGE_STATE_INCOMPLETE);

  hits = da_store_search (store, "pasteis", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  g_assert_true (da_store_get_usage_totals (store, -1, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 120);
  g_assert_cmpint (completion, ==, 45);

  agents = da_store_list_agents (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 1);

  g_clear_object (&store);
  store_test_remove_dir (dir);
}

static void
test_open_newer (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  sqlite3 *raw = store_test_open_raw (path, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;

  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  store = da_store_new (path, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NEWER_SCHEMA);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer"));

  store_test_remove_dir (dir);
}

static void
test_open_not_a_database (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autofree char *junk = g_strnfill (8192, 'x');

  g_file_set_contents (path, junk, -1, &error);
  g_assert_no_error (error);

  store = da_store_new (path, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT);
  g_assert_null (store);

  store_test_remove_dir (dir);
}

static void
test_open_impossible_path (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *path = g_build_filename (file, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;

  g_file_set_contents (file, "", -1, &error);
  g_assert_no_error (error);

  store = da_store_new (path, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN);
  g_assert_null (store);

  store_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/empty", test_open_empty);
  g_test_add_func ("/store/open/zero-length-file", test_open_zero_length);
  g_test_add_func ("/store/open/default-path", test_open_default_path);
  g_test_add_func ("/store/open/v1-unchanged", test_open_v1_unchanged);
  g_test_add_func ("/store/open/v1-data", test_open_v1_data);
  g_test_add_func ("/store/open/newer-schema", test_open_newer);
  g_test_add_func ("/store/open/not-a-database", test_open_not_a_database);
  g_test_add_func ("/store/open/impossible-path", test_open_impossible_path);

  return g_test_run ();
}
