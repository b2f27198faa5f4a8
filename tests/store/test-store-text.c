/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's pure functions: typed search text to FTS5 query, snippets,
 * stored tool calls, and export formatting. No database. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "da-store-all.h"
#include "da-store-private.h"

static void
test_fts_query (void)
{
  static const struct { const char *typed; const char *query; } cases[] = {
    { "hello", "\"hello\"*" },
    { "hello ", "\"hello\"" },
    { "  hello   world", "\"hello\" \"world\"*" },
    { "\"food tour\"", "\"food tour\"" },
    { "\"food tour", "\"food tour\"*" },
    { "say \"hi\"", "\"say\" \"hi\"" },
    { "a\"b", "\"a\" \"b\"" },
    { "a\"bcd", "\"a\" \"bcd\"*" },
    { "a\"b\"cde", "\"a\" \"b\" \"cde\"*" },
    { "x\"\"yz", "\"x\" \"yz\"" },
    { "hel", "\"hel\"*" },
    { "he", "\"he\"" },
    { "日本語", "\"日本語\"*" },
    { "AND OR NOT", "\"AND\" \"OR\" \"NOT\"*" },
    { "it's", "\"it's\"*" },
    { "content:lisbon", "\"content:lisbon\"*" },
    { "NEAR(a b)", "\"NEAR(a\" \"b)\"" },
    { "pastéis ", "\"pastéis\"" },
    { "***", NULL },
    { "\"", NULL },
    { "\"\"", NULL },
    { "- + ^ ( )", NULL },
    { "", NULL },
    { "   \t\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = _da_store_build_fts_query (cases[i].typed);

      g_test_message ("typed: %s", cases[i].typed);
      g_assert_cmpstr (query, ==, cases[i].query);
    }

  g_assert_null (_da_store_build_fts_query (NULL));

  /* Invalid UTF-8 comes out valid. */
  {
    g_autofree char *query = _da_store_build_fts_query ("ab\xff" "cd");

    g_assert_nonnull (query);
    g_assert_true (g_utf8_validate (query, -1, NULL));
  }
}

static void
test_snippet (void)
{
  static const struct { const char *marked; const char *plain; const char *markup; } cases[] = {
    { "no match", "no match", "no match" },
    { "a " DA_STORE_SNIPPET_OPEN "hit" DA_STORE_SNIPPET_CLOSE " b", "a hit b", "a <b>hit</b> b" },
    { DA_STORE_SNIPPET_OPEN "<x>&" DA_STORE_SNIPPET_CLOSE, "<x>&", "<b>&lt;x&gt;&amp;</b>" },
    { "cut " DA_STORE_SNIPPET_OPEN "open", "cut open", "cut <b>open</b>" },
    { "stray" DA_STORE_SNIPPET_CLOSE " close", "stray close", "stray close" },
    { "", "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *plain = NULL;
      g_autofree char *markup = NULL;

      _da_store_parse_snippet (cases[i].marked, &plain, &markup);
      g_assert_cmpstr (plain, ==, cases[i].plain);
      g_assert_cmpstr (markup, ==, cases[i].markup);
    }
}

static void
test_tool_calls_fixtures (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "store", "tool-calls", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint valid = 0, invalid = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) calls = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      calls = _da_store_tool_calls_from_json (contents, len, &error);
      g_test_message ("%s", name);

      if (g_str_has_prefix (name, "valid-"))
        {
          g_autofree char *again = NULL;
          g_autoptr(GPtrArray) reparsed = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (calls);
          /* What we write reads back the same. */
          again = _da_store_tool_calls_to_json (calls);
          reparsed = _da_store_tool_calls_from_json (again, -1, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (reparsed->len, ==, calls->len);
          for (guint i = 0; i < calls->len; i++)
            {
              DaToolCall *a = g_ptr_array_index (calls, i), *b = g_ptr_array_index (reparsed, i);

              g_assert_cmpstr (a->id, ==, b->id);
              g_assert_cmpstr (a->name, ==, b->name);
              g_assert_cmpstr (a->arguments, ==, b->arguments);
            }
          valid++;
        }
      else
        {
          g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT);
          g_assert_null (calls);
          g_assert_null (strchr (error->message, '\n'));
          invalid++;
        }
    }

  g_assert_cmpuint (valid, >=, 3);
  g_assert_cmpuint (invalid, >=, 5);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) calls = _da_store_tool_calls_from_json (
      "[{\"id\":\"call_1\",\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"~/x\\\"}\"}]", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (calls, 0))->arguments, ==, "{\"path\":\"~/x\"}");
  }
}

/* 2023-11-14T22:13:20Z plus a little. */
#define T0 G_GINT64_CONSTANT (1700000000000000)

static void
build_conversation (DaConversation **conversation,
                    GPtrArray      **messages)
{
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "read_file", "{\"path\":\"~/Trips/lisbon.md\"}");
  DaMessage *m;

  *conversation = da_conversation_new (7, "Trip to Lisbon", "travel");
  da_conversation_set_created_at (*conversation, T0);
  da_conversation_set_updated_at (*conversation, T0 + 4000000);
  da_conversation_set_pinned (*conversation, TRUE);
  *messages = g_ptr_array_new_with_free_func (g_object_unref);

  m = da_message_new (DA_ROLE_USER, "user", "Plan three days in **Lisbon**.");
  da_message_set_id (m, 1);
  da_message_set_created_at (m, T0 + 1000000);
  g_ptr_array_add (*messages, m);

  m = da_message_new (DA_ROLE_ASSISTANT, "planner", "Let me read your notes.");
  da_message_set_id (m, 2);
  da_message_set_created_at (m, T0 + 2000000);
  da_message_add_tool_call (m, call);
  da_message_set_usage (m, 100, 40);
  da_message_set_finish_reason (m, "tool_calls");
  g_ptr_array_add (*messages, m);

  m = da_message_new (DA_ROLE_TOOL, "planner", "```\nMust eat: pastéis de nata\n```");
  da_message_set_id (m, 3);
  da_message_set_created_at (m, T0 + 3000000);
  da_message_set_tool_call_id (m, "call_1");
  g_ptr_array_add (*messages, m);

  m = da_message_new (DA_ROLE_ASSISTANT, "planner", "Day one: Alfama and");
  da_message_set_id (m, 4);
  da_message_set_created_at (m, T0 + 4000123);
  da_message_set_state (m, DA_MESSAGE_STATE_INCOMPLETE);
  g_ptr_array_add (*messages, m);
}

static void
assert_matches_fixture (const char *text,
                        const char *fixture)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "store", fixture, NULL);
  g_autofree char *expected = NULL;

  g_assert_true (g_file_get_contents (path, &expected, NULL, NULL));
  g_assert_cmpstr (text, ==, expected);
}

static void
test_export_markdown (void)
{
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  build_conversation (&conversation, &messages);
  text = da_export_format (conversation, messages, DA_EXPORT_FORMAT_MARKDOWN, &error);
  g_assert_no_error (error);
  assert_matches_fixture (text, "export-expected.md");
}

static void
test_export_json (void)
{
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *message;
  JsonArray *calls;

  build_conversation (&conversation, &messages);
  text = da_export_format (conversation, messages, DA_EXPORT_FORMAT_JSON, &error);
  g_assert_no_error (error);
  assert_matches_fixture (text, "export-expected.json");

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "conversation"), "id"), ==, 7);
  message = json_array_get_object_element (json_object_get_array_member (root, "messages"), 1);
  calls = json_object_get_array_member (message, "tool_calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 0), "name"), ==, "read_file");
  g_assert_cmpint (json_object_get_int_member (message, "prompt_tokens"), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (message, "created_at"), ==, "2023-11-14T22:13:22Z");
}

static void
test_export_bad_format (void)
{
  g_autoptr(DaConversation) conversation = da_conversation_new (1, "x", NULL);
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  DaExportFormat format;

  g_assert_null (da_export_format (conversation, messages, (DaExportFormat)42, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);

  g_assert_true (da_export_format_from_string ("json", &format));
  g_assert_cmpint (format, ==, DA_EXPORT_FORMAT_JSON);
  g_assert_true (da_export_format_from_string ("markdown", &format));
  g_assert_cmpint (format, ==, DA_EXPORT_FORMAT_MARKDOWN);
  g_assert_false (da_export_format_from_string ("pdf", &format));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_conversation_object (void)
{
  g_autoptr(DaConversation) conversation = da_conversation_new (3, "t", "team");
  guint notified = 0;

  g_signal_connect_swapped (conversation, "notify", G_CALLBACK (count_cb), &notified);

  /* Setters notify on change only. */
  da_conversation_set_title (conversation, "t");
  g_assert_cmpuint (notified, ==, 0);
  da_conversation_set_title (conversation, "u");
  g_assert_cmpuint (notified, ==, 1);
  da_conversation_set_pinned (conversation, 2);
  g_assert_true (da_conversation_get_pinned (conversation));
  da_conversation_set_pinned (conversation, TRUE);
  g_assert_cmpuint (notified, ==, 2);
  g_object_set (conversation, "message-count", (gint64)5, NULL);
  g_assert_cmpint (da_conversation_get_message_count (conversation), ==, 5);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_cmpstr (da_conversation_get_team_name (conversation), ==, "team");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/text/fts-query", test_fts_query);
  g_test_add_func ("/store/text/snippet", test_snippet);
  g_test_add_func ("/store/text/tool-calls", test_tool_calls_fixtures);
  g_test_add_func ("/store/export/markdown", test_export_markdown);
  g_test_add_func ("/store/export/json", test_export_json);
  g_test_add_func ("/store/export/bad-format", test_export_bad_format);
  g_test_add_func ("/store/conversation/object", test_conversation_object);

  return g_test_run ();
}
