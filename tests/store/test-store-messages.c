/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversations, messages, streaming writes, usage. */
#include "config.h"

#include "da-store-all.h"
#include "da-store-private.h"
#include "store-test-util.h"

typedef struct
{
  char    *dir;
  char    *path;
  DaStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "history.sqlite3", NULL);
  fixture->store = da_store_new (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  store_test_assert_intact (fixture->path);
  store_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
raw_text (Fixture    *fixture,
          const char *sql)
{
  sqlite3 *db = store_test_open_raw (fixture->path, TRUE);
  char *text = store_test_query_text (db, sql);

  sqlite3_close (db);
  return text;
}

static gint64
raw_int (Fixture    *fixture,
         const char *sql)
{
  sqlite3 *db = store_test_open_raw (fixture->path, TRUE);
  gint64 value = store_test_query_int (db, sql);

  sqlite3_close (db);
  return value;
}

static void
test_conversations (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, "user", "hello");
  gint64 a, b, c;
  gint64 updated_before;

  a = da_store_create_conversation (fixture->store, "Alpha", "team-a", &error);
  g_assert_no_error (error);
  b = da_store_create_conversation (fixture->store, NULL, NULL, &error);
  g_assert_no_error (error);
  c = da_store_create_conversation (fixture->store, "Gamma", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, <, b);
  g_assert_cmpint (b, <, c);

  /* Newest first, pinned before everything. */
  g_assert_true (da_store_set_pinned (fixture->store, a, TRUE, &error));
  list = da_store_list_conversations (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (da_conversation_get_id (g_ptr_array_index (list, 0)), ==, a);
  g_assert_cmpint (da_conversation_get_id (g_ptr_array_index (list, 1)), ==, c);
  g_assert_cmpint (da_conversation_get_id (g_ptr_array_index (list, 2)), ==, b);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A new message makes its conversation the most recent. */
  conversation = da_store_get_conversation (fixture->store, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_conversation_get_title (conversation), ==, "");
  g_assert_null (da_conversation_get_team_name (conversation));
  updated_before = da_conversation_get_updated_at (conversation);
  g_clear_object (&conversation);
  g_usleep (2);
  g_assert_true (da_store_add_message (fixture->store, b, message, &error));
  conversation = da_store_get_conversation (fixture->store, b, &error);
  g_assert_cmpint (da_conversation_get_message_count (conversation), ==, 1);
  g_assert_cmpint (da_conversation_get_updated_at (conversation), >, updated_before);
  g_clear_object (&conversation);

  list = da_store_list_conversations (fixture->store, &error);
  g_assert_cmpint (da_conversation_get_id (g_ptr_array_index (list, 0)), ==, a);
  g_assert_cmpint (da_conversation_get_id (g_ptr_array_index (list, 1)), ==, b);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (da_store_rename_conversation (fixture->store, b, "Beta", &error));
  conversation = da_store_get_conversation (fixture->store, b, &error);
  g_assert_cmpstr (da_conversation_get_title (conversation), ==, "Beta");
  g_clear_object (&conversation);

  conversation = da_store_get_conversation (fixture->store, a, &error);
  g_assert_cmpstr (da_conversation_get_team_name (conversation), ==, "team-a");
  g_assert_true (da_conversation_get_pinned (conversation));
  g_assert_cmpint (da_conversation_get_created_at (conversation), >, 0);
  g_clear_object (&conversation);

  /* Deleting takes the messages along. */
  g_assert_true (da_store_delete_conversation (fixture->store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM messages"), ==, 0);
  conversation = da_store_get_conversation (fixture->store, b, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_assert_null (conversation);
  g_clear_error (&error);

  g_assert_false (da_store_delete_conversation (fixture->store, b, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (da_store_rename_conversation (fixture->store, 9999, "x", &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (da_store_set_pinned (fixture->store, 9999, TRUE, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static guint
search_count (Fixture    *fixture,
              const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = da_store_search (fixture->store, query, 10, &error);

  g_assert_no_error (error);
  return hits->len;
}

static void
test_messages_roundtrip (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "user", "Read my notes ✈");
  g_autoptr(DaMessage) reply = da_message_new (DA_ROLE_ASSISTANT, "planner", "");
  g_autoptr(DaMessage) result = da_message_new (DA_ROLE_TOOL, "planner", "notes: \"Belém\"\n");
  g_autoptr(DaMessage) failed = da_message_new (DA_ROLE_ASSISTANT, "critic", "half");
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_7", "read_file", "{\"path\":\"a \\\"b\\\"\"}");
  g_autoptr(DaToolCall) call2 = da_tool_call_new ("call_8", "list_dir", "not json {");
  g_autoptr(GPtrArray) loaded = NULL;
  DaMessage *m;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Notes", NULL, &error);
  g_assert_no_error (error);

  da_message_set_created_at (user, 1700000000123456);
  da_message_add_tool_call (reply, call);
  da_message_add_tool_call (reply, call2);
  da_message_set_usage (reply, 321, 12);
  da_message_set_finish_reason (reply, "tool_calls");
  da_message_set_tool_call_id (result, "call_7");
  da_message_set_state (failed, DA_MESSAGE_STATE_ERROR);
  da_message_set_error_message (failed, "The server answered 500");

  g_assert_true (da_store_add_message (fixture->store, conversation, user, &error));
  g_assert_true (da_store_add_message (fixture->store, conversation, reply, &error));
  g_assert_true (da_store_add_message (fixture->store, conversation, result, &error));
  g_assert_true (da_store_add_message (fixture->store, conversation, failed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (da_message_get_id (user), >, 0);
  g_assert_cmpint (da_message_get_id (reply), ==, da_message_get_id (user) + 1);

  loaded = da_store_load_messages (fixture->store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 4);

  m = g_ptr_array_index (loaded, 0);
  g_assert_cmpint (da_message_get_id (m), ==, da_message_get_id (user));
  g_assert_cmpint (da_message_get_role (m), ==, DA_ROLE_USER);
  g_assert_cmpstr (da_message_get_content (m), ==, "Read my notes ✈");
  g_assert_cmpint (da_message_get_created_at (m), ==, 1700000000123456);
  g_assert_cmpint (da_message_get_state (m), ==, DA_MESSAGE_STATE_COMPLETE);

  m = g_ptr_array_index (loaded, 1);
  g_assert_cmpstr (da_message_get_sender (m), ==, "planner");
  g_assert_cmpuint (da_message_get_tool_calls (m)->len, ==, 2);
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (da_message_get_tool_calls (m), 0))->arguments,
                   ==, "{\"path\":\"a \\\"b\\\"\"}");
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (da_message_get_tool_calls (m), 1))->id, ==, "call_8");
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (da_message_get_tool_calls (m), 1))->arguments, ==, "not json {");
  g_assert_cmpint (da_message_get_prompt_tokens (m), ==, 321);
  g_assert_cmpint (da_message_get_completion_tokens (m), ==, 12);
  g_assert_cmpstr (da_message_get_finish_reason (m), ==, "tool_calls");

  m = g_ptr_array_index (loaded, 2);
  g_assert_cmpint (da_message_get_role (m), ==, DA_ROLE_TOOL);
  g_assert_cmpstr (da_message_get_tool_call_id (m), ==, "call_7");
  g_assert_cmpstr (da_message_get_content (m), ==, "notes: \"Belém\"\n");

  m = g_ptr_array_index (loaded, 3);
  g_assert_cmpint (da_message_get_state (m), ==, DA_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (da_message_get_error_message (m), ==, "The server answered 500");

  /* An explicit update rewrites every field. */
  da_message_set_content (failed, "retried and done");
  da_message_set_state (failed, DA_MESSAGE_STATE_COMPLETE);
  g_assert_true (da_store_update_message (fixture->store, failed, &error));
  g_assert_no_error (error);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = da_store_load_messages (fixture->store, conversation, &error);
  m = g_ptr_array_index (loaded, 3);
  g_assert_cmpstr (da_message_get_content (m), ==, "retried and done");
  g_assert_cmpint (da_message_get_state (m), ==, DA_MESSAGE_STATE_COMPLETE);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  /* The index follows the new text. */
  g_assert_cmpuint (search_count (fixture, "retried"), ==, 1);
  g_assert_cmpuint (search_count (fixture, "half"), ==, 0);

  /* Unknown conversations and unsaved messages are refused. */
  g_assert_false (da_store_add_message (fixture->store, conversation + 100, user, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  loaded = da_store_load_messages (fixture->store, conversation + 100, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_assert_null (loaded);
  g_clear_error (&error);
  {
    g_autoptr(DaMessage) unsaved = da_message_new (DA_ROLE_USER, "user", "x");

    g_assert_false (da_store_update_message (fixture->store, unsaved, &error));
    g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
    g_clear_error (&error);
    da_message_set_id (unsaved, 424242);
    g_assert_false (da_store_update_message (fixture->store, unsaved, &error));
    g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static gint64
total_changes (Fixture *fixture)
{
  return sqlite3_total_changes64 (fixture->store->db->handle);
}

static char *
stored_content (Fixture *fixture,
                gint64   id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT content FROM messages WHERE id = %" G_GINT64_FORMAT, id);

  return raw_text (fixture, sql);
}

static char *
stored_state (Fixture *fixture,
              gint64   id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM messages WHERE id = %" G_GINT64_FORMAT, id);

  return raw_text (fixture, sql);
}

static void
test_streaming (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "search", "{\"q\":\"x\"}");
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gint64 conversation, id, before;

  conversation = da_store_create_conversation (fixture->store, "Stream", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  g_assert_no_error (error);
  id = da_message_get_id (message);
  g_assert_cmpint (id, >, 0);

  /* Deltas are not written one by one ... */
  before = total_changes (fixture);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *piece = g_strdup_printf ("zebra%u ", i);

      da_message_append_text (message, piece, -1);
      g_string_append (expected, piece);
    }
  g_assert_cmpint (total_changes (fixture), ==, before);
  {
    g_autofree char *content = stored_content (fixture, id);
    g_assert_cmpstr (content, ==, "");
  }

  /* ... but together, once the main loop runs the coalescing timeout. */
  while (TRUE)
    {
      g_autofree char *content = stored_content (fixture, id);

      if (g_strcmp0 (content, expected->str) == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (total_changes (fixture), ==, before + 1);
  {
    g_autofree char *state = stored_state (fixture, id);
    g_assert_cmpstr (state, ==, "streaming");
  }
  /* Streaming text is not indexed yet. */
  g_assert_cmpuint (search_count (fixture, "zebra7"), ==, 0);

  /* Leaving the streaming state writes everything at once. */
  da_message_append_text (message, "done.", -1);
  g_string_append (expected, "done.");
  da_message_add_tool_call (message, call);
  da_message_set_usage (message, 10, 51);
  da_message_set_finish_reason (message, "stop");
  da_message_set_state (message, DA_MESSAGE_STATE_COMPLETE);
  {
    g_autofree char *content = stored_content (fixture, id);
    g_autofree char *state = stored_state (fixture, id);

    g_assert_cmpstr (content, ==, expected->str);
    g_assert_cmpstr (state, ==, "complete");
  }
  g_assert_cmpuint (search_count (fixture, "zebra7"), ==, 1);

  loaded = da_store_load_messages (fixture->store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpuint (da_message_get_tool_calls (g_ptr_array_index (loaded, 0))->len, ==, 1);
  g_assert_cmpint (da_message_get_completion_tokens (g_ptr_array_index (loaded, 0)), ==, 51);
  g_assert_cmpstr (da_message_get_finish_reason (g_ptr_array_index (loaded, 0)), ==, "stop");

  /* Once finished, changes no longer reach the database by themselves. */
  before = total_changes (fixture);
  da_message_set_content (message, "edited");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (total_changes (fixture), ==, before);
}

static void
test_streaming_flush (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  g_autoptr(GPtrArray) loaded = NULL;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Flush", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  da_message_append_text (message, "partial answer", -1);

  da_store_flush (fixture->store);
  {
    g_autofree char *content = stored_content (fixture, da_message_get_id (message));
    g_assert_cmpstr (content, ==, "partial answer");
  }

  /* Loading flushes first, so a reader sees what the screen shows. */
  da_message_append_text (message, " and more", -1);
  loaded = da_store_load_messages (fixture->store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (loaded, 0)), ==, "partial answer and more");
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (loaded, 0)), ==, DA_MESSAGE_STATE_STREAMING);

  /* The same message cannot be added twice while it streams. */
  g_assert_false (da_store_add_message (fixture->store, conversation, message, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
}

static void
test_streaming_dropped (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DaMessage *message = da_message_new_streaming ("planner");
  gint64 conversation, id;

  conversation = da_store_create_conversation (fixture->store, "Dropped", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  id = da_message_get_id (message);
  da_message_append_text (message, "nobody finishes this", -1);

  /* The last reference goes while it streams: nobody will finish it. */
  g_object_unref (message);
  {
    g_autofree char *content = stored_content (fixture, id);
    g_autofree char *state = stored_state (fixture, id);

    g_assert_cmpstr (content, ==, "nobody finishes this");
    g_assert_cmpstr (state, ==, "incomplete");
  }
  g_assert_cmpuint (search_count (fixture, "nobody finishes"), ==, 1);

  /* No timeout is left behind to touch the freed message. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A store that goes away mid-stream writes what it has; the next start,
 * alone with the file, marks the reply incomplete. */
static void
test_streaming_store_closed (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  g_autoptr(GPtrArray) loaded = NULL;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Closed", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  da_message_append_text (message, "cut short", -1);
  g_clear_object (&fixture->store);

  /* The message lives on, but is no longer followed. */
  da_message_append_text (message, " and ignored", -1);
  da_message_set_state (message, DA_MESSAGE_STATE_COMPLETE);

  fixture->store = da_store_new (fixture->path, &error);
  g_assert_no_error (error);
  loaded = da_store_load_messages (fixture->store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (loaded, 0)), ==, "cut short");
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (loaded, 0)), ==, DA_MESSAGE_STATE_INCOMPLETE);
}

/* With another store open on the file, a reply streaming there is alive
 * and must not be marked incomplete. */
static void
test_streaming_second_store (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  g_autoptr(DaStore) second = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Shared", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  da_message_append_text (message, "still going", -1);
  da_store_flush (fixture->store);

  second = da_store_new (fixture->path, &error);
  g_assert_no_error (error);
  loaded = da_store_load_messages (second, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (loaded, 0)), ==, DA_MESSAGE_STATE_STREAMING);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  da_message_set_state (message, DA_MESSAGE_STATE_COMPLETE);
  loaded = da_store_load_messages (second, conversation, &error);
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (loaded, 0)), ==, DA_MESSAGE_STATE_COMPLETE);
}

static void
test_streaming_conversation_deleted (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Gone", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  da_message_append_text (message, "text", -1);
  g_assert_true (da_store_delete_conversation (fixture->store, conversation, &error));
  g_assert_no_error (error);

  /* Finishing the orphaned reply writes nothing and warns about nothing. */
  da_message_append_text (message, " more", -1);
  da_message_set_state (message, DA_MESSAGE_STATE_COMPLETE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM messages"), ==, 0);
}

/* Enough writes for checkpoints to run in the background meanwhile. */
static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *filler = g_strnfill (2000, 'x');
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "Many", NULL, &error);
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *text = g_strdup_printf ("message%u %s", i, filler);
      g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, "user", text);

      g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
      g_assert_no_error (error);
    }

  loaded = da_store_load_messages (fixture->store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3000);
  g_assert_true (g_str_has_prefix (da_message_get_content (g_ptr_array_index (loaded, 2999)), "message2999 x"));
  g_assert_cmpuint (search_count (fixture, "message1234"), ==, 1);
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_ASSISTANT, "planner", "answer");
  gint64 a, b, prompt = -1, completion = -1;

  a = da_store_create_conversation (fixture->store, "A", NULL, &error);
  b = da_store_create_conversation (fixture->store, "B", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, a, message, &error));

  g_assert_true (da_store_get_usage_totals (fixture->store, -1, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 0);
  g_assert_cmpint (completion, ==, 0);

  g_assert_true (da_store_add_usage (fixture->store, a, da_message_get_id (message), "planner",
                                     "openai", "llama3.2", 100, 20, &error));
  g_assert_true (da_store_add_usage (fixture->store, a, -1, "planner", "openai", "llama3.2", 50, 5, &error));
  g_assert_true (da_store_add_usage (fixture->store, b, -1, "critic", "ollama", "qwen", 7, 3, &error));
  g_assert_no_error (error);

  g_assert_true (da_store_get_usage_totals (fixture->store, a, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 150);
  g_assert_cmpint (completion, ==, 25);
  g_assert_true (da_store_get_usage_totals (fixture->store, -1, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 157);
  g_assert_cmpint (completion, ==, 28);

  g_assert_false (da_store_add_usage (fixture->store, 999, -1, "x", "openai", "m", 1, 1, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Usage outlives a deleted conversation; its own total is then zero. */
  g_assert_true (da_store_delete_conversation (fixture->store, a, &error));
  g_assert_true (da_store_get_usage_totals (fixture->store, -1, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 157);
  g_assert_true (da_store_get_usage_totals (fixture->store, a, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 0);
}

static void
test_delete_all (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, "user", "secret plans");
  g_autoptr(DaMessage) streaming = da_message_new_streaming ("planner");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "A", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
  g_assert_true (da_store_add_message (fixture->store, conversation, streaming, &error));
  g_assert_true (da_store_add_usage (fixture->store, conversation, -1, "a", "openai", "m", 1, 1, &error));
  g_assert_cmpint (da_store_append_audit (fixture->store, "a", "read_file", "read", "/etc", "deny",
                                          "policy", conversation, &error), >, 0);
  g_assert_cmpint (da_store_save_agent (fixture->store, -1, "keeper", "{}", &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (da_store_delete_all (fixture->store, &error));
  g_assert_no_error (error);

  list = da_store_list_conversations (fixture->store, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM usage"), ==, 0);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpuint (search_count (fixture, "secret"), ==, 0);
  agents = da_store_list_agents (fixture->store, &error);
  g_assert_cmpuint (agents->len, ==, 1);

  /* The interrupted stream is no longer followed. */
  da_message_append_text (streaming, "more", -1);
  da_message_set_state (streaming, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM messages"), ==, 0);
}

/* One message deleted: gone from the conversation, its count and the
 * search index (tear-down checks the index's integrity); its usage stays
 * without it; a streaming one is no longer followed. */
static void
test_delete_message (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) question = da_message_new (DA_ROLE_USER, "user", "where is lisbon");
  g_autoptr(DaMessage) failed = da_message_new (DA_ROLE_ASSISTANT, "planner", "partial tangerine answer");
  g_autoptr(DaMessage) unindexed = da_message_new (DA_ROLE_ASSISTANT, "planner", "fresh kumquat");
  g_autoptr(DaMessage) streaming = da_message_new_streaming ("planner");
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  gint64 id, prompt = 0, completion = 0;

  id = da_store_create_conversation (fixture->store, "Trip", NULL, &error);
  g_assert_true (da_store_add_message (fixture->store, id, question, &error));
  g_assert_true (da_store_add_message (fixture->store, id, failed, &error));
  g_assert_true (da_store_add_usage (fixture->store, id, da_message_get_id (failed), "planner",
                                     "openai", "m", 12, 3, &error));
  g_assert_no_error (error);
  da_store_flush (fixture->store);
  g_assert_cmpuint (search_count (fixture, "tangerine"), ==, 1);

  /* An indexed message. */
  g_assert_true (da_store_delete_message (fixture->store, da_message_get_id (failed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (fixture, "tangerine"), ==, 0);
  g_assert_cmpuint (search_count (fixture, "lisbon"), ==, 1);
  conversation = da_store_get_conversation (fixture->store, id, &error);
  g_assert_cmpint (da_conversation_get_message_count (conversation), ==, 1);
  loaded = da_store_load_messages (fixture->store, id, &error);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (loaded, 0)), ==, "where is lisbon");
  g_assert_true (da_store_get_usage_totals (fixture->store, id, &prompt, &completion, &error));
  g_assert_cmpint (prompt, ==, 12);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM usage WHERE message_id IS NULL"), ==, 1);

  /* Not there any more. */
  g_assert_false (da_store_delete_message (fixture->store, da_message_get_id (failed), &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A message the index has not taken in yet. */
  g_assert_true (da_store_add_message (fixture->store, id, unindexed, &error));
  g_assert_true (da_store_delete_message (fixture->store, da_message_get_id (unindexed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (fixture, "kumquat"), ==, 0);

  /* A streaming message: deleted, and what it streams afterwards is not
   * written anywhere. */
  g_assert_true (da_store_add_message (fixture->store, id, streaming, &error));
  da_message_append_text (streaming, "half", -1);
  g_assert_true (da_store_delete_message (fixture->store, da_message_get_id (streaming), &error));
  g_assert_no_error (error);
  da_message_append_text (streaming, " more", -1);
  da_message_set_state (streaming, DA_MESSAGE_STATE_ERROR);
  da_store_flush (fixture->store);
  g_assert_cmpint (raw_int (fixture, "SELECT count(*) FROM messages"), ==, 1);
  g_clear_object (&conversation);
  conversation = da_store_get_conversation (fixture->store, id, &error);
  g_assert_cmpint (da_conversation_get_message_count (conversation), ==, 1);
}

/* A conversation read a page at a time, newest page first, from the
 * main connection and from a reader thread; other conversations' messages
 * in between are never part of a page. */
static void
page_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  gint64 conversation, other, before;

  conversation = da_store_create_conversation (fixture->store, "Long", NULL, &error);
  other = da_store_create_conversation (fixture->store, "Other", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, "user", text);
      g_autoptr(DaMessage) noise = da_message_new (DA_ROLE_USER, "user", "elsewhere");

      g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
      g_assert_true (da_store_add_message (fixture->store, other, noise, &error));
    }

  /* Newest ten, oldest first. */
  page = da_store_load_messages_before (fixture->store, conversation, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 0)), ==, "message 15");
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 9)), ==, "message 24");
  before = da_message_get_id (g_ptr_array_index (page, 0));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&page));

  /* The ten before them. */
  page = da_store_load_messages_before (fixture->store, conversation, before, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 0)), ==, "message 5");
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 9)), ==, "message 14");
  before = da_message_get_id (g_ptr_array_index (page, 0));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&page));

  /* The rest, all of it (limit 0), in a worker thread: fewer than asked
   * for says it is the start. */
  da_store_load_messages_before_async (fixture->store, conversation, before, 0, NULL,
                                       page_loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  page = da_store_load_messages_before_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 0)), ==, "message 0");
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, 4)), ==, "message 4");
  before = da_message_get_id (g_ptr_array_index (page, 0));
  g_clear_pointer (&page, g_ptr_array_unref);

  page = da_store_load_messages_before (fixture->store, conversation, before, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 0);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Limit 0 and no bound is the whole conversation, as da_store_load_messages(). */
  page = da_store_load_messages_before (fixture->store, conversation, 0, 0, &error);
  g_assert_cmpuint (page->len, ==, 25);
  for (guint i = 0; i < page->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_assert_cmpstr (da_message_get_content (g_ptr_array_index (page, i)), ==, text);
    }
  g_clear_pointer (&page, g_ptr_array_unref);

  page = da_store_load_messages_before (fixture->store, conversation + other + 100, 0, 10, &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_assert_null (page);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("conversations", test_conversations);
  ADD ("messages/roundtrip", test_messages_roundtrip);
  ADD ("messages/streaming", test_streaming);
  ADD ("messages/streaming-flush", test_streaming_flush);
  ADD ("messages/streaming-dropped", test_streaming_dropped);
  ADD ("messages/streaming-store-closed", test_streaming_store_closed);
  ADD ("messages/streaming-second-store", test_streaming_second_store);
  ADD ("messages/streaming-conversation-deleted", test_streaming_conversation_deleted);
  ADD ("messages/many", test_many);
  ADD ("messages/pages", test_pages);
  ADD ("usage", test_usage);
  ADD ("delete-all", test_delete_all);
  ADD ("messages/delete", test_delete_message);

#undef ADD

  return g_test_run ();
}
