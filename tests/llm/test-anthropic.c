/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Anthropic provider: the request body, the event decoder over the
 * fixtures in tests/data/llm, and DaAnthropicProvider against the
 * loopback server tests/support/da-anthropic-test-server, which checks
 * requests the way the real API does. */
#include "config.h"

#include <string.h>

#include "denoagents.h"
#include "da-anthropic-body-private.h"
#include "da-anthropic-event-private.h"
#include "da-anthropic-stream-private.h"
#include "da-llm-http-private.h"

#define TEST_KEY "sk-ant-api03-TestSecret1234567890"

static GSubprocess *server;
static guint server_port;

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

static JsonObject *
build_body (DaRequest *request,
            JsonNode **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = _da_anthropic_build_request (request, "claude-test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (*keep);
  return json_node_get_object (*keep);
}

static JsonObject *
message_at (JsonObject *body,
            guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (body, "messages"), i);
}

static JsonObject *
block_at (JsonObject *message,
          guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (message, "content"), i);
}

static void
test_body_basic (void)
{
  g_autoptr(DaRequest) request = da_request_new (NULL);
  g_autoptr(DaMessage) system = da_message_new (DA_ROLE_SYSTEM, "planner", "You plan.");
  g_autoptr(DaMessage) system2 = da_message_new (DA_ROLE_SYSTEM, "manager", "Be brief.");
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "Ann Lee", "Hello?");
  g_autoptr(DaMessage) user2 = da_message_new (DA_ROLE_USER, "critic", "And?");
  g_autoptr(DaMessage) empty = da_message_new (DA_ROLE_USER, "critic", "");
  g_autoptr(DaMessage) assistant = da_message_new (DA_ROLE_ASSISTANT, "planner", "Hi.");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  JsonObject *m;

  da_request_add_message (request, system);
  da_request_add_message (request, user);
  da_request_add_message (request, system2);
  da_request_add_message (request, user2);
  da_request_add_message (request, empty);
  da_request_add_message (request, assistant);

  body = build_body (request, &node);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "claude-test");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 4096);
  g_assert_cmpstr (json_object_get_string_member (body, "system"), ==, "You plan.\n\nBe brief.");
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_has_member (body, "temperature"));
  g_assert_false (json_object_has_member (body, "tools"));

  /* Two user messages make one user turn; the empty one is left out. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 2);
  m = message_at (body, 0);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "content")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 0), "text"), ==, "Hello?");
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 1), "text"), ==, "And?");
  m = message_at (body, 1);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (m, "content"), ==, "Hi.");
  g_clear_pointer (&node, json_node_unref);

  request->max_tokens = 77;
  request->temperature = 0.25;
  g_free (request->model);
  request->model = g_strdup ("claude-other");
  body = build_body (request, &node);
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 77);
  g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 0.25);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "claude-other");
  g_clear_pointer (&node, json_node_unref);

  g_clear_pointer (&request->model, g_free);
  g_assert_null (_da_anthropic_build_request (request, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
}

/* In a team, an agent sends its peers' replies as user messages without
 * copying them: the request, not the message, says which role they go in. */
static void
test_body_peer_roles (void)
{
  g_autoptr(DaRequest) request = da_request_new ("claude-test");
  g_autoptr(DaMessage) task = da_message_new (DA_ROLE_USER, "user", "Plan a trip.");
  g_autoptr(DaMessage) mine = da_message_new (DA_ROLE_ASSISTANT, "planner", "Day 1: Rome.");
  g_autoptr(DaMessage) peer = da_message_new (DA_ROLE_ASSISTANT, "critic", "Too short.");
  g_autoptr(DaMessage) peer_system = da_message_new (DA_ROLE_SYSTEM, "manager", "Not a system prompt here.");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body;
  JsonObject *m;

  da_request_add_message (request, task);
  da_request_add_message (request, mine);
  da_request_add_message_as (request, peer, DA_ROLE_USER);
  da_request_add_message_as (request, peer_system, DA_ROLE_USER);

  body = build_body (request, &node);
  g_assert_false (json_object_has_member (body, "system"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (message_at (body, 0), "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (message_at (body, 1), "role"), ==, "assistant");
  m = message_at (body, 2);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "content")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 0), "text"), ==, "Too short.");
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 1), "text"), ==, "Not a system prompt here.");
}

static void
test_body_tools (void)
{
  g_autoptr(DaRequest) request = da_request_new ("claude-test");
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "user", "Weather in Paris and the time?");
  g_autoptr(DaMessage) assistant = da_message_new (DA_ROLE_ASSISTANT, "planner", "Checking.");
  g_autoptr(DaToolCall) a = da_tool_call_new ("toolu_A", "get_weather", "{\"city\": \"Paris\"}");
  g_autoptr(DaToolCall) b = da_tool_call_new ("toolu_B", "get_time", "not json");
  g_autoptr(DaMessage) result_a = da_message_new (DA_ROLE_TOOL, "planner", "{\"temp\":21}");
  g_autoptr(DaMessage) result_b = da_message_new (DA_ROLE_TOOL, "planner", "Error: no clock");
  g_autoptr(DaMessage) stray = da_message_new (DA_ROLE_TOOL, "other", "a result of another agent");
  g_autoptr(DaMessage) after = da_message_new (DA_ROLE_USER, "user", "Thanks.");
  g_autoptr(JsonNode) tools = json_from_string (
    "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather now.\","
    "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}},"
    "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}},"
    "{\"type\":\"function\",\"function\":{\"description\":\"no name\"}}, 7]", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body;
  JsonArray *array;
  JsonObject *m;
  JsonObject *block;
  JsonObject *schema;

  da_message_add_tool_call (assistant, a);
  da_message_add_tool_call (assistant, b);
  da_message_set_tool_call_id (result_a, "toolu_A");
  da_message_set_tool_call_id (result_b, "toolu_B");
  da_message_set_error_message (result_b, "Error: no clock");
  da_message_set_tool_call_id (stray, "call_elsewhere");
  da_request_add_message (request, user);
  da_request_add_message (request, assistant);
  da_request_add_message (request, after);
  da_request_add_message (request, result_a);
  da_request_add_message (request, result_b);
  da_request_add_message (request, stray);
  da_request_set_tools (request, tools);

  body = build_body (request, &node);

  array = json_object_get_array_member (body, "tools");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  block = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (block, "name"), ==, "get_weather");
  g_assert_cmpstr (json_object_get_string_member (block, "description"), ==, "Weather now.");
  schema = json_object_get_object_member (block, "input_schema");
  g_assert_cmpstr (json_object_get_string_member (schema, "type"), ==, "object");
  g_assert_true (json_object_has_member (schema, "required"));
  block = json_array_get_object_element (array, 1);
  g_assert_false (json_object_has_member (block, "description"));
  schema = json_object_get_object_member (block, "input_schema");
  g_assert_cmpstr (json_object_get_string_member (schema, "type"), ==, "object");
  g_assert_true (json_object_has_member (schema, "properties"));

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 3);
  m = message_at (body, 1);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "assistant");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "content")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 0), "type"), ==, "text");
  block = block_at (m, 1);
  g_assert_cmpstr (json_object_get_string_member (block, "type"), ==, "tool_use");
  g_assert_cmpstr (json_object_get_string_member (block, "id"), ==, "toolu_A");
  g_assert_cmpstr (json_object_get_string_member (block, "name"), ==, "get_weather");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (block, "input"), "city"), ==, "Paris");
  block = block_at (m, 2);
  g_assert_cmpstr (json_object_get_string_member (block, "id"), ==, "toolu_B");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (block, "input")), ==, 0);

  /* The results come first in the user turn, the text after them; a
   * result of a call this turn did not make goes as text. */
  m = message_at (body, 2);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "content")), ==, 4);
  block = block_at (m, 0);
  g_assert_cmpstr (json_object_get_string_member (block, "type"), ==, "tool_result");
  g_assert_cmpstr (json_object_get_string_member (block, "tool_use_id"), ==, "toolu_A");
  g_assert_cmpstr (json_object_get_string_member (block, "content"), ==, "{\"temp\":21}");
  g_assert_false (json_object_has_member (block, "is_error"));
  block = block_at (m, 1);
  g_assert_cmpstr (json_object_get_string_member (block, "tool_use_id"), ==, "toolu_B");
  g_assert_true (json_object_get_boolean_member (block, "is_error"));
  g_assert_cmpstr (json_object_get_string_member (block_at (m, 2), "text"), ==, "Thanks.");
  block = block_at (m, 3);
  g_assert_cmpstr (json_object_get_string_member (block, "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (block, "text"), ==, "a result of another agent");
}

typedef struct
{
  GString   *text;
  GPtrArray *tool_deltas;   /* "index|id|name|fragment" */
} Seen;

static void
on_delta (DaMessage  *message,
          const char *text,
          Seen       *seen)
{
  g_string_append (seen->text, text);
}

static void
on_tool_delta (DaMessage  *message,
               guint       index,
               const char *id,
               const char *name,
               const char *fragment,
               Seen       *seen)
{
  g_ptr_array_add (seen->tool_deltas,
                   g_strdup_printf ("%u|%s|%s|%s", index, id ? id : "", name ? name : "",
                                    fragment ? fragment : ""));
}

/* Feeds @name in pieces of @step bytes. */
static gboolean
decode (const char  *name,
        gsize        step,
        DaMessage   *reply,
        GError     **error)
{
  g_autoptr(DaAnthropicStream) stream = _da_anthropic_stream_new (reply, NULL);
  gsize len = 0;
  g_autofree char *data = read_fixture (name, &len);

  for (gsize off = 0; off < len; off += step)
    {
      if (!_da_anthropic_stream_feed (stream, data + off, MIN (step, len - off), error))
        return FALSE;
    }
  return _da_anthropic_stream_finish (stream, error);
}

static void
test_stream_text (void)
{
  const gsize steps[] = { 1, 3, 64, 100000 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
      Seen seen = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free) };
      g_autoptr(GError) error = NULL;

      g_signal_connect (reply, "delta", G_CALLBACK (on_delta), &seen);
      g_assert_true (decode ("anthropic-text.sse", steps[i], reply, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (da_message_get_content (reply), ==, "Hello, wörld!\n\"quoted\" é");
      g_assert_cmpstr (seen.text->str, ==, da_message_get_content (reply));
      g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
      /* 12 uncached + 3 written to the cache + 5 read from it. */
      g_assert_cmpint (da_message_get_prompt_tokens (reply), ==, 20);
      g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 7);
      g_assert_cmpuint (da_message_get_tool_calls (reply)->len, ==, 0);
      g_string_free (seen.text, TRUE);
      g_ptr_array_unref (seen.tool_deltas);
    }
}

static void
test_stream_tools (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  Seen seen = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;
  GPtrArray *calls;
  DaToolCall *call;

  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), &seen);
  g_signal_connect (reply, "tool-call-delta", G_CALLBACK (on_tool_delta), &seen);
  g_assert_true (decode ("anthropic-tools.sse", 5, reply, &error));
  g_assert_no_error (error);

  /* The thinking block is not part of the answer. */
  g_assert_cmpstr (da_message_get_content (reply), ==, "Checking both.");
  calls = da_message_get_tool_calls (reply);
  g_assert_cmpuint (calls->len, ==, 2);
  call = g_ptr_array_index (calls, 0);
  g_assert_cmpstr (call->id, ==, "toolu_01A");
  g_assert_cmpstr (call->name, ==, "get_weather");
  g_assert_cmpstr (call->arguments, ==, "{\"city\": \"Paris\"}");
  call = g_ptr_array_index (calls, 1);
  g_assert_cmpstr (call->id, ==, "toolu_01B");
  g_assert_cmpstr (call->name, ==, "get_time");
  g_assert_cmpstr (call->arguments, ==, "{}");
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "tool_calls");
  g_assert_cmpint (da_message_get_prompt_tokens (reply), ==, 472);
  g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 89);

  g_assert_cmpuint (seen.tool_deltas->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (seen.tool_deltas, 0), ==, "0|toolu_01A|get_weather|");
  g_assert_cmpstr (g_ptr_array_index (seen.tool_deltas, 1), ==, "0|||{\"city\": ");
  g_assert_cmpstr (g_ptr_array_index (seen.tool_deltas, 2), ==, "0|||\"Paris\"}");
  g_assert_cmpstr (g_ptr_array_index (seen.tool_deltas, 3), ==, "1|toolu_01B|get_time|");

  g_string_free (seen.text, TRUE);
  g_ptr_array_unref (seen.tool_deltas);
}

static void
test_stream_errors (void)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(DaMessage) cut = da_message_new_streaming ("planner");
  g_autoptr(DaMessage) limited = da_message_new_streaming ("planner");
  g_autoptr(DaAnthropicStream) stream = _da_anthropic_stream_new (limited, NULL);
  g_autoptr(GError) error = NULL;
  const char *rate = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}\n\n";
  const char *stray = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":4,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n";

  g_assert_false (decode ("anthropic-error.sse", 7, reply, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_PROVIDER);
  g_assert_cmpstr (error->message, ==, "the provider reported an error: Overloaded (overloaded_error)");
  g_assert_cmpstr (da_message_get_content (reply), ==, "Partial");
  g_clear_error (&error);

  g_assert_false (decode ("anthropic-cut.sse", 7, cut, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CONNECTION);
  g_assert_cmpstr (da_message_get_content (cut), ==, "Cut here");
  g_assert_null (da_message_get_finish_reason (cut));
  g_clear_error (&error);

  g_assert_false (_da_anthropic_stream_feed (stream, rate, strlen (rate), &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_RATE_LIMITED);
  g_clear_error (&error);

  g_clear_pointer (&stream, _da_anthropic_stream_free);
  stream = _da_anthropic_stream_new (limited, NULL);
  g_assert_false (_da_anthropic_stream_feed (stream, stray, strlen (stray), &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
}

static void
test_event_parse (void)
{
  g_auto(DaAnthropicEvent) event = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *type = NULL;
  g_autofree char *code = NULL;
  gsize len = 0;
  g_autofree char *body = read_fixture ("anthropic-error-body.json", &len);
  g_autofree char *spend = NULL;

  {
    const char *json = "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"tool_use\","
                       "\"id\":\"t\",\"name\":\"n\",\"input\":{\"a\":1}}}";

    g_assert_true (_da_anthropic_event_parse (NULL, json, strlen (json), &event, &error));
    g_assert_no_error (error);
    g_assert_cmpint (event.type, ==, DA_ANTHROPIC_EVENT_BLOCK_START);
    g_assert_cmpuint (event.index, ==, 3);
    g_assert_cmpstr (event.block_type, ==, "tool_use");
    g_assert_cmpstr (event.tool_input, ==, "{\"a\":1}");
    g_assert_cmpint (event.input_tokens, ==, -1);
    _da_anthropic_event_clear (&event);
  }

  /* The SSE name stands in for a missing "type". */
  g_assert_true (_da_anthropic_event_parse ("message_stop", "{}", 2, &event, &error));
  g_assert_cmpint (event.type, ==, DA_ANTHROPIC_EVENT_MESSAGE_STOP);
  _da_anthropic_event_clear (&event);

  g_assert_false (_da_anthropic_event_parse (NULL, "[1]", 3, &event, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_false (_da_anthropic_event_parse (NULL, "{\"a\":\"\xff\"}", 8, &event, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  g_assert_true (_da_anthropic_parse_error (body, len, &message, &type, &code));
  g_assert_cmpstr (type, ==, "rate_limit_error");
  g_assert_cmpstr (message, ==, "Number of request tokens has exceeded your per-minute rate limit");
  g_assert_null (code);
  g_clear_pointer (&message, g_free);
  g_clear_pointer (&type, g_free);

  spend = read_fixture ("anthropic-error-spend.json", &len);
  g_assert_true (_da_anthropic_parse_error (spend, len, &message, &type, &code));
  g_assert_cmpstr (code, ==, "enforced_spend_limit_reached");
  g_assert_true (_da_llm_is_quota_error (type, code));
  g_assert_cmpint (_da_llm_error_code_for_status (429, type, code), ==, DA_LLM_ERROR_QUOTA_EXCEEDED);
  g_assert_cmpint (_da_llm_error_code_for_status (402, "billing_error", NULL), ==, DA_LLM_ERROR_QUOTA_EXCEEDED);
  g_assert_cmpint (_da_llm_error_code_for_status (529, "overloaded_error", NULL), ==, DA_LLM_ERROR_SERVER);
  g_assert_true (_da_llm_status_is_retryable (529));

  g_assert_false (_da_anthropic_parse_error ("{\"type\":\"message_stop\"}", 23, &message, &type, &code));
  g_assert_cmpstr (_da_anthropic_finish_reason ("max_tokens"), ==, "length");
  g_assert_cmpstr (_da_anthropic_finish_reason ("refusal"), ==, "refusal");
}

/* The provider against the loopback server. */

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  const char *path = g_getenv ("DA_ANTHROPIC_TEST_SERVER");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (path);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, path, "--require-key", TEST_KEY, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  server_port = (guint)g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (server_port, >, 0);
}

static DaProvider *
new_provider (const char *model,
              gboolean    with_version)
{
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u%s", server_port, with_version ? "/v1" : "");
  g_autoptr(GError) error = NULL;
  DaProvider *provider = da_provider_new_for_kind ("anthropic", base, &error);

  g_assert_no_error (error);
  g_assert_true (DA_IS_ANTHROPIC_PROVIDER (provider));
  da_provider_set_default_model (provider, model);
  da_provider_set_api_key (provider, TEST_KEY);
  return provider;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
run_stream (DaProvider  *provider,
            DaRequest   *request,
            DaMessage   *reply,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  da_provider_stream_async (provider, request, reply, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return da_provider_stream_finish (provider, result, error);
}

static DaRequest *
simple_request (const char *text)
{
  DaRequest *request = da_request_new (NULL);
  g_autoptr(DaMessage) system = da_message_new (DA_ROLE_SYSTEM, "planner", "You are terse.");
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "Ann Lee", text);

  da_request_add_message (request, system);
  da_request_add_message (request, user);
  return request;
}

static void
test_provider_text (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DaProvider) provider = new_provider ("echo", i == 0);
      g_autoptr(DaRequest) request = simple_request ("Hello, wörld?");
      g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
      Seen seen = { g_string_new (NULL), NULL };
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (da_provider_get_kind (provider), ==, "anthropic");
      g_signal_connect (reply, "delta", G_CALLBACK (on_delta), &seen);
      g_assert_true (run_stream (provider, request, reply, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (da_message_get_content (reply), ==, "Echo: Hello, wörld?");
      g_assert_cmpstr (seen.text->str, ==, "Echo: Hello, wörld?");
      g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
      g_assert_cmpint (da_message_get_prompt_tokens (reply), >, 0);
      g_assert_cmpint (da_message_get_completion_tokens (reply), >, 0);
      g_string_free (seen.text, TRUE);
    }

  {
    g_autoptr(DaProvider) provider = new_provider ("system", TRUE);
    g_autoptr(DaRequest) request = simple_request ("Who are you?");
    g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
    g_autoptr(GError) error = NULL;

    g_assert_true (run_stream (provider, request, reply, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (da_message_get_content (reply), ==, "System: You are terse.");
  }
}

static void
test_provider_tool_round_trip (void)
{
  g_autoptr(DaProvider) provider = new_provider ("tools-answer", TRUE);
  g_autoptr(DaRequest) request = simple_request ("Look at my notes");
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(DaMessage) answer = da_message_new_streaming ("planner");
  g_autoptr(JsonNode) tools = json_from_string (
    "[{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{\"type\":\"object\"}}},"
    "{\"type\":\"function\",\"function\":{\"name\":\"list_directory\",\"parameters\":{\"type\":\"object\"}}}]", NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *calls;

  da_request_set_tools (request, tools);
  g_assert_true (run_stream (provider, request, reply, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Let me look.");
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "tool_calls");
  calls = da_message_get_tool_calls (reply);
  g_assert_cmpuint (calls->len, ==, 2);
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (calls, 0))->id, ==, "toolu_a");
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (calls, 0))->arguments, ==, "{\"path\": \"notes.txt\"}");
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (calls, 1))->name, ==, "list_directory");
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (calls, 1))->arguments, ==, "{\"path\": \".\"}");

  /* The server refuses results that do not answer the calls before them. */
  da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);
  da_request_add_message (request, reply);
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);
      g_autofree char *content = g_strdup_printf ("result of %s", call->name);
      g_autoptr(DaMessage) result = da_message_new (DA_ROLE_TOOL, "planner", content);

      da_message_set_tool_call_id (result, call->id);
      da_request_add_message (request, result);
    }
  g_assert_true (run_stream (provider, request, answer, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (answer), ==,
                   "Tool results: [toolu_a] result of read_file [toolu_b] result of list_directory");
}

typedef struct
{
  const char *model;
  DaLlmError  code;
  guint       status;
  const char *message;
  const char *partial;
} ErrorCase;

static void
test_provider_errors (void)
{
  const ErrorCase cases[] = {
    { "unauthorized", DA_LLM_ERROR_AUTHENTICATION, 401,
      "HTTP 401: invalid x-api-key: [REDACTED] (authentication_error)", "" },
    { "notfound", DA_LLM_ERROR_NOT_FOUND, 404, "HTTP 404: model: notfound (not_found_error)", "" },
    { "overloaded", DA_LLM_ERROR_SERVER, 529, "HTTP 529: Overloaded (overloaded_error)", "" },
    { "billing", DA_LLM_ERROR_QUOTA_EXCEEDED, 400,
      "HTTP 400: Your credit balance is too low to access the Anthropic API. (billing_error)", "" },
    { "error-mid", DA_LLM_ERROR_PROVIDER, 0,
      "the provider reported an error: Overloaded (overloaded_error)", "Partial answer before " },
    { "cut", DA_LLM_ERROR_CONNECTION, 0, NULL, "This reply will be cut off in the middle of" },
    { "badjson", DA_LLM_ERROR_BAD_RESPONSE, 0, NULL, "Some text " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DaProvider) provider = new_provider (cases[i].model, TRUE);
      g_autoptr(DaRequest) request = simple_request ("go");
      g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
      g_autoptr(GError) error = NULL;

      g_test_message ("model %s", cases[i].model);
      da_provider_set_max_retries (provider, 1);
      g_assert_false (run_stream (provider, request, reply, &error));
      g_assert_error (error, DA_LLM_ERROR, (gint)cases[i].code);
      g_assert_cmpuint (da_llm_error_get_http_status (error), ==, cases[i].status);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_null (strstr (error->message, "TestSecret"));
      g_assert_cmpstr (da_message_get_content (reply), ==, cases[i].partial);
    }

  {
    g_autoptr(DaProvider) provider = new_provider ("echo", TRUE);
    g_autoptr(DaRequest) request = simple_request ("go");
    g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
    g_autoptr(GError) error = NULL;

    da_provider_set_api_key (provider, "sk-ant-wrong-key-0000000000");
    g_assert_false (run_stream (provider, request, reply, &error));
    g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION);
  }
}

static void
test_provider_retries (void)
{
  const char *models[] = { "ratelimit-once", "flaky" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(DaProvider) provider = new_provider (models[i], FALSE);
      g_autoptr(DaRequest) request = simple_request ("again");
      g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed_ms;

      g_assert_true (run_stream (provider, request, reply, &error));
      g_assert_no_error (error);
      elapsed_ms = (g_get_monotonic_time () - start) / 1000;
      g_test_message ("%s answered after %" G_GINT64_FORMAT " ms", models[i], elapsed_ms);
      g_assert_cmpstr (da_message_get_content (reply), ==, "Echo: again");
      /* retry-after: 1 for the rate limit; at least 0.375 s of backoff for 529. */
      g_assert_cmpint (elapsed_ms, >=, i == 0 ? 950 : 370);
    }
}

static GStrv
run_list_models (DaProvider  *provider,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  da_provider_list_models_async (provider, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return da_provider_list_models_finish (provider, result, error);
}

static void
test_provider_list_models (void)
{
  g_autoptr(DaProvider) provider = new_provider ("echo", FALSE);
  g_autoptr(DaProvider) refused = new_provider ("echo", TRUE);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  ids = run_list_models (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, "claude-test-1");
  g_assert_cmpstr (ids[1], ==, "echo");

  da_provider_set_api_key (refused, "sk-ant-wrong-key-0000000000");
  g_assert_null (run_list_models (refused, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_cmpstr (error->message, ==, "HTTP 401: invalid x-api-key (authentication_error)");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/llm/anthropic/body/basic", test_body_basic);
  g_test_add_func ("/llm/anthropic/body/peer-roles", test_body_peer_roles);
  g_test_add_func ("/llm/anthropic/body/tools", test_body_tools);
  g_test_add_func ("/llm/anthropic/stream/text", test_stream_text);
  g_test_add_func ("/llm/anthropic/stream/tools", test_stream_tools);
  g_test_add_func ("/llm/anthropic/stream/errors", test_stream_errors);
  g_test_add_func ("/llm/anthropic/event/parse", test_event_parse);
  g_test_add_func ("/llm/anthropic/provider/text", test_provider_text);
  g_test_add_func ("/llm/anthropic/provider/tool-round-trip", test_provider_tool_round_trip);
  g_test_add_func ("/llm/anthropic/provider/errors", test_provider_errors);
  g_test_add_func ("/llm/anthropic/provider/retries", test_provider_retries);
  g_test_add_func ("/llm/anthropic/provider/list-models", test_provider_list_models);

  start_server ();
  ret = g_test_run ();

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  return ret;
}
