/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Full-text search, loads off the main thread, export through the store. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "da-store-all.h"
#include "store-test-util.h"

typedef struct
{
  char    *dir;
  DaStore *store;
  gint64   trip;
  gint64   code;
} Fixture;

static const struct {
  int         conversation;
  DaRole      role;
  const char *agent;
  const char *content;
} corpus[] = {
  { 0, DA_ROLE_USER, "user", "Plan three days in Lisbon with a food tour." },
  { 0, DA_ROLE_ASSISTANT, "planner", "Day one: Alfama, the castle and pastéis de nata in Belém." },
  { 0, DA_ROLE_ASSISTANT, "critic", "The food tour is too long; Lisbon trams are slow." },
  { 0, DA_ROLE_ASSISTANT, "planner", "Lisbon Lisbon Lisbon: the word appears three times here." },
  { 1, DA_ROLE_USER, "user", "Why does the parser reject \"quoted\" input AND OR NOT?" },
  { 1, DA_ROLE_ASSISTANT, "coder", "Because the tokenizer sees an unbalanced quote; escape it with <b>care</b> & test." },
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  path = g_build_filename (fixture->dir, "history.sqlite3", NULL);
  fixture->store = da_store_new (path, &error);
  g_assert_no_error (error);

  fixture->trip = da_store_create_conversation (fixture->store, "Lisbon trip", "travel", &error);
  fixture->code = da_store_create_conversation (fixture->store, "Parser bug", NULL, &error);
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(DaMessage) message = da_message_new (corpus[i].role, corpus[i].agent, corpus[i].content);

      g_assert_true (da_store_add_message (fixture->store,
                                           corpus[i].conversation ? fixture->code : fixture->trip,
                                           message, &error));
    }
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "history.sqlite3", NULL);

  g_clear_object (&fixture->store);
  store_test_assert_intact (path);
  store_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GPtrArray *
search (Fixture    *fixture,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = da_store_search (fixture->store, query, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static void
test_search_words (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = NULL;
  DaSearchHit *hit;

  hits = search (fixture, "lisbon");
  g_assert_cmpuint (hits->len, ==, 3);
  /* bm25: the message saying it three times comes first. */
  hit = g_ptr_array_index (hits, 0);
  g_assert_nonnull (strstr (hit->snippet, "three times"));
  g_assert_cmpint (hit->conversation_id, ==, fixture->trip);
  g_assert_cmpstr (hit->conversation_title, ==, "Lisbon trip");
  g_assert_cmpstr (hit->agent, ==, "planner");
  for (guint i = 1; i < hits->len; i++)
    g_assert_cmpfloat (((DaSearchHit *)g_ptr_array_index (hits, i - 1))->rank, <=,
                       ((DaSearchHit *)g_ptr_array_index (hits, i))->rank);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Every word must match. */
  hits = search (fixture, "lisbon trams");
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hit->agent, ==, "critic");
  g_assert_cmpstr (hit->snippet, ==, "The food tour is too long; Lisbon trams are slow.");
  g_assert_cmpstr (hit->snippet_markup, ==, "The food tour is too long; <b>Lisbon</b> <b>trams</b> are slow.");
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Accents do not matter. */
  hits = search (fixture, "pasteis belem ");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Case does not matter; markup in text is escaped. */
  hits = search (fixture, "CARE ");
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_nonnull (strstr (hit->snippet, "<b>care</b> & test"));
  g_assert_nonnull (strstr (hit->snippet_markup, "&lt;b&gt;<b>care</b>&lt;/b&gt; &amp; test"));
}

static void
test_search_phrases_and_prefix (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) hits = NULL;

  hits = search (fixture, "\"food tour\"");
  g_assert_cmpuint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = search (fixture, "\"tour food\"");
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The word being typed matches as a prefix ... */
  hits = search (fixture, "tokeni");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* ... but not once it is followed by a space. */
  hits = search (fixture, "tokeni ");
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Operators are words like any other. */
  hits = search (fixture, "AND OR NOT");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = search (fixture, "   ");
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_search_never_fails (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const nasty[] = {
    "\"", "\"\"", "\"\"\"", "*", "**", "a*b", "(", ")", "()", "NEAR(", "NEAR(a b, 2)",
    "content:lisbon", "-lisbon", "+lisbon", "^lisbon", "lisbon^", "{content}: x", "'", "''",
    "AND", "OR", "NOT", "a AND", "OR b", "\\", "\\\"", ":", ";", "\xe2\x80\x8b", "\xff\xfe",
    "lisbon \"unterminated phrase", "\"food tour", "x\"y\"z", "🙂", "日本語", "\t\n", "%_",
    "\xee\x80\x80", "a OR OR b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autoptr(GPtrArray) hits = search (fixture, nasty[i]);
      (void)hits;
    }

  {
    g_autoptr(GPtrArray) hits = search (fixture, "lisbon \"food to");
    g_assert_cmpuint (hits->len, ==, 2);
  }
}

static void
test_search_limit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = da_store_search (fixture->store, "lisbon", 2, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
}

/* With more matches than can be ranked, the newest come first. */
static void
test_search_window (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  gint64 conversation = da_store_create_conversation (fixture->store, "Window", NULL, &error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < 2100; i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(DaMessage) message = NULL;
      gint64 id;

      /* The oldest says it most often and would win on bm25. */
      if (i == 0)
        text = g_strdup ("window window window window pane");
      else
        text = g_strdup_printf ("window and some filler number%u", i);
      message = da_message_new (DA_ROLE_USER, "user", text);
      g_assert_true (da_store_add_message (fixture->store, conversation, message, &error));
      id = da_message_get_id (message);
      g_array_append_val (ids, id);
    }

  hits = da_store_search (fixture->store, "window", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 5);
  for (guint i = 0; i < hits->len; i++)
    g_assert_cmpint (((DaSearchHit *)g_ptr_array_index (hits, i))->message_id, ==,
                     g_array_index (ids, gint64, ids->len - 1 - i));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Fewer matches are ranked by bm25. */
  hits = da_store_search (fixture->store, "window pane", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((DaSearchHit *)g_ptr_array_index (hits, 0))->message_id, ==, g_array_index (ids, gint64, 0));
  g_assert_cmpfloat (((DaSearchHit *)g_ptr_array_index (hits, 0))->rank, <, 0);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_search_async (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) sync_hits = search (fixture, "lisbon");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  da_store_search_async (fixture->store, "lisbon", 0, NULL, async_done_cb, &result);
  hits = da_store_search_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, sync_hits->len);
  for (guint i = 0; i < hits->len; i++)
    {
      DaSearchHit *a = g_ptr_array_index (hits, i);
      DaSearchHit *b = g_ptr_array_index (sync_hits, i);

      g_assert_cmpint (a->message_id, ==, b->message_id);
      g_assert_cmpstr (a->snippet_markup, ==, b->snippet_markup);
      g_assert_cmpstr (a->conversation_title, ==, b->conversation_title);
    }
  g_clear_object (&result);
  g_clear_pointer (&hits, g_ptr_array_unref);

  g_cancellable_cancel (cancellable);
  da_store_search_async (fixture->store, "lisbon", 0, cancellable, async_done_cb, &result);
  hits = da_store_search_finish (fixture->store, wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (hits);
}

static void
test_load_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(DaMessage) streaming = da_message_new_streaming ("planner");

  /* What is still streaming is flushed so the other connection sees it. */
  g_assert_true (da_store_add_message (fixture->store, fixture->trip, streaming, &error));
  da_message_append_text (streaming, "typing…", -1);

  da_store_load_messages_async (fixture->store, fixture->trip, NULL, async_done_cb, &result);
  messages = da_store_load_messages_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 5);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 0)), ==, corpus[0].content);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 4)), ==, "typing…");
  g_clear_object (&result);
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* Twice more, reusing the reader connection. */
  for (guint i = 0; i < 2; i++)
    {
      da_store_load_messages_async (fixture->store, fixture->code, NULL, async_done_cb, &result);
      messages = da_store_load_messages_finish (fixture->store, wait_for (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (messages->len, ==, 2);
      g_clear_object (&result);
      g_clear_pointer (&messages, g_ptr_array_unref);
    }

  da_store_load_messages_async (fixture->store, 4242, NULL, async_done_cb, &result);
  messages = da_store_load_messages_finish (fixture->store, wait_for (&result), &error);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_assert_null (messages);

  da_message_set_state (streaming, DA_MESSAGE_STATE_COMPLETE);
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *markdown = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *conversation, *message;
  JsonArray *messages;

  json = da_store_export_conversation (fixture->store, fixture->trip, DA_EXPORT_FORMAT_JSON, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  conversation = json_object_get_object_member (root, "conversation");
  g_assert_cmpint (json_object_get_int_member (conversation, "id"), ==, fixture->trip);
  g_assert_cmpstr (json_object_get_string_member (conversation, "title"), ==, "Lisbon trip");
  g_assert_cmpstr (json_object_get_string_member (conversation, "team_name"), ==, "travel");
  messages = json_object_get_array_member (root, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  message = json_array_get_object_element (messages, 1);
  g_assert_cmpstr (json_object_get_string_member (message, "agent"), ==, "planner");
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, corpus[1].content);

  markdown = da_store_export_conversation (fixture->store, fixture->trip, DA_EXPORT_FORMAT_MARKDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (markdown, "# Lisbon trip\n"));
  g_assert_nonnull (strstr (markdown, corpus[3].content));

  g_assert_null (da_store_export_conversation (fixture->store, 999, DA_EXPORT_FORMAT_JSON, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("search/words", test_search_words);
  ADD ("search/phrases-and-prefix", test_search_phrases_and_prefix);
  ADD ("search/never-fails", test_search_never_fails);
  ADD ("search/limit", test_search_limit);
  ADD ("search/recent-window", test_search_window);
  ADD ("search/async", test_search_async);
  ADD ("load/async", test_load_async);
  ADD ("export", test_export);

#undef ADD

  return g_test_run ();
}
