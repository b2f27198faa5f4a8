/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A loopback server that speaks the OpenAI Chat Completions wire format,
 * streaming included, for the end-to-end tests and benchmarks of the CLI and
 * the application. It is a peer, not a copy of our client: it writes the
 * server side of the protocol as real servers do, in chunks cut at odd byte
 * offsets so that events split across reads.
 *
 * The model named in a request picks the behaviour:
 *   echo (or anything unknown)  streams "Echo: <last message>"
 *   markdown                    a reply with a heading, a list and code
 *   tools                       two parallel tool calls
 *   tools-answer                the two calls of "tools"; once the request
 *                               holds tool results, a text reply quoting
 *                               each ("[call_a] …")
 *   tools-loop                  a read_file call every time
 *   terminate                   "All done. TERMINATE"
 *   unauthorized                401 whose body echoes the Authorization header
 *   notfound                    404 model not found
 *   quota                       429 insufficient_quota
 *   ratelimit-once              429 with retry-after: 1, then echo
 *   flaky                       500 once, then echo
 *   error-mid                   text, then an error payload mid-stream
 *   error-mid-once              as error-mid the first time, then echo
 *   cut                         text, then the connection closes before [DONE]
 *   badjson                     text, then a chunk that is not JSON
 *   endless                     a word every 20 ms until the client leaves
 *   slow                        ten words, one every 200 ms
 *   instant                     one short reply in a single write (benchmarks)
 *   selector:A|B|C              a speaker selector's answers: A to a request
 *                               with no assistant message, B to one with one
 *                               (a retry after feedback), …; the last repeats
 *   handoff:NAME                a transfer_to_NAME tool call (swarm handoffs)
 *
 * GET /stats answers what the server has seen, for benchmarks that check a
 * client's work from the outside: {"chat_requests", "streamed_requests"
 * (those asking "stream": true), "last_request_bytes",
 * "last_request_messages"}.
 *
 * Usage: da-openai-test-server [--port N] [--require-key KEY]
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

static char *require_key;
static GHashTable *failures_done;
static guint request_counter;
static guint streamed_counter;
static gsize last_request_bytes;
static guint last_request_messages;

typedef struct
{
  SoupServerMessage *msg;
  GString           *body;
  gsize              offset;
  guint              step;
  guint              interval_ms;
  gboolean           endless;
  guint              endless_count;
  gboolean           finished;
} Stream;

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

static char *
chunk_json (const char *model,
            const char *content,
            const char *finish_reason)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "chatcmpl-test");
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion.chunk");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, 1700000000);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "system_fingerprint");
  json_builder_add_string_value (b, "fp_test");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  if (content != NULL)
    {
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "assistant");
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, content);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "logprobs");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "finish_reason");
  if (finish_reason != NULL)
    json_builder_add_string_value (b, finish_reason);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
append_event (GString    *out,
              const char *json)
{
  g_string_append_printf (out, "data: %s\n\n", json);
}

static void
append_text_events (GString    *out,
                    const char *model,
                    const char *text)
{
  const char *p = text;

  /* One delta per word (with its trailing space), as servers do. */
  while (*p != '\0')
    {
      const char *end = strchr (p, ' ');
      g_autofree char *piece = NULL;
      g_autofree char *json = NULL;

      end = end ? end + 1 : p + strlen (p);
      piece = g_strndup (p, end - p);
      json = chunk_json (model, piece, NULL);
      append_event (out, json);
      p = end;
    }
}

static void
append_finish_and_usage (GString    *out,
                         const char *model,
                         const char *finish_reason,
                         gint64      prompt_tokens,
                         gint64      completion_tokens)
{
  g_autofree char *json = chunk_json (model, NULL, finish_reason);
  g_autofree char *usage = NULL;

  append_event (out, json);
  usage = g_strdup_printf ("{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\","
                           "\"created\":1700000000,\"model\":\"%s\",\"choices\":[],"
                           "\"usage\":{\"prompt_tokens\":%" G_GINT64_FORMAT ","
                           "\"completion_tokens\":%" G_GINT64_FORMAT ","
                           "\"total_tokens\":%" G_GINT64_FORMAT "}}",
                           model, prompt_tokens, completion_tokens,
                           prompt_tokens + completion_tokens);
  append_event (out, usage);
}

static const guint odd_sizes[] = { 1, 7, 3, 13, 2, 31, 5, 64, 11, 17 };

static gboolean
stream_step_cb (gpointer data)
{
  Stream *stream = data;
  SoupMessageBody *body;

  if (stream->finished)
    {
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }

  body = soup_server_message_get_response_body (stream->msg);

  if (stream->endless)
    {
      g_autofree char *json = NULL;
      g_autofree char *word = g_strdup_printf ("word%u ", stream->endless_count++);
      g_autoptr(GString) event = g_string_new (NULL);

      json = chunk_json ("endless", word, NULL);
      append_event (event, json);
      if (stream->endless_count == 1)
        g_string_prepend (event, ": keep-alive\n\n");
      soup_message_body_append (body, SOUP_MEMORY_COPY, event->str, event->len);
      soup_server_message_unpause (stream->msg);
      return G_SOURCE_CONTINUE;
    }

  if (stream->offset >= stream->body->len)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (stream->msg);
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }
  else
    {
      gsize n = odd_sizes[stream->step++ % G_N_ELEMENTS (odd_sizes)];

      if (stream->interval_ms >= 100)
        n = stream->body->len; /* slow streams: whole events per tick */

      n = MIN (n, stream->body->len - stream->offset);
      if (stream->interval_ms >= 100)
        {
          /* one event per tick */
          const char *start = stream->body->str + stream->offset;
          const char *end = strstr (start, "\n\n");

          n = end ? (gsize)(end - start) + 2 : stream->body->len - stream->offset;
        }
      soup_message_body_append (body, SOUP_MEMORY_COPY, stream->body->str + stream->offset, n);
      stream->offset += n;
      soup_server_message_unpause (stream->msg);
    }

  return G_SOURCE_CONTINUE;
}

static void
start_stream (SoupServerMessage *msg,
              GString           *sse,
              guint              interval_ms,
              gboolean           endless)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Stream *stream = g_new0 (Stream, 1);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");

  stream->msg = g_object_ref (msg);
  stream->body = sse;
  stream->interval_ms = interval_ms;
  stream->endless = endless;
  g_signal_connect (msg, "finished", G_CALLBACK (on_msg_finished), stream);
  soup_server_message_pause (msg);
  g_timeout_add (interval_ms, stream_step_cb, stream);
}

/* A connection cut before the stream ends: the raw HTTP response is written
 * on the stolen connection, which is then closed without the terminating
 * chunk, as a crashing server or a dropped proxy would leave it. */
static void
send_cut_stream (SoupServerMessage *msg,
                 GString           *sse)
{
  g_autoptr(GIOStream) conn = soup_server_message_steal_connection (msg);
  GOutputStream *out;
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
  out = g_io_stream_get_output_stream (conn);
  g_output_stream_write_all (out, raw->str, raw->len, NULL, NULL, NULL);
  g_io_stream_close (conn, NULL, NULL);
}

static void
send_json_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *message,
                 const char        *type,
                 const char        *code)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "param");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  if (code)
    json_builder_add_string_value (b, code);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}


/* "[id] content" of every tool message in the request, or NULL. */
static char *
tool_results (JsonObject *request)
{
  JsonArray *messages = json_object_get_array_member (request, "messages");
  g_autoptr(GString) out = NULL;

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (m, "role", ""), "tool") != 0)
        continue;
      if (out == NULL)
        out = g_string_new ("Tool results:");
      g_string_append_printf (out, " [%s] %s",
                              json_object_get_string_member_with_default (m, "tool_call_id", ""),
                              json_object_get_string_member_with_default (m, "content", ""));
    }
  return out ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static char *
last_message_text (JsonObject *request)
{
  JsonArray *messages;
  guint n;

  if (!json_object_has_member (request, "messages"))
    return g_strdup ("");
  messages = json_object_get_array_member (request, "messages");
  n = json_array_get_length (messages);
  for (guint i = n; i > 0; i--)
    {
      JsonObject *m = json_array_get_object_element (messages, i - 1);
      JsonNode *content = json_object_get_member (m, "content");

      if (content != NULL && JSON_NODE_HOLDS_VALUE (content))
        return g_strdup (json_node_get_string (content));
    }
  return g_strdup ("");
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
handle_chat (SoupServerMessage *msg)
{
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (req_body);
  const char *auth = soup_message_headers_get_one (req_headers, "Authorization");
  JsonObject *request;
  const char *model;
  g_autofree char *last = NULL;
  g_autofree char *results = NULL;
  GString *sse;
  gint64 prompt_tokens;

  request_counter++;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      send_json_error (msg, 400, "We could not parse the JSON body of your request.",
                       "invalid_request_error", NULL);
      return;
    }

  request = json_node_get_object (json_parser_get_root (parser));
  model = json_object_get_string_member_with_default (request, "model", "echo");

  if (json_object_get_boolean_member_with_default (request, "stream", FALSE))
    streamed_counter++;
  last_request_bytes = g_bytes_get_size (bytes);
  last_request_messages = json_object_has_member (request, "messages") &&
                          JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "messages"))
                            ? json_array_get_length (json_object_get_array_member (request, "messages"))
                            : 0;

  if (require_key != NULL)
    {
      g_autofree char *expected = g_strdup_printf ("Bearer %s", require_key);

      if (g_strcmp0 (auth, expected) != 0)
        {
          g_autofree char *message =
            g_strdup_printf ("Incorrect API key provided: %s. You can find your API key in your account settings.",
                             auth ? auth + (g_str_has_prefix (auth, "Bearer ") ? 7 : 0) : "(none)");
          send_json_error (msg, 401, message, "invalid_request_error", "invalid_api_key");
          return;
        }
    }

  if (g_str_equal (model, "unauthorized"))
    {
      g_autofree char *message =
        g_strdup_printf ("Incorrect API key provided: %s.",
                         auth ? auth + (g_str_has_prefix (auth, "Bearer ") ? 7 : 0) : "(none)");
      send_json_error (msg, 401, message, "invalid_request_error", "invalid_api_key");
      return;
    }
  if (g_str_equal (model, "notfound"))
    {
      send_json_error (msg, 404, "The model `notfound` does not exist or you do not have access to it.",
                       "invalid_request_error", "model_not_found");
      return;
    }
  if (g_str_equal (model, "quota"))
    {
      send_json_error (msg, 429, "You exceeded your current quota, please check your plan and billing details.",
                       "insufficient_quota", "insufficient_quota");
      return;
    }
  if (g_str_equal (model, "ratelimit-once") && first_failure (model))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "retry-after", "1");
      send_json_error (msg, 429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded");
      return;
    }
  if (g_str_equal (model, "flaky") && first_failure (model))
    {
      send_json_error (msg, 500, "The server had an error while processing your request.",
                       "server_error", NULL);
      return;
    }

  last = last_message_text (request);
  results = tool_results (request);
  prompt_tokens = (gint64)g_bytes_get_size (bytes) / 4;
  sse = g_string_new (NULL);

  if (g_str_equal (model, "tools-answer") && results != NULL)
    {
      append_text_events (sse, model, results);
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 8);
    }
  else if (g_str_equal (model, "tools-loop"))
    {
      append_event (sse, "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    "\"model\":\"tools-loop\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    "\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_l\","
                    "\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":"
                    "\"{\\\"path\\\": \\\"notes.txt\\\"}\"}}]},\"finish_reason\":null}]}");
      append_finish_and_usage (sse, model, "tool_calls", prompt_tokens, 10);
    }
  else if (g_str_equal (model, "tools") || g_str_equal (model, "tools-answer"))
    {
      const char *frags[] = {
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"path\\\": \"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"list_directory\",\"arguments\":\"{\\\"path\\\"\"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"notes.txt\\\"}\"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\": \\\".\\\"}\"}}]},\"finish_reason\":null}]}",
      };

      for (guint i = 0; i < G_N_ELEMENTS (frags); i++)
        append_event (sse, frags[i]);
      append_finish_and_usage (sse, model, "tool_calls", prompt_tokens, 24);
    }
  else if (g_str_has_prefix (model, "selector:"))
    {
      g_auto(GStrv) answers = g_strsplit (model + strlen ("selector:"), "|", -1);
      JsonArray *messages = json_object_has_member (request, "messages")
                              ? json_object_get_array_member (request, "messages") : NULL;
      guint n_assistant = 0;
      guint n_answers = g_strv_length (answers);

      for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
        {
          JsonObject *m = json_array_get_object_element (messages, i);

          if (g_strcmp0 (json_object_get_string_member_with_default (m, "role", ""), "assistant") == 0)
            n_assistant++;
        }
      append_text_events (sse, model, n_answers > 0 ? answers[MIN (n_assistant, n_answers - 1)] : "");
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 1);
    }
  else if (g_str_has_prefix (model, "handoff:"))
    {
      g_autofree char *frag = NULL;
      g_autofree char *escaped = g_strescape (model + strlen ("handoff:"), NULL);

      frag = g_strdup_printf ("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                              "\"model\":\"handoff\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                              "\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
                              "\"call_handoff\",\"type\":\"function\",\"function\":{\"name\":"
                              "\"transfer_to_%s\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}",
                              escaped);
      append_event (sse, frag);
      append_finish_and_usage (sse, model, "tool_calls", prompt_tokens, 5);
    }
  else if (g_str_equal (model, "markdown"))
    {
      append_text_events (sse, model,
                          "# Plan\n\nHere is **the** plan:\n\n- pack\n- travel\n\n"
                          "```c\nint main (void) { return 0; }\n```\n");
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 21);
    }
  else if (g_str_equal (model, "terminate"))
    {
      append_text_events (sse, model, "All done. TERMINATE");
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 4);
    }
  else if (g_str_equal (model, "error-mid") ||
           (g_str_equal (model, "error-mid-once") && first_failure (model)))
    {
      append_text_events (sse, model, "Partial answer before ");
      append_event (sse, "{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"code\":null}}");
    }
  else if (g_str_equal (model, "cut"))
    {
      append_text_events (sse, model, "This reply will be cut off in the middle of");
    }
  else if (g_str_equal (model, "badjson"))
    {
      append_text_events (sse, model, "Some text ");
      g_string_append (sse, "data: {\"choices\": [ {\"delta\": \n\n");
    }
  else if (g_str_equal (model, "endless"))
    {
      start_stream (msg, sse, 20, TRUE);
      return;
    }
  else if (g_str_equal (model, "slow"))
    {
      append_text_events (sse, model, "one two three four five six seven eight nine ten");
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 10);
      g_string_append (sse, "data: [DONE]\n\n");
      start_stream (msg, sse, 200, FALSE);
      return;
    }
  else if (g_str_equal (model, "instant"))
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      append_text_events (sse, model, "Noted, carry on.");
      append_finish_and_usage (sse, model, "stop", prompt_tokens, 4);
      g_string_append (sse, "data: [DONE]\n\n");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_TAKE,
                                        sse->str, sse->len);
      g_string_free (sse, FALSE);
      return;
    }
  else
    {
      g_autofree char *reply = g_strdup_printf ("Echo: %s", last);

      append_text_events (sse, model, reply);
      append_finish_and_usage (sse, model, "stop", prompt_tokens,
                               (gint64)g_utf8_strlen (reply, -1) / 4 + 1);
    }

  if (!g_str_equal (model, "cut") && !g_str_equal (model, "error-mid") &&
      !g_str_equal (model, "badjson"))
    g_string_append (sse, "data: [DONE]\n\n");

  if (g_str_equal (model, "cut"))
    {
      send_cut_stream (msg, sse);
      return;
    }

  start_stream (msg, sse, 1, FALSE);
}

static void
handle_models (SoupServerMessage *msg)
{
  static const char body[] =
    "{\"object\":\"list\",\"data\":["
    "{\"id\":\"echo\",\"object\":\"model\",\"created\":1,\"owned_by\":\"test\"},"
    "{\"id\":\"markdown\",\"object\":\"model\",\"created\":1,\"owned_by\":\"test\"},"
    "{\"id\":\"tools\",\"object\":\"model\",\"created\":1,\"owned_by\":\"test\"},"
    "{\"id\":\"slow\",\"object\":\"model\",\"created\":1,\"owned_by\":\"test\"}]}";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

static void
handle_stats (SoupServerMessage *msg)
{
  char *body = g_strdup_printf ("{\"chat_requests\":%u,\"streamed_requests\":%u,"
                                "\"last_request_bytes\":%" G_GSIZE_FORMAT ",\"last_request_messages\":%u}",
                                request_counter, streamed_counter, last_request_bytes,
                                last_request_messages);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_has_suffix (path, "/chat/completions") && g_str_equal (method, "POST"))
    handle_chat (msg);
  else if (g_str_has_suffix (path, "/models") && g_str_equal (method, "GET"))
    handle_models (msg);
  else if (g_str_equal (path, "/stats") && g_str_equal (method, "GET"))
    handle_stats (msg);
  else
    send_json_error (msg, 404, "Unknown request URL.", "invalid_request_error", "unknown_url");
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
  gboolean keep_running = FALSE;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on (0 picks one)", "N" },
    { "require-key", 0, 0, G_OPTION_ARG_STRING, &require_key, "Answer 401 unless this bearer key is sent", "KEY" },
    { "keep-running", 0, 0, G_OPTION_ARG_NONE, &keep_running, "Do not exit when stdin closes", NULL },
    { NULL }
  };

  context = g_option_context_new ("- OpenAI-compatible loopback test server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  failures_done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server = soup_server_new ("server-header", "da-openai-test-server", NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  status = da_test_server_serve (server, port, keep_running);

  g_hash_table_unref (failures_done);
  g_free (require_key);
  return status;
}
