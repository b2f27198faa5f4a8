/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DaOpenaiProvider against a SoupServer on 127.0.0.1 that speaks the
 * Chat Completions wire format, streaming in pieces of odd sizes so that
 * events split across reads. The first path segment of the base URL
 * picks the server's behaviour. */
#include "config.h"

#include <libsoup/soup.h>

#include "denoagents.h"
#include "da-llm-http-private.h"
#include "da-openai-provider.h"

#define TEST_KEY "sk-test-Secret1234567890"

typedef struct
{
  SoupServerMessage *msg;
  GBytes            *payload;
  gsize              offset;
  gsize              written;
  gsize              stall_after;
  gsize              cut_after;
  guint              piece;
  guint              source_id;
  gulong             finished_id;
  gulong             wrote_id;
  gboolean           endless;
  gboolean           done;
} Writer;

typedef struct
{
  SoupServer *server;
  char       *root;
  GHashTable *counts;
  GPtrArray  *writers;
  char       *last_body;
  char       *last_auth;
  char       *last_user_agent;
  GCancellable *cancel_on_request;
} Fixture;

static const gsize pieces[] = { 1, 7, 13, 2, 31, 5, 64, 3, 17, 11 };

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
writer_stop (Writer *w)
{
  w->done = TRUE;
  g_clear_handle_id (&w->source_id, g_source_remove);
}

static void
writer_free (gpointer data)
{
  Writer *w = data;

  writer_stop (w);
  g_clear_signal_handler (&w->finished_id, w->msg);
  g_clear_signal_handler (&w->wrote_id, w->msg);
  g_clear_object (&w->msg);
  g_clear_pointer (&w->payload, g_bytes_unref);
  g_free (w);
}

static void
writer_finished_cb (SoupServerMessage *msg,
                    Writer            *w)
{
  writer_stop (w);
}

static gboolean
writer_cut_cb (gpointer user_data)
{
  Writer *w = user_data;
  GSocket *socket = soup_server_message_get_socket (w->msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
writer_wrote_cb (SoupServerMessage *msg,
                 guint              size,
                 Writer            *w)
{
  w->written += size;
  if (w->cut_after > 0 && w->written >= w->cut_after && !w->done)
    {
      writer_stop (w);
      g_idle_add (writer_cut_cb, w);
    }
}

static gboolean
writer_tick_cb (gpointer user_data)
{
  Writer *w = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (w->msg);
  gsize len = w->payload != NULL ? g_bytes_get_size (w->payload) : 0;
  gsize size = pieces[w->piece++ % G_N_ELEMENTS (pieces)];

  if (w->endless)
    {
      static const char tick[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"}}]}\n\n";

      soup_message_body_append (body, SOUP_MEMORY_STATIC, tick, strlen (tick));
      soup_server_message_unpause (w->msg);
      return G_SOURCE_CONTINUE;
    }

  if (w->stall_after > 0 && w->offset >= w->stall_after)
    {
      w->source_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (w->offset >= len)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (w->msg);
      w->source_id = 0;
      return G_SOURCE_REMOVE;
    }

  size = MIN (size, len - w->offset);
  if (w->stall_after > 0)
    size = MIN (size, w->stall_after - w->offset);
  if (w->cut_after > 0)
    size = MIN (size, w->cut_after - w->offset);
  soup_message_body_append (body, SOUP_MEMORY_COPY,
                            (const char *)g_bytes_get_data (w->payload, NULL) + w->offset, size);
  w->offset += size;
  soup_server_message_unpause (w->msg);

  if (w->cut_after > 0 && w->offset >= w->cut_after)
    {
      w->source_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static Writer *
start_stream (Fixture           *f,
              SoupServerMessage *msg,
              GBytes            *payload,
              SoupEncoding       encoding)
{
  Writer *w = g_new0 (Writer, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  w->msg = g_object_ref (msg);
  w->payload = payload != NULL ? g_bytes_ref (payload) : NULL;
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (headers, encoding);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  w->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (writer_finished_cb), w);
  w->wrote_id = g_signal_connect (msg, "wrote-body-data", G_CALLBACK (writer_wrote_cb), w);
  soup_server_message_pause (msg);
  w->source_id = g_timeout_add (1, writer_tick_cb, w);
  g_ptr_array_add (f->writers, w);

  return w;
}

static GBytes *
fixture_bytes (const char *name)
{
  gsize len = 0;
  char *data = read_fixture (name, &len);

  return g_bytes_new_take (data, len);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
stream_fixture (Fixture           *f,
                SoupServerMessage *msg,
                const char        *name)
{
  g_autoptr(GBytes) payload = fixture_bytes (name);

  start_stream (f, msg, payload, SOUP_ENCODING_CHUNKED);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 2);
  const char *scenario = parts[0];
  guint n;

  n = GPOINTER_TO_UINT (g_hash_table_lookup (f->counts, scenario)) + 1;
  g_hash_table_replace (f->counts, g_strdup (scenario), GUINT_TO_POINTER (n));

  g_free (f->last_auth);
  f->last_auth = g_strdup (soup_message_headers_get_one (request_headers, "Authorization"));
  g_free (f->last_user_agent);
  f->last_user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));
  g_free (f->last_body);
  f->last_body = g_strndup (request_body->data, request_body->length);

  if (g_str_has_suffix (path, "/models"))
    {
      if (g_str_equal (scenario, "models"))
        {
          gsize len = 0;
          g_autofree char *json = read_fixture ("models.json", &len);

          respond_json (msg, 200, json);
        }
      else
        {
          respond_json (msg, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " TEST_KEY "\",\"code\":\"invalid_api_key\"}}");
        }
      return;
    }

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0 ||
      !g_str_has_suffix (path, "/v1/chat/completions"))
    {
      respond_json (msg, 404, "{\"error\":{\"message\":\"no such route\"}}");
      return;
    }

  if (g_str_equal (scenario, "text") || g_str_equal (scenario, "text2"))
    stream_fixture (f, msg, "openai-text.sse");
  else if (g_str_equal (scenario, "tools"))
    stream_fixture (f, msg, "openai-tools.sse");
  else if (g_str_equal (scenario, "echo-key"))
    respond_json (msg, 401,
                  "{\"error\":{\"message\":\"Incorrect API key provided: " TEST_KEY
                  ". You sent: Authorization: Bearer " TEST_KEY "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
  else if (g_str_equal (scenario, "bad-request"))
    respond_json (msg, 400, "{\"error\":{\"message\":\"Invalid 'messages': empty array.\",\"type\":\"invalid_request_error\",\"code\":null}}");
  else if (g_str_equal (scenario, "no-model"))
    respond_json (msg, 404, "{\"error\":{\"message\":\"The model `gpt-9` does not exist\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}");
  else if (g_str_equal (scenario, "quota"))
    respond_json (msg, 429, "{\"error\":{\"message\":\"You exceeded your current quota.\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}");
  else if (g_str_equal (scenario, "rate-then-ok") && n == 1)
    {
      soup_message_headers_replace (response_headers, "retry-after-ms", "30");
      soup_message_headers_replace (response_headers, "retry-after", "1");
      respond_json (msg, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
    }
  else if (g_str_equal (scenario, "rate-then-ok"))
    stream_fixture (f, msg, "openai-text.sse");
  else if (g_str_equal (scenario, "rate-always"))
    {
      soup_message_headers_replace (response_headers, "retry-after", "0.01");
      respond_json (msg, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}");
    }
  else if (g_str_equal (scenario, "rate-long"))
    {
      soup_message_headers_replace (response_headers, "retry-after", "3600");
      respond_json (msg, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}");
    }
  else if (g_str_equal (scenario, "rate-wait"))
    {
      /* A long but acceptable wait, for cancelling during the backoff. */
      soup_message_headers_replace (response_headers, "retry-after", "30");
      respond_json (msg, 429, "{\"error\":{\"message\":\"Rate limit reached\"}}");
      if (f->cancel_on_request != NULL)
        g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_cb,
                            g_object_ref (f->cancel_on_request), g_object_unref);
    }
  else if (g_str_equal (scenario, "server-then-ok") && n == 1)
    respond_json (msg, 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
  else if (g_str_equal (scenario, "server-then-ok"))
    stream_fixture (f, msg, "openai-text.sse");
  else if (g_str_equal (scenario, "error-mid"))
    stream_fixture (f, msg, "openai-error.sse");
  else if (g_str_equal (scenario, "cut"))
    {
      g_autoptr(GBytes) payload = fixture_bytes ("openai-text.sse");
      Writer *w = start_stream (f, msg, payload, SOUP_ENCODING_CHUNKED);

      /* Through the second content event. */
      w->cut_after = strstr (g_bytes_get_data (payload, NULL), "wörld") - (const char *)g_bytes_get_data (payload, NULL) + 200;
    }
  else if (g_str_equal (scenario, "cut-eof"))
    {
      gsize len = 0;
      g_autofree char *data = read_fixture ("openai-cut.sse", &len);
      g_autoptr(GBytes) payload = g_bytes_new (data, len);

      soup_message_headers_replace (response_headers, "Connection", "close");
      start_stream (f, msg, payload, SOUP_ENCODING_EOF);
    }
  else if (g_str_equal (scenario, "cut-early") && n == 1)
    {
      g_autoptr(GBytes) payload = fixture_bytes ("openai-text.sse");
      Writer *w = start_stream (f, msg, payload, SOUP_ENCODING_CHUNKED);

      w->cut_after = 20;
    }
  else if (g_str_equal (scenario, "cut-early"))
    stream_fixture (f, msg, "openai-text.sse");
  else if (g_str_equal (scenario, "invalid-json"))
    {
      const char *text = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok \"}}]}\n\n"
                         "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\n\n"
                         "data: [DONE]\n\n";
      g_autoptr(GBytes) payload = g_bytes_new_static (text, strlen (text));

      start_stream (f, msg, payload, SOUP_ENCODING_CHUNKED);
    }
  else if (g_str_equal (scenario, "json-error"))
    respond_json (msg, 200, "{\"error\":{\"message\":\"model is loading\",\"type\":\"server_error\"}}");
  else if (g_str_equal (scenario, "endless"))
    start_stream (f, msg, NULL, SOUP_ENCODING_CHUNKED)->endless = TRUE;
  else if (g_str_equal (scenario, "stall"))
    {
      g_autoptr(GBytes) payload = fixture_bytes ("openai-text.sse");
      Writer *w = start_stream (f, msg, payload, SOUP_ENCODING_CHUNKED);

      w->stall_after = strstr (g_bytes_get_data (payload, NULL), "wörld") - (const char *)g_bytes_get_data (payload, NULL);
    }
  else if (g_str_equal (scenario, "silent"))
    soup_server_message_pause (msg);
  else
    respond_json (msg, 404, "{\"error\":{\"message\":\"unknown scenario\"}}");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new ("server-header", "test-openai ", NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->root = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  if (g_str_has_suffix (f->root, "/"))
    f->root[strlen (f->root) - 1] = '\0';
  f->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->writers = g_ptr_array_new_with_free_func (writer_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_pointer (&f->writers, g_ptr_array_unref);
  g_clear_object (&f->server);
  g_clear_pointer (&f->counts, g_hash_table_unref);
  g_clear_pointer (&f->root, g_free);
  g_clear_pointer (&f->last_body, g_free);
  g_clear_pointer (&f->last_auth, g_free);
  g_clear_pointer (&f->last_user_agent, g_free);
  g_clear_object (&f->cancel_on_request);

  /* Let closed connections and finished messages settle. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
count (Fixture    *f,
       const char *scenario)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->counts, scenario));
}

static DaProvider *
new_provider (Fixture    *f,
              const char *scenario)
{
  g_autofree char *base = g_strdup_printf ("%s/%s/v1", f->root, scenario);
  DaProvider *provider = da_openai_provider_new (base);

  da_provider_set_default_model (provider, "gpt-4o-mini");
  da_provider_set_api_key (provider, TEST_KEY);
  return provider;
}

static DaRequest *
simple_request (void)
{
  DaRequest *request = da_request_new (NULL);
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, "Ann Lee", "Hello?");

  da_request_add_message (request, user);
  return request;
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
run_stream (DaProvider    *provider,
            DaRequest     *request,
            DaMessage     *reply,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  da_provider_stream_async (provider, request, reply, cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return da_provider_stream_finish (provider, result, error);
}

static GError *
run_scenario (Fixture    *f,
              const char *scenario,
              guint       max_retries,
              DaMessage  *reply)
{
  g_autoptr(DaProvider) provider = new_provider (f, scenario);
  g_autoptr(DaRequest) request = simple_request ();
  GError *error = NULL;

  da_provider_set_max_retries (provider, max_retries);
  if (run_stream (provider, request, reply, NULL, &error))
    g_assert_no_error (error);
  return error;
}

static void
assert_text_reply (DaMessage *reply)
{
  g_assert_cmpstr (da_message_get_content (reply), ==, "Hello, wörld!\n\"quoted\" é");
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
  g_assert_cmpint (da_message_get_prompt_tokens (reply), ==, 12);
  g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 5);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_STREAMING);
}

static void
on_delta (DaMessage  *message,
          const char *text,
          GString    *seen)
{
  g_string_append (seen, text);
}

static void
test_text (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "text");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *root;
  JsonObject *message;

  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), seen);
  g_assert_true (run_stream (provider, request, reply, NULL, &error));
  g_assert_no_error (error);
  assert_text_reply (reply);
  g_assert_cmpstr (seen->str, ==, da_message_get_content (reply));
  g_assert_cmpuint (count (f, "text"), ==, 1);

  g_assert_cmpstr (f->last_auth, ==, "Bearer " TEST_KEY);
  g_assert_cmpstr (f->last_user_agent, ==, "DenoAgents/" PACKAGE_VERSION);
  body = json_from_string (f->last_body, &error);
  g_assert_no_error (error);
  root = json_node_get_object (body);
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "gpt-4o-mini");
  g_assert_true (json_object_get_boolean_member (root, "stream"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (root, "stream_options"),
                                                 "include_usage"));
  g_assert_false (json_object_has_member (root, "tools"));
  message = json_array_get_object_element (json_object_get_array_member (root, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "name"), ==, "Ann_Lee");
}

static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "text2");
  g_autoptr(DaRequest) request = da_request_new ("llama3.2");
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  da_provider_set_api_key (provider, NULL);
  g_assert_true (run_stream (provider, request, reply, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (f->last_auth);
  body = json_from_string (f->last_body, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "model"), ==, "llama3.2");
}

static void
test_tools (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "tools");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(DaMessage) assistant = da_message_new (DA_ROLE_ASSISTANT, "planner", "");
  g_autoptr(DaMessage) result = da_message_new (DA_ROLE_TOOL, "get_weather", "{\"temp\":21}");
  g_autoptr(DaToolCall) earlier = da_tool_call_new ("call_0", "get_weather", "{}");
  g_autoptr(JsonNode) tools = json_from_string ("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
                                                "{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{\"type\":\"object\"}}}]", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonArray *messages;
  JsonObject *m;
  GPtrArray *calls;
  DaToolCall *call;

  da_message_add_tool_call (assistant, earlier);
  da_message_set_tool_call_id (result, "call_0");
  da_request_add_message (request, assistant);
  da_request_add_message (request, result);
  da_request_set_tools (request, tools);

  g_assert_true (run_stream (provider, request, reply, NULL, &error));
  g_assert_no_error (error);

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
  g_assert_cmpint (da_message_get_completion_tokens (reply), ==, 31);

  body = json_from_string (f->last_body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (body), "tools")), ==, 2);
  messages = json_object_get_array_member (json_node_get_object (body), "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  m = json_array_get_object_element (messages, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (m, "tool_calls"), 0), "id"), ==, "call_0");
  m = json_array_get_object_element (messages, 2);
  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, "tool");
  g_assert_cmpstr (json_object_get_string_member (m, "tool_call_id"), ==, "call_0");
}

static void
test_auth_error_redacted (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "echo-key", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_cmpuint (da_llm_error_get_http_status (error), ==, 401);
  g_assert_cmpuint (count (f, "echo-key"), ==, 1);
  g_assert_null (strstr (error->message, "Secret1234567890"));
  g_assert_null (strstr (error->message, "\n"));
  g_assert_true (g_str_has_prefix (error->message, "HTTP 401: Incorrect API key provided: [REDACTED]"));
  g_assert_nonnull (strstr (error->message, "Bearer [REDACTED]"));
  g_assert_nonnull (strstr (error->message, "(invalid_api_key)"));
  g_assert_cmpstr (f->last_auth, ==, "Bearer " TEST_KEY);
}

static void
test_status_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct { const char *scenario; DaLlmError code; guint status; const char *text; } cases[] = {
    { "bad-request", DA_LLM_ERROR_INVALID_REQUEST, 400, "HTTP 400: Invalid 'messages': empty array. (invalid_request_error)" },
    { "no-model", DA_LLM_ERROR_NOT_FOUND, 404, "HTTP 404: The model `gpt-9` does not exist (model_not_found)" },
    { "quota", DA_LLM_ERROR_QUOTA_EXCEEDED, 429, "HTTP 429: You exceeded your current quota. (insufficient_quota)" },
    { "nowhere", DA_LLM_ERROR_NOT_FOUND, 404, "HTTP 404: unknown scenario" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
      g_autoptr(GError) error = run_scenario (f, cases[i].scenario, 3, reply);

      g_assert_error (error, DA_LLM_ERROR, (gint)cases[i].code);
      g_assert_cmpuint (da_llm_error_get_http_status (error), ==, cases[i].status);
      g_assert_cmpstr (error->message, ==, cases[i].text);
      /* Never retried. */
      g_assert_cmpuint (count (f, cases[i].scenario), ==, 1);
      g_assert_cmpstr (da_message_get_content (reply), ==, "");
    }
}

static void
test_rate_limit_then_ok (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "rate-then-ok", 3, reply);

  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "rate-then-ok"), ==, 2);
  assert_text_reply (reply);
}

static void
test_rate_limit_exhausted (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "rate-always", 2, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpuint (count (f, "rate-always"), ==, 3);
  g_assert_cmpint (da_llm_error_get_retry_after_ms (error), ==, 10);
  g_assert_cmpuint (da_llm_error_get_http_status (error), ==, 429);
}

static void
test_rate_limit_too_long (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "rate-long", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpuint (count (f, "rate-long"), ==, 1);
  g_assert_cmpint (da_llm_error_get_retry_after_ms (error), ==, 3600 * 1000);
}

static void
test_cancel_during_backoff (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "rate-wait");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;

  f->cancel_on_request = g_cancellable_new ();
  g_assert_false (run_stream (provider, request, reply, f->cancel_on_request, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED);
  /* The 30 s wait was cut short: no second request. */
  g_assert_cmpuint (count (f, "rate-wait"), ==, 1);
}

static void
test_server_error_then_ok (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "server-then-ok", 3, reply);

  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "server-then-ok"), ==, 2);
  assert_text_reply (reply);
}

static void
test_error_mid_stream (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "error-mid", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "The server had an error while processing your request."));
  g_assert_cmpstr (da_message_get_content (reply), ==, "Partial");
  g_assert_cmpuint (count (f, "error-mid"), ==, 1);
}

static void
test_cut_mid_stream (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "cut", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CONNECTION);
  g_assert_true (g_str_has_prefix (error->message, "connection closed before the reply was complete"));
  g_assert_cmpstr (da_message_get_content (reply), ==, "Hello, wörld");
  g_assert_null (da_message_get_finish_reason (reply));
  g_assert_cmpuint (count (f, "cut"), ==, 1);
}

static void
test_cut_at_eof (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "cut-eof", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CONNECTION);
  g_assert_cmpstr (error->message, ==, "connection closed before the reply was complete");
  g_assert_cmpstr (da_message_get_content (reply), ==, "Cut here");
  g_assert_cmpuint (count (f, "cut-eof"), ==, 1);
}

static void
test_cut_before_output (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "cut-early", 3, reply);

  /* Nothing had reached the message, so the request was sent again. */
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "cut-early"), ==, 2);
  assert_text_reply (reply);
}

static void
test_invalid_json (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "invalid-json", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (da_message_get_content (reply), ==, "ok ");
  g_assert_cmpuint (count (f, "invalid-json"), ==, 1);
}

static void
test_json_instead_of_stream (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = run_scenario (f, "json-error", 3, reply);

  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "model is loading"));
}

static void
cancel_after_deltas_cb (DaMessage    *message,
                        const char   *text,
                        GCancellable *cancellable)
{
  if (g_str_has_prefix (da_message_get_content (message), "tick tick tick"))
    g_cancellable_cancel (cancellable);
}

static void
test_cancel_endless (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "endless");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (reply, "delta", G_CALLBACK (cancel_after_deltas_cb), cancellable);
  g_assert_false (run_stream (provider, request, reply, cancellable, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED);
  g_assert_true (g_str_has_prefix (da_message_get_content (reply), "tick tick tick"));
  g_assert_cmpuint (count (f, "endless"), ==, 1);
}

static void
test_cancel_before_start (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "text");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (run_stream (provider, request, reply, cancellable, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED);
  g_assert_cmpstr (da_message_get_content (reply), ==, "");
}

static void
test_timeout_body (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "stall");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;

  da_provider_set_timeout (provider, 1);
  g_assert_false (run_stream (provider, request, reply, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_TIMEOUT);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Hello");
  g_assert_cmpuint (count (f, "stall"), ==, 1);
}

static void
test_timeout_headers (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "silent");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;

  da_provider_set_timeout (provider, 1);
  g_assert_false (run_stream (provider, request, reply, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_TIMEOUT);
  g_assert_cmpuint (count (f, "silent"), ==, 1);
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(DaProvider) provider = NULL;
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  guint16 port;

  /* A port that was free a moment ago: nothing listens there now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  base = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  provider = da_openai_provider_new (base);
  da_provider_set_default_model (provider, "m");
  da_provider_set_max_retries (provider, 0);

  g_assert_false (run_stream (provider, request, reply, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_CONNECTION);
}

static void
test_invalid_setup (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DaProvider) ftp = da_openai_provider_new ("ftp://127.0.0.1/v1");
  g_autoptr(DaProvider) no_model = new_provider (f, "text");
  g_autoptr(DaRequest) request = simple_request ();
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  g_autoptr(GError) error = NULL;

  da_provider_set_default_model (ftp, "m");
  g_assert_false (run_stream (ftp, request, reply, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  da_provider_set_default_model (no_model, NULL);
  g_assert_false (run_stream (no_model, request, reply, NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_INVALID_REQUEST);
  g_assert_cmpuint (count (f, "text"), ==, 0);
}

static void
test_parallel (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "text");
  g_autoptr(DaRequest) request = simple_request ();
  GAsyncResult *results[12] = { NULL, };
  DaMessage *replies[12];
  guint done = 0;

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      replies[i] = da_message_new_streaming ("planner");
      da_provider_stream_async (provider, request, replies[i], NULL, store_result_cb, &results[i]);
    }
  while (done < G_N_ELEMENTS (replies))
    {
      g_main_context_iteration (NULL, TRUE);
      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
        done += results[i] != NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (da_provider_stream_finish (provider, results[i], &error));
      g_assert_no_error (error);
      assert_text_reply (replies[i]);
      g_object_unref (results[i]);
      g_object_unref (replies[i]);
    }
  g_assert_cmpuint (count (f, "text"), ==, G_N_ELEMENTS (replies));
}

static void
test_session_limits (void)
{
  SoupSession *session = _da_llm_get_session ();
  int max_conns = 0;
  int max_conns_per_host = 0;

  g_assert_true (session == _da_llm_get_session ());
  g_object_get (session, "max-conns", &max_conns, "max-conns-per-host", &max_conns_per_host, NULL);
  g_assert_cmpint (max_conns, ==, 50);
  g_assert_cmpint (max_conns_per_host, ==, 10);
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
test_list_models (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DaProvider) provider = new_provider (f, "models");
  g_autoptr(DaProvider) refused = new_provider (f, "models-refused");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  ids = run_list_models (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, "dall-e-3");
  g_assert_cmpstr (ids[2], ==, "gpt-4o");
  g_assert_cmpstr (f->last_auth, ==, "Bearer " TEST_KEY);

  g_assert_null (run_list_models (refused, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_null (strstr (error->message, TEST_KEY));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/llm/openai/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("text", test_text);
  ADD ("no-key", test_no_key);
  ADD ("tools", test_tools);
  ADD ("auth-error-redacted", test_auth_error_redacted);
  ADD ("status-errors", test_status_errors);
  ADD ("rate-limit-then-ok", test_rate_limit_then_ok);
  ADD ("rate-limit-exhausted", test_rate_limit_exhausted);
  ADD ("rate-limit-too-long", test_rate_limit_too_long);
  ADD ("cancel-during-backoff", test_cancel_during_backoff);
  ADD ("server-error-then-ok", test_server_error_then_ok);
  ADD ("error-mid-stream", test_error_mid_stream);
  ADD ("cut-mid-stream", test_cut_mid_stream);
  ADD ("cut-at-eof", test_cut_at_eof);
  ADD ("cut-before-output", test_cut_before_output);
  ADD ("invalid-json", test_invalid_json);
  ADD ("json-instead-of-stream", test_json_instead_of_stream);
  ADD ("cancel-endless", test_cancel_endless);
  ADD ("cancel-before-start", test_cancel_before_start);
  ADD ("timeout-body", test_timeout_body);
  ADD ("timeout-headers", test_timeout_headers);
  ADD ("unreachable", test_unreachable);
  ADD ("invalid-setup", test_invalid_setup);
  ADD ("parallel", test_parallel);
  ADD ("list-models", test_list_models);
  g_test_add_func ("/llm/openai/session-limits", test_session_limits);

  return g_test_run ();
}
