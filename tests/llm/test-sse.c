/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pure parsers of the llm layer, over the fixtures in tests/data/llm. */
#include "config.h"

#include "denoagents.h"
#include "da-llm-http-private.h"
#include "da-openai-body-private.h"
#include "da-openai-chunk-private.h"
#include "da-openai-stream-private.h"
#include "da-provider-factory.h"
#include "da-sse-parser-private.h"
#include "da-openai-provider.h"

static char *
read_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "llm", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static void
escape_into (GString    *out,
             const char *text,
             gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      switch (text[i])
        {
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default: g_string_append_c (out, text[i]); break;
        }
    }
}

static gboolean
record_event (const char  *event,
              const char  *data,
              gsize        data_len,
              const char  *id,
              gpointer     user_data,
              GError     **error)
{
  GString *out = user_data;

  g_assert_cmpuint (strlen (data), ==, data_len);
  g_string_append_printf (out, "%s\t%s\t", event, id != NULL ? id : "-");
  escape_into (out, data, data_len);
  g_string_append_c (out, '\n');
  return TRUE;
}

static char *
parse_pieces (const char *input,
              gsize       len,
              gsize       split,
              gboolean    bytewise,
              gint64     *retry)
{
  GString *out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);
  g_autoptr(GError) error = NULL;

  if (bytewise)
    {
      for (gsize i = 0; i < len; i++)
        {
          _da_sse_parser_feed (parser, input + i, 1, &error);
          g_assert_no_error (error);
        }
    }
  else
    {
      _da_sse_parser_feed (parser, input, split, &error);
      g_assert_no_error (error);
      _da_sse_parser_feed (parser, input + split, len - split, &error);
      g_assert_no_error (error);
    }
  _da_sse_parser_end (parser);
  if (retry != NULL)
    *retry = _da_sse_parser_get_retry (parser);

  return g_string_free (out, FALSE);
}

static void
check_sse_fixture (const char *base,
                   gint64      expected_retry)
{
  g_autofree char *sse_name = g_strconcat (base, ".sse", NULL);
  g_autofree char *events_name = g_strconcat (base, ".events", NULL);
  gsize len = 0;
  g_autofree char *input = read_fixture (sse_name, &len);
  g_autofree char *expected = read_fixture (events_name, NULL);
  g_autofree char *bytewise = NULL;
  gint64 retry = 0;

  for (gsize split = 0; split <= len; split++)
    {
      g_autofree char *got = parse_pieces (input, len, split, FALSE, &retry);

      g_assert_cmpstr (got, ==, expected);
      g_assert_cmpint (retry, ==, expected_retry);
    }

  bytewise = parse_pieces (input, len, 0, TRUE, NULL);
  g_assert_cmpstr (bytewise, ==, expected);
}

static void
test_sse_basic (void)
{
  check_sse_fixture ("sse-basic", 2500);
}

static void
test_sse_line_endings (void)
{
  check_sse_fixture ("sse-line-endings", -1);
}

static void
test_sse_crlf_split (void)
{
  /* A CR at the end of one read and its LF at the start of the next
   * make one line end, not two. */
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);
  g_autoptr(GError) error = NULL;

  g_assert_true (_da_sse_parser_feed (parser, "data: a\r", 8, &error));
  g_assert_true (_da_sse_parser_feed (parser, "\ndata: b\r", 9, &error));
  g_assert_true (_da_sse_parser_feed (parser, "\n\r", 2, &error));
  g_assert_true (_da_sse_parser_feed (parser, "\n", 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out->str, ==, "message\t-\ta\\nb\n");
  g_assert_cmpuint (_da_sse_parser_get_n_events (parser), ==, 1);
  g_assert_true (_da_sse_parser_end (parser));
}

static void
test_sse_not_bom (void)
{
  /* Bytes that start like a BOM but are not one stay in the line. */
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);
  g_autoptr(GError) error = NULL;

  g_assert_true (_da_sse_parser_feed (parser, "\xEF\xBB", 2, &error));
  g_assert_true (_da_sse_parser_feed (parser, "data: x\n\n", 9, &error));
  g_assert_no_error (error);
  /* The line is "\xEF\xBBdata: x": an unknown field, so no event. */
  g_assert_cmpstr (out->str, ==, "");
}

static void
test_sse_limit (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);
  g_autoptr(DaSseParser) parser2 = _da_sse_parser_new (record_event, out);
  g_autoptr(GError) error = NULL;
  char block[40];

  memset (block, 'x', sizeof block);
  _da_sse_parser_set_max_event_size (parser, 64);
  g_assert_true (_da_sse_parser_feed (parser, "data: ", 6, &error));
  g_assert_true (_da_sse_parser_feed (parser, block, sizeof block, &error));
  g_assert_false (_da_sse_parser_feed (parser, block, sizeof block, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* Many short data lines add up too. */
  _da_sse_parser_set_max_event_size (parser2, 64);
  for (guint i = 0; i < 5; i++)
    g_assert_true (_da_sse_parser_feed (parser2, "data: 0123456789\n", 17, &error));
  g_assert_false (_da_sse_parser_feed (parser2, "data: 0123456789\n", 17, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (out->str, ==, "");
}

static gboolean
refuse_event (const char  *event,
              const char  *data,
              gsize        data_len,
              const char  *id,
              gpointer     user_data,
              GError     **error)
{
  guint *count = user_data;

  (*count)++;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "refused");
  return FALSE;
}

static void
test_sse_callback_error (void)
{
  guint count = 0;
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (refuse_event, &count);
  g_autoptr(GError) error = NULL;
  const char *input = "data: 1\n\ndata: 2\n\n";

  g_assert_false (_da_sse_parser_feed (parser, input, strlen (input), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (count, ==, 1);
}

static void
test_sse_nul_event_name (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);
  static const char input[] = "event: \0x\ndata: a\n\n";

  g_assert_true (_da_sse_parser_feed (parser, input, sizeof input - 1, NULL));
  g_assert_cmpstr (out->str, ==, "message\t-\ta\n");
}

static void
test_sse_end (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (record_event, out);

  g_assert_true (_da_sse_parser_feed (parser, "data: 1\n\ndata: 2\n", 17, NULL));
  g_assert_false (_da_sse_parser_end (parser));
  g_assert_cmpstr (out->str, ==, "message\t-\t1\n");
  g_assert_true (_da_sse_parser_end (parser));
}

static void
parse_chunk_fixture (const char    *name,
                     DaOpenaiChunk *chunk)
{
  gsize len = 0;
  g_autofree char *data = read_fixture (name, &len);
  g_autoptr(GError) error = NULL;

  g_assert_true (_da_openai_chunk_parse (data, len, chunk, &error));
  g_assert_no_error (error);
}

static void
test_chunk_content (void)
{
  g_auto(DaOpenaiChunk) chunk = { 0 };

  parse_chunk_fixture ("chunk-content.json", &chunk);
  g_assert_cmpstr (chunk.content, ==, "Hi");
  g_assert_null (chunk.finish_reason);
  g_assert_null (chunk.tool_fragments);
  g_assert_false (chunk.has_usage);
  g_assert_false (chunk.has_error);
}

static void
test_chunk_tools (void)
{
  g_auto(DaOpenaiChunk) chunk = { 0 };
  DaOpenaiToolFragment *first;
  DaOpenaiToolFragment *second;

  parse_chunk_fixture ("chunk-tools.json", &chunk);
  g_assert_nonnull (chunk.tool_fragments);
  g_assert_cmpuint (chunk.tool_fragments->len, ==, 2);
  first = g_ptr_array_index (chunk.tool_fragments, 0);
  second = g_ptr_array_index (chunk.tool_fragments, 1);
  g_assert_cmpuint (first->index, ==, 2);
  g_assert_cmpstr (first->id, ==, "call_Z");
  g_assert_cmpstr (first->name, ==, "run");
  g_assert_cmpstr (first->arguments, ==, "{\"a\"");
  g_assert_cmpuint (second->index, ==, 3);
  g_assert_null (second->id);
  g_assert_null (second->name);
  g_assert_cmpstr (second->arguments, ==, "1}");
  g_assert_cmpstr (chunk.finish_reason, ==, "tool_calls");
  g_assert_null (chunk.content);
}

static void
test_chunk_usage (void)
{
  g_auto(DaOpenaiChunk) chunk = { 0 };

  parse_chunk_fixture ("chunk-usage.json", &chunk);
  g_assert_true (chunk.has_usage);
  g_assert_cmpint (chunk.prompt_tokens, ==, 7);
  g_assert_cmpint (chunk.completion_tokens, ==, 3);
  g_assert_null (chunk.content);
  g_assert_null (chunk.finish_reason);
}

static void
test_chunk_error (void)
{
  g_auto(DaOpenaiChunk) chunk = { 0 };
  g_auto(DaOpenaiChunk) chunk2 = { 0 };

  parse_chunk_fixture ("chunk-error.json", &chunk);
  g_assert_true (chunk.has_error);
  g_assert_cmpstr (chunk.error_type, ==, "insufficient_quota");
  g_assert_cmpstr (chunk.error_code, ==, "insufficient_quota");
  g_assert_true (g_str_has_prefix (chunk.error_message, "You exceeded your current quota"));

  parse_chunk_fixture ("chunk-error-string.json", &chunk2);
  g_assert_true (chunk2.has_error);
  g_assert_cmpstr (chunk2.error_message, ==, "model \"llama9\" not found, try pulling it first");
  g_assert_null (chunk2.error_code);
}

static void
test_chunk_unknown (void)
{
  g_auto(DaOpenaiChunk) chunk = { 0 };

  parse_chunk_fixture ("chunk-unknown.json", &chunk);
  g_assert_cmpstr (chunk.content, ==, "x");
  g_assert_false (chunk.has_usage);
  g_assert_false (chunk.has_error);
}

static void
test_chunk_invalid (void)
{
  const char *names[] = { "chunk-invalid.json", "chunk-not-object.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(DaOpenaiChunk) chunk = { 0 };
      g_autoptr(GError) error = NULL;
      gsize len = 0;
      g_autofree char *data = read_fixture (names[i], &len);

      g_assert_false (_da_openai_chunk_parse (data, len, &chunk, &error));
      g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
    }

  {
    g_auto(DaOpenaiChunk) chunk = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (_da_openai_chunk_parse ("{\"a\":\"\xff\"}", 10, &chunk, &error));
    g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  }
}

/* The chunk reader reads JSON in place: escapes, duplicates, numbers and
 * what it must refuse. */
static void
test_chunk_json (void)
{
  const char *invalid[] = {
    "", "   ", "{", "{\"a\":1,}", "{\"a\":1} x", "{\"a\" 1}", "{a:1}", "{\"a\":01}",
    "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
    "{\"a\":\"open}", "{\"a\":tru}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{'a':1}",
    "{\"a\":1}{\"b\":2}", "\"text\"", "42", "null",
  };
  g_autoptr(GString) deep = g_string_new ("{\"a\":");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_auto(DaOpenaiChunk) chunk = { 0 };
      g_autoptr(GError) error = NULL;

      if (_da_openai_chunk_parse (invalid[i], strlen (invalid[i]), &chunk, &error))
        g_error ("accepted %s", invalid[i]);
      g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
    }

  /* Nesting beyond what any server sends is refused, not recursed into. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  {
    g_auto(DaOpenaiChunk) chunk = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (_da_openai_chunk_parse (deep->str, deep->len, &chunk, &error));
    g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  }

  {
    const char *text =
      " {\"choices\" : [ {\"delta\":{\"content\":\"first\"}} ],\n"
      "  \"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":"
      "\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83c\\udf27 \\ud800 x\\u0000y\tz\","
      "\"tool_calls\":[1,{\"function\":{\"name\":\"n\",\"arguments\":\"{}\"}},"
      "{\"index\":7.0,\"id\":\"c\"},{\"index\":-3}]}},{\"delta\":{\"content\":\"second\"}}],"
      "\"usage\":{\"prompt_tokens\":12.7,\"completion_tokens\":-4,\"total_tokens\":1e3},"
      "\"error\":null, \"extra\":{\"deep\":[[[{\"error\":\"not this one\"}]]]}} \r\n";
    g_auto(DaOpenaiChunk) chunk = { 0 };
    g_autoptr(GError) error = NULL;
    const DaOpenaiToolFragment *fragment;

    g_assert_true (_da_openai_chunk_parse (text, strlen (text), &chunk, &error));
    g_assert_no_error (error);
    /* The last "choices" counts; of it, the first choice. */
    g_assert_cmpstr (chunk.content, ==,
                     "\"q\" \\ / \b\f\n\r\t \xc3\xa9 \xf0\x9f\x8c\xa7 \xef\xbf\xbd x\xef\xbf\xbdy\tz");
    g_assert_cmpstr (chunk.finish_reason, ==, "stop");
    g_assert_cmpuint (chunk.tool_fragments->len, ==, 3);
    fragment = g_ptr_array_index (chunk.tool_fragments, 0);
    g_assert_cmpuint (fragment->index, ==, 1);   /* no index: its place */
    g_assert_cmpstr (fragment->name, ==, "n");
    g_assert_cmpstr (fragment->arguments, ==, "{}");
    g_assert_null (fragment->id);
    fragment = g_ptr_array_index (chunk.tool_fragments, 1);
    g_assert_cmpuint (fragment->index, ==, 2);   /* 7.0 is not an integer */
    g_assert_cmpstr (fragment->id, ==, "c");
    g_assert_null (fragment->name);
    fragment = g_ptr_array_index (chunk.tool_fragments, 2);
    g_assert_cmpuint (fragment->index, ==, 0);
    g_assert_true (chunk.has_usage);
    g_assert_cmpint (chunk.prompt_tokens, ==, 12);
    g_assert_cmpint (chunk.completion_tokens, ==, 0);
    g_assert_false (chunk.has_error);
  }

  {
    const char *text = "{\"error\":{\"message\":\"m\\u00fc\",\"type\":null,\"code\":429,"
                       "\"\\u0074ype\":\"rate_limit\"},\"choices\":[],\"usage\":null}";
    g_auto(DaOpenaiChunk) chunk = { 0 };

    g_assert_true (_da_openai_chunk_parse (text, strlen (text), &chunk, NULL));
    g_assert_true (chunk.has_error);
    g_assert_cmpstr (chunk.error_message, ==, "m\xc3\xbc");
    g_assert_cmpstr (chunk.error_type, ==, "rate_limit");   /* an escaped key is the same key */
    g_assert_cmpstr (chunk.error_code, ==, "429");
    g_assert_false (chunk.has_usage);
    g_assert_null (chunk.content);
  }

  {
    const char *text = "{\"error\":[\"odd\"]}";
    g_auto(DaOpenaiChunk) chunk = { 0 };

    g_assert_true (_da_openai_chunk_parse (text, strlen (text), &chunk, NULL));
    g_assert_true (chunk.has_error);
    g_assert_null (chunk.error_message);
  }
}

typedef struct
{
  GString *text;
  GString *tool_deltas;
  guint    n_text;
  guint    n_tool;
} Seen;

static void
on_delta (DaMessage  *message,
          const char *text,
          Seen       *seen)
{
  g_string_append (seen->text, text);
  seen->n_text++;
}

static void
on_tool_delta (DaMessage  *message,
               guint       index,
               const char *id,
               const char *name,
               const char *arguments,
               Seen       *seen)
{
  g_string_append_printf (seen->tool_deltas, "%u:%s:%s:%s|", index,
                          id ? id : "", name ? name : "", arguments ? arguments : "");
  seen->n_tool++;
}

/* Decodes a whole stream fixture, split in two at @split. */
static gboolean
decode_fixture (const char  *name,
                gsize        split,
                DaMessage   *reply,
                Seen        *seen,
                GError     **error)
{
  gsize len = 0;
  g_autofree char *data = read_fixture (name, &len);
  g_autoptr(DaOpenaiStream) stream = _da_openai_stream_new (reply, NULL);

  split = MIN (split, len);
  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), seen);
  g_signal_connect (reply, "tool-call-delta", G_CALLBACK (on_tool_delta), seen);
  if (!_da_openai_stream_feed (stream, data, split, error) ||
      !_da_openai_stream_feed (stream, data + split, len - split, error))
    return FALSE;
  return _da_openai_stream_finish (stream, error);
}

static void
seen_clear (Seen *seen)
{
  g_string_free (seen->text, TRUE);
  g_string_free (seen->tool_deltas, TRUE);
}

static void
test_stream_text (void)
{
  for (gsize split = 0; split < 1600; split += 7)
    {
      g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
      g_autoptr(GError) error = NULL;
      Seen seen = { g_string_new (NULL), g_string_new (NULL), 0, 0 };

      g_assert_true (decode_fixture ("openai-text.sse", split, reply, &seen, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (da_message_get_content (reply), ==, "Hello, wörld!\n\"quoted\" é");
      g_assert_cmpstr (seen.text->str, ==, da_message_get_content (reply));
      g_assert_cmpuint (seen.n_text, ==, 3);
      g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
      g_assert_cmpint (da_message_get_prompt_tokens (reply), ==, 12);
      g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 5);
      g_assert_cmpuint (da_message_get_tool_calls (reply)->len, ==, 0);
      g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_STREAMING);
      seen_clear (&seen);
    }
}

static void
test_stream_tools (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), g_string_new (NULL), 0, 0 };
  GPtrArray *calls;
  DaToolCall *call;

  g_assert_true (decode_fixture ("openai-tools.sse", 333, reply, &seen, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (reply), ==, "");
  g_assert_cmpstr (seen.tool_deltas->str, ==,
                   "0:call_A:get_weather:|0:::{\"city\": |1:call_B:read_file:|"
                   "1:::{\"path\"|0:::\"Paris\"}|1:::: \"/tmp/a\"}|");
  calls = da_message_get_tool_calls (reply);
  g_assert_cmpuint (calls->len, ==, 2);
  call = g_ptr_array_index (calls, 0);
  g_assert_cmpstr (call->id, ==, "call_A");
  g_assert_cmpstr (call->name, ==, "get_weather");
  g_assert_cmpstr (call->arguments, ==, "{\"city\": \"Paris\"}");
  call = g_ptr_array_index (calls, 1);
  g_assert_cmpstr (call->id, ==, "call_B");
  g_assert_cmpstr (call->name, ==, "read_file");
  g_assert_cmpstr (call->arguments, ==, "{\"path\": \"/tmp/a\"}");
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "tool_calls");
  g_assert_cmpint (da_message_get_prompt_tokens (reply), ==, 80);
  seen_clear (&seen);
}

static void
test_stream_tools_no_index (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), g_string_new (NULL), 0, 0 };
  GPtrArray *calls;
  DaToolCall *call;

  g_assert_true (decode_fixture ("openai-tools-no-index.sse", 100, reply, &seen, &error));
  g_assert_no_error (error);
  calls = da_message_get_tool_calls (reply);
  g_assert_cmpuint (calls->len, ==, 3);
  call = g_ptr_array_index (calls, 0);
  g_assert_cmpstr (call->id, ==, "call_one");
  g_assert_cmpstr (call->arguments, ==, "{\"path\":\"a\"}");
  call = g_ptr_array_index (calls, 1);
  g_assert_cmpstr (call->id, ==, "call_two");
  g_assert_cmpstr (call->arguments, ==, "{\"path\":\"b\"}");
  call = g_ptr_array_index (calls, 2);
  g_assert_cmpstr (call->id, ==, "call_2");
  g_assert_cmpstr (call->name, ==, "list_dir");
  g_assert_cmpstr (call->arguments, ==, "{}");
  g_assert_cmpstr (seen.tool_deltas->str, ==,
                   "0:call_one:read_file:{\"path\":\"a\"}|1:call_two:read_file:{\"path\":\"b\"}|2::list_dir:{}|");
  seen_clear (&seen);
}

static void
test_stream_error_payload (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), g_string_new (NULL), 0, 0 };

  g_assert_false (decode_fixture ("openai-error.sse", 10, reply, &seen, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "The server had an error while processing your request."));
  g_assert_cmpstr (da_message_get_content (reply), ==, "Partial");
  g_assert_null (da_message_get_finish_reason (reply));
  seen_clear (&seen);
}

static void
test_stream_cut (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
  g_autoptr(GError) error = NULL;
  Seen seen = { g_string_new (NULL), g_string_new (NULL), 0, 0 };

  g_assert_false (decode_fixture ("openai-cut.sse", 50, reply, &seen, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CONNECTION);
  g_assert_cmpstr (error->message, ==, "connection closed before the reply was complete");
  g_assert_cmpstr (da_message_get_content (reply), ==, "Cut here");
  seen_clear (&seen);
}

static void
test_stream_payload_codes (void)
{
  struct { const char *payload; DaLlmError code; } cases[] = {
    { "data: {\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n", DA_LLM_ERROR_RATE_LIMITED },
    { "data: {\"error\":{\"message\":\"pay\",\"type\":\"insufficient_quota\",\"code\":null}}\n\n", DA_LLM_ERROR_QUOTA_EXCEEDED },
    { "data: {\"error\":{\"message\":\"boom\"}}\n\n", DA_LLM_ERROR_PROVIDER },
    { "event: error\ndata: overloaded\n\n", DA_LLM_ERROR_PROVIDER },
    { "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]\n\n", DA_LLM_ERROR_BAD_RESPONSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DaMessage) reply = da_message_new_streaming ("a");
      g_autoptr(DaOpenaiStream) stream = _da_openai_stream_new (reply, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_false (_da_openai_stream_feed (stream, cases[i].payload, strlen (cases[i].payload), &error));
      g_assert_error (error, DA_LLM_ERROR, (gint)cases[i].code);
      g_assert_false (_da_openai_stream_has_output (stream));
    }
}

static void
test_http_retry_after (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 5, 1, 12, 0, 0);

  g_assert_cmpint (_da_llm_parse_retry_after ("1500", "9", now), ==, 1500);
  g_assert_cmpint (_da_llm_parse_retry_after ("12.7", NULL, now), ==, 12);
  g_assert_cmpint (_da_llm_parse_retry_after (NULL, "2", now), ==, 2000);
  g_assert_cmpint (_da_llm_parse_retry_after (NULL, "0.25", now), ==, 250);
  g_assert_cmpint (_da_llm_parse_retry_after (NULL, "Wed, 01 May 2024 12:00:30 GMT", now), ==, 30000);
  g_assert_cmpint (_da_llm_parse_retry_after (NULL, "Wed, 01 May 2024 11:00:00 GMT", now), ==, 0);
  g_assert_cmpint (_da_llm_parse_retry_after ("soon", "later", now), ==, -1);
  g_assert_cmpint (_da_llm_parse_retry_after ("-5", "-1", now), ==, -1);
  g_assert_cmpint (_da_llm_parse_retry_after (NULL, NULL, now), ==, -1);
}

static void
test_http_backoff (void)
{
  g_assert_cmpuint (_da_llm_backoff_ms (0, 0.0), ==, 375);
  g_assert_cmpuint (_da_llm_backoff_ms (0, 0.5), ==, 500);
  g_assert_cmpuint (_da_llm_backoff_ms (0, 1.0), ==, 625);
  g_assert_cmpuint (_da_llm_backoff_ms (2, 0.5), ==, 2000);
  g_assert_cmpuint (_da_llm_backoff_ms (4, 0.0), ==, 6000);
  g_assert_cmpuint (_da_llm_backoff_ms (4, 0.99), ==, 8000);
  g_assert_cmpuint (_da_llm_backoff_ms (30, 0.5), ==, 8000);
}

static void
test_http_redact (void)
{
  g_autoptr(DaProvider) provider = da_openai_provider_new ("http://127.0.0.1:1/v1");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  da_provider_set_api_key (provider, "local-secret-key");
  a = _da_llm_redact (provider, "Incorrect API key provided: local-secret-key.\nTry again");
  g_assert_cmpstr (a, ==, "Incorrect API key provided: [REDACTED]. Try again");
  b = _da_llm_redact (NULL, "key sk-proj-AbC123xyz_456 and Authorization: Bearer abc.def-ghi");
  g_assert_cmpstr (b, ==, "key [REDACTED] and Authorization: Bearer [REDACTED]");
  c = _da_llm_redact (NULL, "task-runner sk-1 is fine");
  g_assert_cmpstr (c, ==, "task-runner sk-1 is fine");
  d = _da_llm_redact (NULL, "bad \xff utf8");
  g_assert_true (g_utf8_validate (d, -1, NULL));
}

static void
test_http_status_codes (void)
{
  g_assert_cmpint (_da_llm_error_code_for_status (401, NULL, "invalid_api_key"), ==, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_cmpint (_da_llm_error_code_for_status (403, NULL, NULL), ==, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_cmpint (_da_llm_error_code_for_status (404, NULL, NULL), ==, DA_LLM_ERROR_NOT_FOUND);
  g_assert_cmpint (_da_llm_error_code_for_status (400, NULL, NULL), ==, DA_LLM_ERROR_INVALID_REQUEST);
  g_assert_cmpint (_da_llm_error_code_for_status (422, NULL, NULL), ==, DA_LLM_ERROR_INVALID_REQUEST);
  g_assert_cmpint (_da_llm_error_code_for_status (429, "requests", NULL), ==, DA_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpint (_da_llm_error_code_for_status (429, "insufficient_quota", NULL), ==, DA_LLM_ERROR_QUOTA_EXCEEDED);
  g_assert_cmpint (_da_llm_error_code_for_status (503, NULL, NULL), ==, DA_LLM_ERROR_SERVER);
  g_assert_cmpint (_da_llm_error_code_for_status (408, NULL, NULL), ==, DA_LLM_ERROR_TIMEOUT);
  g_assert_true (_da_llm_status_is_retryable (408));
  g_assert_true (_da_llm_status_is_retryable (409));
  g_assert_true (_da_llm_status_is_retryable (429));
  g_assert_true (_da_llm_status_is_retryable (500));
  g_assert_true (_da_llm_status_is_retryable (599));
  g_assert_false (_da_llm_status_is_retryable (400));
  g_assert_false (_da_llm_status_is_retryable (401));
  g_assert_false (_da_llm_status_is_retryable (403));
  g_assert_false (_da_llm_status_is_retryable (404));
}

static void
test_body_names (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "planner", "planner" },
    { "Travel Planner!", "Travel_Planner_" },
    { "été-1", "_t_-1" },
    { "a.b/c", "a_b_c" },
  };
  g_autofree char *long_name = g_strnfill (100, 'x');
  g_autofree char *cut = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = _da_openai_sanitize_name (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  g_assert_null (_da_openai_sanitize_name (""));
  g_assert_null (_da_openai_sanitize_name (NULL));
  cut = _da_openai_sanitize_name (long_name);
  g_assert_cmpuint (strlen (cut), ==, 64);
}

static void
test_body_request (void)
{
  g_autoptr(DaRequest) request = da_request_new (NULL);
  g_autoptr(DaMessage) system = da_message_new (DA_ROLE_SYSTEM, "sys", "Be brief.");
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "Ann Lee", "Weather?");
  g_autoptr(DaMessage) assistant = da_message_new (DA_ROLE_ASSISTANT, "planner", NULL);
  g_autoptr(DaMessage) tool = da_message_new (DA_ROLE_TOOL, "get_weather", "{\"t\":21}");
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "get_weather", "{\"city\":\"Paris\"}");
  g_autoptr(JsonNode) tools = json_from_string ("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *messages;
  JsonObject *m;

  da_message_add_tool_call (assistant, call);
  da_message_set_tool_call_id (tool, "call_1");
  da_request_add_message (request, system);
  da_request_add_message (request, user);
  da_request_add_message (request, assistant);
  da_request_add_message (request, tool);
  da_request_set_tools (request, tools);
  request->temperature = 0.5;
  request->max_tokens = 100;

  g_assert_null (_da_openai_build_request (request, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  bytes = _da_openai_build_request (request, "gpt-4o-mini", &error);
  g_assert_no_error (error);
  body = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);
  root = json_node_get_object (body);
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "gpt-4o-mini");
  g_assert_true (json_object_get_boolean_member (root, "stream"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (root, "stream_options"), "include_usage"));
  g_assert_cmpfloat (json_object_get_double_member (root, "temperature"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (root, "max_tokens"), ==, 100);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "tools")), ==, 1);

  messages = json_object_get_array_member (root, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  m = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "system");
  g_assert_false (json_object_has_member (m, "name"));
  m = json_array_get_object_element (messages, 1);
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "Ann_Lee");
  g_assert_cmpstr (json_object_get_string_member (m, "content"), ==, "Weather?");
  m = json_array_get_object_element (messages, 2);
  g_assert_true (json_object_get_null_member (m, "content"));
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "planner");
  m = json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (m, "tool_calls"), 0), "function");
  g_assert_cmpstr (json_object_get_string_member (m, "arguments"), ==, "{\"city\":\"Paris\"}");
  m = json_array_get_object_element (messages, 3);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "tool");
  g_assert_cmpstr (json_object_get_string_member (m, "tool_call_id"), ==, "call_1");
  g_assert_false (json_object_has_member (m, "name"));
}

/* The body as a JsonBuilder wrote it before bodies were put together
 * from each message's kept encoding: the new one must match it byte for
 * byte. */
static void
reference_add_message (JsonBuilder *builder,
                       DaMessage   *message,
                       DaRole       role)
{
  GPtrArray *calls = da_message_get_tool_calls (message);
  const char *content = da_message_get_content (message);
  gboolean has_calls = role == DA_ROLE_ASSISTANT && calls->len > 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, da_role_to_string (role));
  json_builder_set_member_name (builder, "content");
  if (has_calls && *content == '\0')
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, content);
  if (role == DA_ROLE_USER || role == DA_ROLE_ASSISTANT)
    {
      g_autofree char *name = _da_openai_sanitize_name (da_message_get_sender (message));

      if (name != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, name);
        }
    }
  if (has_calls)
    {
      json_builder_set_member_name (builder, "tool_calls");
      json_builder_begin_array (builder);
      for (guint i = 0; i < calls->len; i++)
        {
          const DaToolCall *call = g_ptr_array_index (calls, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, call->id);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "function");
          json_builder_set_member_name (builder, "function");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, call->name);
          json_builder_set_member_name (builder, "arguments");
          json_builder_add_string_value (builder, call->arguments);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  if (role == DA_ROLE_TOOL)
    {
      json_builder_set_member_name (builder, "tool_call_id");
      json_builder_add_string_value (builder, da_message_get_tool_call_id (message) ?: "");
    }
  json_builder_end_object (builder);
}

static char *
reference_body (DaRequest  *request,
                const char *model)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  if (request->model != NULL)
    model = request->model;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->messages->len; i++)
    reference_add_message (builder, g_ptr_array_index (request->messages, i),
                           da_request_get_role (request, i));
  json_builder_end_array (builder);
  if (request->tools != NULL && json_array_get_length (json_node_get_array (request->tools)) > 0)
    {
      json_builder_set_member_name (builder, "tools");
      json_builder_add_value (builder, json_node_copy (request->tools));
    }
  if (request->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, request->temperature);
    }
  if (request->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, request->max_tokens);
    }
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "stream_options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "include_usage");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
assert_body_matches (DaRequest  *request,
                     const char *model)
{
  g_autoptr(GBytes) bytes = _da_openai_build_request (request, model, NULL);
  g_autofree char *expected = reference_body (request, model);
  g_autofree char *got = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpstr (got, ==, expected);
}

static void
test_body_bytes (void)
{
  g_autoptr(DaRequest) request = da_request_new ("m\"odel");
  g_autoptr(DaMessage) system = da_message_new (DA_ROLE_SYSTEM, "sys", "Be brief.\n\tNo \"quotes\" \\ here.");
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "Ann Lee", "Wetter in München? \xe2\x80\xa8 \xf0\x9f\x8c\xa7 </script>");
  g_autoptr(DaMessage) peer = da_message_new (DA_ROLE_ASSISTANT, "critic", "Looks good.");
  g_autoptr(DaMessage) calls = da_message_new (DA_ROLE_ASSISTANT, "planner", NULL);
  g_autoptr(DaMessage) tool = da_message_new (DA_ROLE_TOOL, "get_weather", "{\"t\":21}\r\n");
  g_autoptr(DaMessage) nameless = da_message_new (DA_ROLE_USER, "\xc3\xa9\xc3\xa9", "x");
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "get_weather", "{\"city\":\"Paris\"}");
  g_autoptr(DaToolCall) call2 = da_tool_call_new ("call_2", "list", "{}");
  g_autoptr(JsonNode) tools = json_from_string ("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Ünïcode \\u001f\",\"parameters\":{\"type\":\"object\",\"n\":1.5}}}]", NULL);
  g_autoptr(GString) controls = g_string_new (NULL);

  /* Every ASCII character but NUL, and U+001F, which json-glib leaves
   * raw (invalid JSON) and we escape. */
  for (int c = 1; c < 0x80; c++)
    if (c != 0x1f)
      g_string_append_c (controls, (char)c);
  da_message_set_content (peer, controls->str);

  da_message_add_tool_call (calls, call);
  da_message_set_tool_call_id (tool, "call_1");
  da_request_add_message (request, system);
  da_request_add_message (request, user);
  da_request_add_message_as (request, peer, DA_ROLE_USER);
  da_request_add_message (request, calls);
  da_request_add_message_as (request, calls, DA_ROLE_USER);
  da_request_add_message (request, tool);
  da_request_add_message (request, nameless);
  assert_body_matches (request, "ignored");

  da_request_set_tools (request, tools);
  request->temperature = 0.7;
  request->max_tokens = 4096;
  assert_body_matches (request, NULL);

  /* A message's kept encoding follows every change to it. */
  da_message_append_text (peer, " More.", -1);
  da_message_set_content (user, "Changed.");
  da_message_set_sender (calls, "planner two");
  da_message_add_tool_call (calls, call2);
  da_message_set_tool_call_id (tool, "call_2");
  da_message_set_role (nameless, DA_ROLE_ASSISTANT);
  assert_body_matches (request, NULL);
  da_message_set_content (calls, "Calling.");
  assert_body_matches (request, NULL);

  /* U+001F: escaped, so the body is valid JSON. */
  {
    g_autoptr(DaRequest) other = da_request_new ("m");
    g_autoptr(DaMessage) unit = da_message_new (DA_ROLE_USER, NULL, "a\x1f" "b");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) error = NULL;

    da_request_add_message (other, unit);
    bytes = _da_openai_build_request (other, NULL, NULL);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    "\"a\\u001fb\""));
    node = json_from_string (g_bytes_get_data (bytes, NULL), &error);
    g_assert_no_error (error);
  }
}

static void
test_body_models (void)
{
  gsize len = 0;
  g_autofree char *data = read_fixture ("models.json", &len);
  g_auto(GStrv) ids = NULL;
  g_autoptr(GError) error = NULL;

  ids = _da_openai_parse_models (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, "dall-e-3");
  g_assert_cmpstr (ids[1], ==, "gpt-3.5-turbo");
  g_assert_cmpstr (ids[2], ==, "gpt-4o");

  {
    gsize odd_len = 0;
    g_autofree char *odd = read_fixture ("models-odd-ids.json", &odd_len);
    g_auto(GStrv) odd_ids = _da_openai_parse_models (odd, odd_len, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (odd_ids), ==, 1);
    g_assert_cmpstr (odd_ids[0], ==, "ok");
  }

  g_assert_null (_da_openai_parse_models ("{\"object\":\"list\"}", 17, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
}

static void
test_factory (void)
{
  const char * const *kinds = da_provider_get_kinds ();
  g_autoptr(DaProvider) openai = NULL;
  g_autoptr(DaProvider) ollama = NULL;
  g_autoptr(DaProvider) custom = NULL;
  g_autoptr(DaProvider) anthropic = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_strv_contains (kinds, "openai"));
  g_assert_true (g_strv_contains (kinds, "ollama"));

  openai = da_provider_new_for_kind ("openai", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_provider_get_kind (openai), ==, "openai");
  g_assert_cmpstr (da_provider_get_base_url (openai), ==, "https://api.openai.com/v1");
  g_assert_cmpuint (da_provider_get_timeout (openai), ==, 60);
  g_assert_cmpuint (da_provider_get_max_retries (openai), ==, 3);

  ollama = da_provider_new_for_kind ("ollama", "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_provider_get_base_url (ollama), ==, "http://127.0.0.1:11434/v1");

  custom = da_provider_new_for_kind ("openai", "http://localhost:8080/v1/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_provider_get_base_url (custom), ==, "http://localhost:8080/v1");

  anthropic = da_provider_new_for_kind ("anthropic", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains (kinds, "anthropic"));
  g_assert_cmpstr (da_provider_get_kind (anthropic), ==, "anthropic");
  g_assert_cmpstr (da_provider_get_base_url (anthropic), ==, "https://api.anthropic.com/v1");

  g_assert_false (g_strv_contains (kinds, "gemini"));
  g_assert_null (da_provider_new_for_kind ("gemini", NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "provider kind 'gemini' is not supported yet");
  g_clear_error (&error);

  g_assert_null (da_provider_new_for_kind ("skynet", NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "unknown provider kind 'skynet'");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/llm/sse/basic", test_sse_basic);
  g_test_add_func ("/llm/sse/line-endings", test_sse_line_endings);
  g_test_add_func ("/llm/sse/crlf-split", test_sse_crlf_split);
  g_test_add_func ("/llm/sse/not-bom", test_sse_not_bom);
  g_test_add_func ("/llm/sse/limit", test_sse_limit);
  g_test_add_func ("/llm/sse/callback-error", test_sse_callback_error);
  g_test_add_func ("/llm/sse/end", test_sse_end);
  g_test_add_func ("/llm/sse/nul-event-name", test_sse_nul_event_name);
  g_test_add_func ("/llm/chunk/content", test_chunk_content);
  g_test_add_func ("/llm/chunk/tools", test_chunk_tools);
  g_test_add_func ("/llm/chunk/usage", test_chunk_usage);
  g_test_add_func ("/llm/chunk/error", test_chunk_error);
  g_test_add_func ("/llm/chunk/unknown", test_chunk_unknown);
  g_test_add_func ("/llm/chunk/invalid", test_chunk_invalid);
  g_test_add_func ("/llm/chunk/json", test_chunk_json);
  g_test_add_func ("/llm/stream/text", test_stream_text);
  g_test_add_func ("/llm/stream/tools", test_stream_tools);
  g_test_add_func ("/llm/stream/tools-no-index", test_stream_tools_no_index);
  g_test_add_func ("/llm/stream/error-payload", test_stream_error_payload);
  g_test_add_func ("/llm/stream/cut", test_stream_cut);
  g_test_add_func ("/llm/stream/payload-codes", test_stream_payload_codes);
  g_test_add_func ("/llm/http/retry-after", test_http_retry_after);
  g_test_add_func ("/llm/http/backoff", test_http_backoff);
  g_test_add_func ("/llm/http/redact", test_http_redact);
  g_test_add_func ("/llm/http/status-codes", test_http_status_codes);
  g_test_add_func ("/llm/body/names", test_body_names);
  g_test_add_func ("/llm/body/request", test_body_request);
  g_test_add_func ("/llm/body/bytes", test_body_bytes);
  g_test_add_func ("/llm/body/models", test_body_models);
  g_test_add_func ("/llm/factory", test_factory);

  return g_test_run ();
}
