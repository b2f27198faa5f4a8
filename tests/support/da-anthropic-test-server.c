/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A loopback server that speaks the Anthropic Messages API, streaming
 * included, for the end-to-end tests of the CLI and the application. It
 * checks requests the way the real API does (version header, key,
 * max_tokens, alternating turns, tool_result blocks answering the
 * tool_use blocks of the turn before, …) and answers 400
 * invalid_request_error otherwise. Replies are written in chunks cut at
 * odd byte offsets so that events split across reads.
 *
 * The model named in a request picks the behaviour:
 *   echo (or anything unknown)  streams "Echo: <last user text>"
 *   system                      streams "System: <the system prompt>"
 *   tools                       a text block, then two tool_use blocks
 *                               whose input comes in partial_json pieces
 *   tools-answer                the calls of "tools"; once the last turn
 *                               holds tool results, a text reply quoting
 *                               each ("[toolu_a] …")
 *   terminate                   "All done. TERMINATE"
 *   unauthorized                401 authentication_error echoing the key
 *   notfound                    404 not_found_error
 *   overloaded                  529 overloaded_error, always
 *   billing                     400 billing_error
 *   ratelimit-once              429 rate_limit_error with retry-after: 1,
 *                               then echo
 *   flaky                       529 once, then echo
 *   error-mid                   text, then an error event
 *   cut                         text, then the connection closes before
 *                               message_stop
 *   badjson                     text, then an event that is not JSON
 *   selector:A|B|C              A to a request with no assistant turn, B
 *                               to one with one, …; the last repeats
 *   handoff:NAME                a transfer_to_NAME tool_use block
 *
 * GET /v1/models lists a few of these.
 *
 * Usage: da-anthropic-test-server [--port N] [--require-key KEY]
 * Prints the port on stdout when listening; exits when stdin closes.
 */
#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "da-test-server-loop.h"

#define API_VERSION "2023-06-01"

static char *require_key;
static GHashTable *failures_done;

typedef struct
{
  SoupServerMessage *msg;
  GString           *body;
  gsize              offset;
  guint              step;
  gboolean           finished;
} Stream;

static const guint odd_sizes[] = { 1, 7, 3, 13, 2, 31, 5, 64, 11, 17 };

static void
stream_free (Stream *stream)
{
  g_signal_handlers_disconnect_by_data (stream->msg, stream);
  g_string_free (stream->body, TRUE);
  g_object_unref (stream->msg);
  g_free (stream);
}

static void
on_msg_finished (SoupServerMessage *msg,
                 Stream            *stream)
{
  stream->finished = TRUE;
}

static gboolean
stream_step_cb (gpointer data)
{
  Stream *stream = data;
  SoupMessageBody *body;
  gsize n;

  if (stream->finished)
    {
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }

  body = soup_server_message_get_response_body (stream->msg);
  if (stream->offset >= stream->body->len)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (stream->msg);
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }

  /* MIN evaluates its arguments twice: no side effects inside. */
  n = odd_sizes[stream->step++ % G_N_ELEMENTS (odd_sizes)];
  n = MIN (n, stream->body->len - stream->offset);
  soup_message_body_append (body, SOUP_MEMORY_COPY, stream->body->str + stream->offset, n);
  stream->offset += n;
  soup_server_message_unpause (stream->msg);
  return G_SOURCE_CONTINUE;
}

static void
start_stream (SoupServerMessage *msg,
              GString           *sse)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Stream *stream = g_new0 (Stream, 1);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "request-id", "req_test");

  stream->msg = g_object_ref (msg);
  stream->body = sse;
  g_signal_connect (msg, "finished", G_CALLBACK (on_msg_finished), stream);
  soup_server_message_pause (msg);
  g_timeout_add (1, stream_step_cb, stream);
}

/* The raw response on the stolen connection, closed without the last
 * chunk, as a crashing server or a dropped proxy would leave it. */
static void
send_cut_stream (SoupServerMessage *msg,
                 GString           *sse)
{
  g_autoptr(GIOStream) conn = soup_server_message_steal_connection (msg);
  g_autoptr(GString) raw = g_string_new ("HTTP/1.1 200 OK\r\n"
                                         "Content-Type: text/event-stream\r\n"
                                         "Transfer-Encoding: chunked\r\n\r\n");

  for (gsize off = 0, step = 0; off < sse->len; step++)
    {
      gsize n = MIN (odd_sizes[step % G_N_ELEMENTS (odd_sizes)], sse->len - off);

      g_string_append_printf (raw, "%zx\r\n", n);
      g_string_append_len (raw, sse->str + off, n);
      g_string_append (raw, "\r\n");
      off += n;
    }
  g_string_free (sse, TRUE);

  if (conn == NULL)
    return;
  g_output_stream_write_all (g_io_stream_get_output_stream (conn), raw->str, raw->len, NULL, NULL, NULL);
  g_io_stream_close (conn, NULL, NULL);
}

static void
send_error (SoupServerMessage *msg,
            guint              status,
            const char        *type,
            const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, "req_test");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, status == 529 ? "Overloaded" : NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
append_event (GString    *out,
              const char *name,
              const char *json)
{
  g_string_append_printf (out, "event: %s\ndata: %s\n\n", name, json);
}

static char *
quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

  return json_to_string (node, FALSE);
}

static void
append_start (GString    *out,
              const char *model,
              gint64      input_tokens)
{
  g_autofree char *m = quote (model);
  g_autofree char *json = g_strdup_printf (
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_test\",\"type\":\"message\","
    "\"role\":\"assistant\",\"model\":%s,\"content\":[],\"stop_reason\":null,"
    "\"stop_sequence\":null,\"usage\":{\"input_tokens\":%" G_GINT64_FORMAT ","
    "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}",
    m, input_tokens);

  append_event (out, "message_start", json);
  append_event (out, "ping", "{\"type\": \"ping\"}");
}

/* A text block, one delta per word with its trailing space. */
static void
append_text_block (GString    *out,
                   guint       index,
                   const char *text)
{
  g_autofree char *start = g_strdup_printf ("{\"type\":\"content_block_start\",\"index\":%u,"
                                            "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}", index);
  g_autofree char *stop = g_strdup_printf ("{\"type\":\"content_block_stop\",\"index\":%u}", index);
  const char *p = text;

  append_event (out, "content_block_start", start);
  while (*p != '\0')
    {
      const char *end = strchr (p, ' ');
      g_autofree char *piece = NULL;
      g_autofree char *quoted = NULL;
      g_autofree char *json = NULL;

      end = end ? end + 1 : p + strlen (p);
      piece = g_strndup (p, end - p);
      quoted = quote (piece);
      json = g_strdup_printf ("{\"type\":\"content_block_delta\",\"index\":%u,"
                              "\"delta\":{\"type\":\"text_delta\",\"text\":%s}}", index, quoted);
      append_event (out, "content_block_delta", json);
      p = end;
    }
  append_event (out, "content_block_stop", stop);
}

/* A tool_use block whose input arrives in @pieces. */
static void
append_tool_block (GString            *out,
                   guint               index,
                   const char         *id,
                   const char         *name,
                   const char * const *pieces)
{
  g_autofree char *qid = quote (id);
  g_autofree char *qname = quote (name);
  g_autofree char *start = g_strdup_printf ("{\"type\":\"content_block_start\",\"index\":%u,"
                                            "\"content_block\":{\"type\":\"tool_use\",\"id\":%s,"
                                            "\"name\":%s,\"input\":{}}}", index, qid, qname);
  g_autofree char *stop = g_strdup_printf ("{\"type\":\"content_block_stop\",\"index\":%u}", index);

  append_event (out, "content_block_start", start);
  for (guint i = 0; pieces != NULL && pieces[i] != NULL; i++)
    {
      g_autofree char *quoted = quote (pieces[i]);
      g_autofree char *json = g_strdup_printf ("{\"type\":\"content_block_delta\",\"index\":%u,"
                                               "\"delta\":{\"type\":\"input_json_delta\","
                                               "\"partial_json\":%s}}", index, quoted);

      append_event (out, "content_block_delta", json);
    }
  append_event (out, "content_block_stop", stop);
}

static void
append_end (GString    *out,
            const char *stop_reason,
            gint64      output_tokens)
{
  g_autofree char *json = g_strdup_printf ("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\","
                                           "\"stop_sequence\":null},\"usage\":{\"output_tokens\":%"
                                           G_GINT64_FORMAT "}}", stop_reason, output_tokens);

  append_event (out, "message_delta", json);
  append_event (out, "message_stop", "{\"type\":\"message_stop\"}");
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The blocks of a message, with a string content as one text block. */
static JsonArray *
blocks_of (JsonObject *message)
{
  JsonNode *content = json_object_get_member (message, "content");
  JsonArray *blocks;

  if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    return json_array_ref (json_node_get_array (content));

  blocks = json_array_new ();
  if (content != NULL && get_string (message, "content") != NULL)
    {
      JsonObject *text = json_object_new ();

      json_object_set_string_member (text, "type", "text");
      json_object_set_string_member (text, "text", get_string (message, "content"));
      json_array_add_object_element (blocks, text);
    }
  return blocks;
}

/* What the real API refuses, as it words it (roughly); NULL when valid. */
static char *
invalid_request (JsonObject *request)
{
  JsonNode *max_tokens = json_object_get_member (request, "max_tokens");
  JsonNode *messages_node = json_object_get_member (request, "messages");
  JsonNode *system = json_object_get_member (request, "system");
  JsonNode *tools_node = json_object_get_member (request, "tools");
  JsonArray *messages;
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);
  gboolean has_tools = tools_node != NULL && JSON_NODE_HOLDS_ARRAY (tools_node) &&
                       json_array_get_length (json_node_get_array (tools_node)) > 0;
  gboolean uses_tools = FALSE;

  if (get_string (request, "model") == NULL)
    return g_strdup ("model: Field required");
  if (max_tokens == NULL || !JSON_NODE_HOLDS_VALUE (max_tokens) ||
      json_node_get_value_type (max_tokens) != G_TYPE_INT64 || json_node_get_int (max_tokens) < 1)
    return g_strdup ("max_tokens: Field required");
  if (system != NULL && !(JSON_NODE_HOLDS_VALUE (system) && get_string (request, "system") != NULL) &&
      !JSON_NODE_HOLDS_ARRAY (system))
    return g_strdup ("system: Input should be a valid string or list");
  if (json_object_has_member (request, "temperature"))
    {
      double t = json_object_get_double_member (request, "temperature");

      if (t < 0 || t > 1)
        return g_strdup ("temperature: range: 0..1");
    }
  if (!json_object_get_boolean_member_with_default (request, "stream", FALSE))
    return g_strdup ("this test server only streams");
  if (messages_node == NULL || !JSON_NODE_HOLDS_ARRAY (messages_node) ||
      json_array_get_length (json_node_get_array (messages_node)) == 0)
    return g_strdup ("messages: at least one message is required");

  for (guint i = 0; has_tools && i < json_array_get_length (json_node_get_array (tools_node)); i++)
    {
      JsonObject *tool = json_array_get_object_element (json_node_get_array (tools_node), i);
      JsonNode *schema = json_object_get_member (tool, "input_schema");

      if (get_string (tool, "name") == NULL)
        return g_strdup_printf ("tools.%u.name: Field required", i);
      if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema) ||
          g_strcmp0 (get_string (json_node_get_object (schema), "type"), "object") != 0)
        return g_strdup_printf ("tools.%u.input_schema.type: Input should be 'object'", i);
    }

  messages = json_node_get_array (messages_node);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      const char *role = get_string (message, "role");
      const char *expected = i % 2 == 0 ? "user" : "assistant";
      g_autoptr(JsonArray) blocks = NULL;
      gboolean seen_other = FALSE;
      guint n_results = 0;

      if (g_strcmp0 (role, "user") != 0 && g_strcmp0 (role, "assistant") != 0)
        return g_strdup_printf ("messages.%u.role: Input should be 'user' or 'assistant'", i);
      if (!g_str_equal (role, expected))
        return g_strdup_printf ("messages: roles must alternate between \"user\" and \"assistant\", "
                                "starting with \"user\" (messages.%u)", i);

      blocks = blocks_of (message);
      if (json_array_get_length (blocks) == 0)
        return g_strdup_printf ("messages.%u: all messages must have non-empty content", i);

      for (guint j = 0; j < json_array_get_length (blocks); j++)
        {
          JsonObject *block = json_array_get_object_element (blocks, j);
          const char *type = get_string (block, "type");

          if (g_strcmp0 (type, "text") == 0)
            {
              const char *text = get_string (block, "text");

              if (text == NULL || *text == '\0')
                return g_strdup_printf ("messages.%u.content.%u: text content blocks must be non-empty", i, j);
              seen_other = TRUE;
            }
          else if (g_strcmp0 (type, "tool_use") == 0)
            {
              JsonNode *input = json_object_get_member (block, "input");

              uses_tools = TRUE;
              if (!g_str_equal (role, "assistant"))
                return g_strdup_printf ("messages.%u.content.%u: tool_use blocks are only allowed in assistant messages", i, j);
              if (input == NULL || !JSON_NODE_HOLDS_OBJECT (input))
                return g_strdup_printf ("messages.%u.content.%u.input: Input should be a valid dictionary", i, j);
              g_ptr_array_add (pending, g_strdup (get_string (block, "id")));
            }
          else if (g_strcmp0 (type, "tool_result") == 0)
            {
              const char *id = get_string (block, "tool_use_id");
              guint k;

              uses_tools = TRUE;
              if (!g_str_equal (role, "user"))
                return g_strdup_printf ("messages.%u.content.%u: tool_result blocks are only allowed in user messages", i, j);
              if (seen_other)
                return g_strdup_printf ("messages.%u: tool_result blocks must come first in the content", i);
              if (id == NULL || !g_ptr_array_find_with_equal_func (pending, id, g_str_equal, &k))
                return g_strdup_printf ("messages.%u.content.%u: unexpected `tool_use_id` found in `tool_result` "
                                        "blocks: %s. Each `tool_result` block must have a corresponding "
                                        "`tool_use` block in the previous message.", i, j, id ? id : "(none)");
              g_ptr_array_remove_index (pending, k);
              n_results++;
            }
          else
            {
              return g_strdup_printf ("messages.%u.content.%u.type: unknown block type", i, j);
            }
        }

      if (g_str_equal (role, "user") && pending->len > 0)
        return g_strdup_printf ("messages.%u: `tool_use` ids were found without `tool_result` blocks "
                                "immediately after: %s", i, (char *)g_ptr_array_index (pending, 0));
    }

  if (uses_tools && !has_tools)
    return g_strdup ("Requests which include `tool_use` or `tool_result` blocks must define tools.");

  return NULL;
}

/* The text of the last user turn, and "[id] content" of its results. */
static void
last_user_turn (JsonObject  *request,
                char       **text,
                char       **results)
{
  JsonArray *messages = json_object_get_array_member (request, "messages");
  JsonObject *last = json_array_get_object_element (messages, json_array_get_length (messages) - 1);
  g_autoptr(JsonArray) blocks = blocks_of (last);
  GString *t = g_string_new (NULL);
  GString *r = NULL;

  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonObject *block = json_array_get_object_element (blocks, i);

      if (g_strcmp0 (get_string (block, "type"), "text") == 0)
        g_string_append (t, get_string (block, "text"));
      else if (g_strcmp0 (get_string (block, "type"), "tool_result") == 0)
        {
          if (r == NULL)
            r = g_string_new ("Tool results:");
          g_string_append_printf (r, " [%s]%s %s", get_string (block, "tool_use_id"),
                                  json_object_get_boolean_member_with_default (block, "is_error", FALSE)
                                    ? " (is_error)" : "",
                                  get_string (block, "content") ?: "");
        }
    }
  *text = g_string_free (t, FALSE);
  *results = r != NULL ? g_string_free (r, FALSE) : NULL;
}

static gboolean
first_failure (const char *scenario)
{
  if (g_hash_table_contains (failures_done, scenario))
    return FALSE;
  g_hash_table_add (failures_done, g_strdup (scenario));
  return TRUE;
}

static void
append_tool_calls (GString *sse)
{
  const char * const a[] = { "{\"pa", "th\": ", "\"notes.txt\"}", NULL };
  const char * const b[] = { "", "{\"path\"", ": \".\"}", NULL };

  append_text_block (sse, 0, "Let me look.");
  append_tool_block (sse, 1, "toolu_a", "read_file", a);
  append_tool_block (sse, 2, "toolu_b", "list_directory", b);
}

static void
handle_messages (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *key = soup_message_headers_get_one (headers, "x-api-key");
  g_autofree char *problem = NULL;
  g_autofree char *text = NULL;
  g_autofree char *results = NULL;
  JsonObject *request;
  const char *model;
  GString *sse;
  gint64 input_tokens = (gint64)g_bytes_get_size (bytes) / 4;

  if (g_strcmp0 (soup_message_headers_get_one (headers, "anthropic-version"), API_VERSION) != 0)
    {
      send_error (msg, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
  if (require_key != NULL && g_strcmp0 (key, require_key) != 0)
    {
      send_error (msg, 401, "authentication_error", "invalid x-api-key");
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      send_error (msg, 400, "invalid_request_error", "There was an issue with the JSON body of your request.");
      return;
    }
  request = json_node_get_object (json_parser_get_root (parser));
  problem = invalid_request (request);
  if (problem != NULL)
    {
      send_error (msg, 400, "invalid_request_error", problem);
      return;
    }

  model = get_string (request, "model");
  if (g_str_equal (model, "unauthorized"))
    {
      g_autofree char *message = g_strdup_printf ("invalid x-api-key: %s", key ? key : "(none)");

      send_error (msg, 401, "authentication_error", message);
      return;
    }
  if (g_str_equal (model, "notfound"))
    {
      send_error (msg, 404, "not_found_error", "model: notfound");
      return;
    }
  if (g_str_equal (model, "overloaded") || (g_str_equal (model, "flaky") && first_failure (model)))
    {
      send_error (msg, 529, "overloaded_error", "Overloaded");
      return;
    }
  if (g_str_equal (model, "billing"))
    {
      send_error (msg, 400, "billing_error", "Your credit balance is too low to access the Anthropic API.");
      return;
    }
  if (g_str_equal (model, "ratelimit-once") && first_failure (model))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "retry-after", "1");
      send_error (msg, 429, "rate_limit_error",
                  "This request would exceed the rate limit for your organization of 50 requests per minute.");
      return;
    }

  last_user_turn (request, &text, &results);
  sse = g_string_new (NULL);
  append_start (sse, model, input_tokens);

  if (g_str_equal (model, "tools-answer") && results != NULL)
    {
      append_text_block (sse, 0, results);
      append_end (sse, "end_turn", 8);
    }
  else if (g_str_equal (model, "tools") || g_str_equal (model, "tools-answer"))
    {
      append_tool_calls (sse);
      append_end (sse, "tool_use", 24);
    }
  else if (g_str_equal (model, "system"))
    {
      g_autofree char *reply = g_strdup_printf ("System: %s", get_string (request, "system") ?: "(none)");

      append_text_block (sse, 0, reply);
      append_end (sse, "end_turn", 5);
    }
  else if (g_str_equal (model, "terminate"))
    {
      append_text_block (sse, 0, "All done. TERMINATE");
      append_end (sse, "end_turn", 4);
    }
  else if (g_str_has_prefix (model, "selector:"))
    {
      g_auto(GStrv) answers = g_strsplit (model + strlen ("selector:"), "|", -1);
      JsonArray *messages = json_object_get_array_member (request, "messages");
      guint n_assistant = json_array_get_length (messages) / 2;
      guint n_answers = g_strv_length (answers);

      append_text_block (sse, 0, n_answers > 0 ? answers[MIN (n_assistant, n_answers - 1)] : "");
      append_end (sse, "end_turn", 1);
    }
  else if (g_str_has_prefix (model, "handoff:"))
    {
      g_autofree char *name = g_strconcat ("transfer_to_", model + strlen ("handoff:"), NULL);

      append_tool_block (sse, 0, "toolu_handoff", name, NULL);
      append_end (sse, "tool_use", 5);
    }
  else if (g_str_equal (model, "error-mid"))
    {
      append_text_block (sse, 0, "Partial answer before ");
      append_event (sse, "error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                                  "\"message\":\"Overloaded\"}}");
    }
  else if (g_str_equal (model, "cut"))
    {
      append_text_block (sse, 0, "This reply will be cut off in the middle of");
      send_cut_stream (msg, sse);
      return;
    }
  else if (g_str_equal (model, "badjson"))
    {
      append_text_block (sse, 0, "Some text ");
      g_string_append (sse, "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \n\n");
    }
  else
    {
      g_autofree char *reply = g_strdup_printf ("Echo: %s", text);

      append_text_block (sse, 0, reply);
      append_end (sse, "end_turn", (gint64)g_utf8_strlen (reply, -1) / 4 + 1);
    }

  start_stream (msg, sse);
}

static void
handle_models (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  static const char body[] =
    "{\"data\":["
    "{\"type\":\"model\",\"id\":\"echo\",\"display_name\":\"Echo\",\"created_at\":\"2025-01-01T00:00:00Z\"},"
    "{\"type\":\"model\",\"id\":\"tools\",\"display_name\":\"Tools\",\"created_at\":\"2025-01-01T00:00:00Z\"},"
    "{\"type\":\"model\",\"id\":\"claude-test-1\",\"display_name\":\"Claude Test\",\"created_at\":\"2025-01-01T00:00:00Z\"}],"
    "\"has_more\":false,\"first_id\":\"echo\",\"last_id\":\"claude-test-1\"}";

  if (g_strcmp0 (soup_message_headers_get_one (headers, "anthropic-version"), API_VERSION) != 0)
    {
      send_error (msg, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
  if (require_key != NULL &&
      g_strcmp0 (soup_message_headers_get_one (headers, "x-api-key"), require_key) != 0)
    {
      send_error (msg, 401, "authentication_error", "invalid x-api-key");
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/v1/messages") && g_str_equal (method, "POST"))
    handle_messages (msg);
  else if (g_str_equal (path, "/v1/models") && g_str_equal (method, "GET"))
    handle_models (msg);
  else
    send_error (msg, 404, "not_found_error", "Not Found");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  int port = 0;
  int status;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on (0 picks one)", "N" },
    { "require-key", 0, 0, G_OPTION_ARG_STRING, &require_key, "Answer 401 unless this x-api-key is sent", "KEY" },
    { NULL }
  };

  context = g_option_context_new ("- Anthropic Messages API loopback test server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  failures_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server = soup_server_new ("server-header", "da-anthropic-test-server", NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  status = da_test_server_serve (server, port, FALSE);

  g_hash_table_unref (failures_done);
  g_free (require_key);
  return status;
}
