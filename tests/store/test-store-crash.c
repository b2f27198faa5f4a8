/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A program killed with SIGKILL while a reply streams loses at most the
 * last moment of text: every finished message survives, the partial one
 * reopens marked incomplete, and the database is intact. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "da-store-all.h"
#include "store-test-util.h"

#define N_FINISHED 3

static char *
token (guint i)
{
  return g_strdup_printf ("w%05u ", i);
}

typedef struct
{
  DaMessage *message;
  guint      next;
} Child;

static gboolean
append_cb (gpointer data)
{
  Child *child = data;
  g_autofree char *piece = token (child->next++);

  da_message_append_text (child->message, piece, -1);
  return G_SOURCE_CONTINUE;
}

static gboolean
give_up_cb (gpointer data)
{
  /* Never outlive a parent that failed to kill us. */
  exit (3);
  return G_SOURCE_REMOVE;
}

static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DaMessage) streaming = NULL;
  Child child = { NULL, 0 };
  gint64 conversation;

  g_assert_no_error (error);
  conversation = da_store_create_conversation (store, "Crash", "team", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_FINISHED; i++)
    {
      g_autofree char *text = g_strdup_printf ("finished message %u", i);
      g_autoptr(DaMessage) message = da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER,
                                                     i % 2 ? "planner" : "user", text);

      g_assert_true (da_store_add_message (store, conversation, message, &error));
    }

  streaming = da_message_new_streaming ("planner");
  g_assert_true (da_store_add_message (store, conversation, streaming, &error));
  child.message = streaming;

  g_timeout_add (2, append_cb, &child);
  g_timeout_add_seconds (120, give_up_cb, NULL);
  g_main_loop_run (loop);

  return 0;
}

/* What the child has committed of its partial reply, or NULL. */
static char *
peek_partial (const char *path)
{
  sqlite3 *db;
  char *content;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;

  db = store_test_open_raw (path, TRUE);
  if (sqlite3_exec (db, "SELECT 1 FROM messages LIMIT 0", NULL, NULL, NULL) != SQLITE_OK)
    {
      /* Not created yet. */
      sqlite3_close (db);
      return NULL;
    }
  content = store_test_query_text (db, "SELECT content FROM messages WHERE state = 'streaming'");
  sqlite3_close (db);
  return content;
}

static void
kill_while_streaming (gsize min_visible)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *seen = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *first_token = token (0);
  DaMessage *partial;
  sqlite3 *raw;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                            "/proc/self/exe", "--child", path, NULL);
  g_assert_no_error (error);

  /* Wait until several coalesced writes of the reply are on disk. */
  for (guint tries = 0; ; tries++)
    {
      g_clear_pointer (&seen, g_free);
      seen = peek_partial (path);
      if (seen != NULL && strlen (seen) >= min_visible)
        break;
      g_assert_cmpuint (tries, <, 6000);
      g_usleep (10 * 1000);
    }

  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  store = da_store_new (path, &error);
  g_assert_no_error (error);

  conversations = da_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 1);
  g_assert_cmpint (da_conversation_get_message_count (g_ptr_array_index (conversations, 0)), ==, N_FINISHED + 1);

  messages = da_store_load_messages (store, da_conversation_get_id (g_ptr_array_index (conversations, 0)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, N_FINISHED + 1);
  for (guint i = 0; i < N_FINISHED; i++)
    {
      DaMessage *message = g_ptr_array_index (messages, i);
      g_autofree char *text = g_strdup_printf ("finished message %u", i);

      g_assert_cmpstr (da_message_get_content (message), ==, text);
      g_assert_cmpint (da_message_get_state (message), ==, DA_MESSAGE_STATE_COMPLETE);
    }

  partial = g_ptr_array_index (messages, N_FINISHED);
  g_assert_cmpint (da_message_get_state (partial), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_cmpstr (da_message_get_sender (partial), ==, "planner");
  /* At least what was visible before the kill, and exactly the stream. */
  g_assert_cmpuint (strlen (da_message_get_content (partial)), >=, strlen (seen));
  for (guint i = 0; expected->len < strlen (da_message_get_content (partial)); i++)
    {
      g_autofree char *piece = token (i);
      g_string_append (expected, piece);
    }
  g_assert_true (g_str_has_prefix (expected->str, da_message_get_content (partial)));
  g_assert_true (g_str_has_prefix (da_message_get_content (partial), seen));

  /* Recovered text is searchable. */
  hits = da_store_search (store, first_token, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((DaSearchHit *)g_ptr_array_index (hits, 0))->message_id, ==, da_message_get_id (partial));
  g_clear_object (&store);

  raw = store_test_open_raw (path, FALSE);
  integrity = store_test_query_text (raw, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (sqlite3_exec (raw, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  store_test_remove_dir (dir);
}

static void
test_crash_early (void)
{
  kill_while_streaming (1);
}

static void
test_crash_late (void)
{
  /* Hundreds of tokens: many flushes have happened and more are due. */
  kill_while_streaming (2000);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/crash/sigkill-early", test_crash_early);
  g_test_add_func ("/store/crash/sigkill-late", test_crash_late);

  return g_test_run ();
}
