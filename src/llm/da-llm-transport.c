/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

/* One streamed completion over HTTP, whatever the wire format:
 *
 * Retries: only before anything reached the message, for 408, 409, 429,
 * 5xx and connection failures, never for quota or billing errors. The
 * delay is the server's retry-after-ms / retry-after when given (up to
 * DA_LLM_RETRY_AFTER_CAP_MS, beyond which we give up at once), else
 * 0.5 s × 2^n ± 25 %, at most 8 s.
 *
 * Timeout: the provider's "timeout" bounds every wait for the server —
 * for the response headers, then between two reads of the body.
 */

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-llm-http-private.h"
#include "da-llm-transport-private.h"

#define READ_SIZE         (16 * 1024)
#define MAX_ERROR_BODY    (64 * 1024)
#define DRAIN_SECONDS     2

typedef struct
{
  const DaLlmWire *wire;
  DaLlmGuard       guard;
  DaMessage       *reply;
  GUri            *uri;
  GBytes          *body;
  SoupMessage     *msg;
  GInputStream    *stream;
  gpointer         decoder;
  GByteArray      *error_body;
  GSource         *wait_source;
  GSource         *wait_cancel_source;
  guint            timeout;
  guint            max_retries;
  guint            attempt;
} StreamData;

/* An error object read from a body. */
typedef struct
{
  char *message;
  char *type;
  char *code;
} ServerError;

static void
server_error_clear (ServerError *e)
{
  g_clear_pointer (&e->message, g_free);
  g_clear_pointer (&e->type, g_free);
  g_clear_pointer (&e->code, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ServerError, server_error_clear)

static gboolean
parse_server_error (const DaLlmWire *wire,
                    GByteArray      *body,
                    ServerError     *out)
{
  if (body == NULL || body->len == 0)
    return FALSE;
  return wire->parse_error ((const char *)body->data, body->len,
                            &out->message, &out->type, &out->code);
}

static void start_attempt (GTask *task);

static void
clear_wait (StreamData *data)
{
  if (data->wait_source != NULL)
    {
      g_source_destroy (data->wait_source);
      g_clear_pointer (&data->wait_source, g_source_unref);
    }
  if (data->wait_cancel_source != NULL)
    {
      g_source_destroy (data->wait_cancel_source);
      g_clear_pointer (&data->wait_cancel_source, g_source_unref);
    }
}

static void
clear_attempt (StreamData *data)
{
  g_clear_object (&data->stream);
  g_clear_object (&data->msg);
  g_clear_pointer (&data->decoder, data->wire->decoder_free);
  g_clear_pointer (&data->error_body, g_byte_array_unref);
}

static void
stream_data_free (gpointer user_data)
{
  StreamData *data = user_data;

  clear_wait (data);
  clear_attempt (data);
  _da_llm_guard_clear (&data->guard);
  g_clear_object (&data->reply);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data);
}

/* Every end of a stream operation goes through these: the connection is
 * given back (or closed) now, not when the caller drops the result. */
static void
return_error (GTask  *task,
              GError *error)
{
  StreamData *data = g_task_get_task_data (task);

  clear_wait (data);
  clear_attempt (data);
  _da_llm_guard_arm (&data->guard, 0);
  g_task_return_error (task, error);
}

static void
return_success (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);

  clear_attempt (data);
  _da_llm_guard_arm (&data->guard, 0);
  g_task_return_boolean (task, TRUE);
}

static SoupMessage *
new_message (DaProvider      *provider,
             const DaLlmWire *wire,
             const char      *method,
             GUri            *uri)
{
  SoupMessage *msg = soup_message_new_from_uri (method, uri);

  wire->authorize (provider, soup_message_get_request_headers (msg));
  return msg;
}

/**
 * _da_llm_build_uri:
 * @path: appended to the provider's base URL as it is
 *
 * Returns: (transfer full): the URI, or %NULL with
 *   %DA_LLM_ERROR_INVALID_REQUEST when the base URL is not http(s)
 */
GUri *
_da_llm_build_uri (DaProvider  *provider,
                   const char  *path,
                   GError     **error)
{
  const char *base_url = da_provider_get_base_url (provider);
  g_autofree char *url = NULL;
  GUri *uri;

  if (base_url == NULL || *base_url == '\0')
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_INVALID_REQUEST, 0, -1,
                                           "the provider has no base URL"));
      return NULL;
    }

  url = g_strconcat (base_url, path, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_clear_pointer (&uri, g_uri_unref);
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_INVALID_REQUEST, 0, -1,
                                           "the base URL is not an http or https URL"));
      return NULL;
    }

  return uri;
}

/* The error for a non-2xx status, from the status and the body's error
 * object when there is one. */
static GError *
status_error (DaProvider  *provider,
              SoupMessage *msg,
              ServerError *parsed,
              gint64       retry_after_ms)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;
  const char *server_message = parsed->message;
  const char *server_code = parsed->code != NULL ? parsed->code : parsed->type;

  if (server_message == NULL || *server_message == '\0')
    server_message = soup_message_get_reason_phrase (msg);
  if (server_message == NULL || *server_message == '\0')
    server_message = soup_status_get_phrase (status);

  message = _da_llm_redact (provider, server_message);
  code = _da_llm_redact (provider, server_code);

  return da_llm_error_new (_da_llm_error_code_for_status (status, parsed->type, parsed->code),
                           status, retry_after_ms,
                           code != NULL && *code != '\0' ? "HTTP %u: %s (%s)" : "HTTP %u: %s",
                           status, message != NULL ? message : "", code);
}

static gboolean
wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  StreamData *data = g_task_get_task_data (task);

  clear_wait (data);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  StreamData *data = g_task_get_task_data (task);

  clear_wait (data);
  return_error (task, _da_llm_guard_check (&data->guard, "answer", data->timeout));
  return G_SOURCE_REMOVE;
}

/* Either schedules another attempt or returns @error. Takes @error. */
static void
retry_or_fail (GTask    *task,
               GError   *error,
               gboolean  retryable,
               gint64    retry_after_ms)
{
  StreamData *data = g_task_get_task_data (task);
  gboolean has_output = data->decoder != NULL && data->wire->decoder_has_output (data->decoder);
  guint delay_ms;

  if (!retryable || has_output || data->attempt >= data->max_retries ||
      retry_after_ms > DA_LLM_RETRY_AFTER_CAP_MS)
    {
      return_error (task, error);
      return;
    }

  g_debug ("retrying after: %s", error->message);
  g_error_free (error);

  delay_ms = retry_after_ms >= 0 ? (guint)retry_after_ms
                                 : _da_llm_backoff_ms (data->attempt, g_random_double ());
  data->attempt++;
  clear_attempt (data);
  _da_llm_guard_arm (&data->guard, 0);

  /* Both sources hold the task: whichever fires first destroys both. */
  data->wait_source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (data->wait_source, "[da-llm] retry backoff");
  g_source_set_callback (data->wait_source, wait_done_cb, g_object_ref (task), g_object_unref);
  g_source_attach (data->wait_source, g_task_get_context (task));

  data->wait_cancel_source = g_cancellable_source_new (data->guard.cancellable);
  g_source_set_callback (data->wait_cancel_source, G_SOURCE_FUNC (wait_cancelled_cb),
                         g_object_ref (task), g_object_unref);
  g_source_attach (data->wait_cancel_source, g_task_get_context (task));
}

/* An I/O error from libsoup: ours (cancel, timeout) or the network's. */
static void
io_failed (GTask      *task,
           GError     *io_error,
           const char *what)
{
  StreamData *data = g_task_get_task_data (task);
  GError *error = _da_llm_guard_check (&data->guard, what, data->timeout);

  if (error != NULL)
    {
      g_error_free (io_error);
      return_error (task, error);
      return;
    }

  if (data->stream != NULL)
    error = da_llm_error_new (DA_LLM_ERROR_CONNECTION, 0, -1,
                              "connection closed before the reply was complete: %s",
                              io_error->message);
  else
    error = da_llm_error_new (DA_LLM_ERROR_CONNECTION, 0, -1,
                              "could not reach %s: %s",
                              g_uri_get_host (data->uri), io_error->message);
  g_error_free (io_error);

  retry_or_fail (task, error, TRUE, -1);
}

static void
finish_stream (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!data->wire->decoder_finish (data->decoder, &error))
    retry_or_fail (task, error, TRUE, -1);
  else
    return_success (task);
}

static void
read_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  const DaLlmWire *wire = data->wire;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gboolean was_done = wire->decoder_is_done (data->decoder);

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  /* After the end event the reply is complete; reading on only lets the
   * connection be reused, so its failures do not matter. */
  if (was_done && (bytes == NULL || g_bytes_get_size (bytes) == 0))
    {
      g_clear_error (&error);
      finish_stream (task);
      return;
    }

  if (bytes == NULL)
    {
      io_failed (task, error, "data");
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      finish_stream (task);
      return;
    }

  if (!wire->decoder_feed (data->decoder, g_bytes_get_data (bytes, NULL),
                           g_bytes_get_size (bytes), &error))
    {
      return_error (task, error);
      return;
    }

  _da_llm_guard_arm (&data->guard,
                     wire->decoder_is_done (data->decoder)
                       ? MIN (data->timeout == 0 ? DRAIN_SECONDS : data->timeout, DRAIN_SECONDS)
                       : data->timeout);

  g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   data->guard.cancellable, read_body_cb,
                                   g_steal_pointer (&task));
}

static void
error_body_done (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);
  DaProvider *provider = DA_PROVIDER (g_task_get_source_object (task));
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->msg);
  guint status = soup_message_get_status (data->msg);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(ServerError) parsed = { 0 };
  gboolean has_error = parse_server_error (data->wire, data->error_body, &parsed);
  gint64 retry_after_ms;
  gboolean retryable;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* A JSON answer where a stream was asked for. */
      if (has_error)
        {
          g_autofree char *message = _da_llm_redact (provider, parsed.message ? parsed.message : "no message");

          return_error (task,
                        da_llm_error_new (_da_llm_error_code_for_payload (parsed.type, parsed.code),
                                          status, -1,
                                          "the provider reported an error: %s", message));
        }
      else
        {
          return_error (task,
                        da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, status, -1,
                                          "the server answered with JSON instead of an event stream"));
        }
      return;
    }

  retry_after_ms = _da_llm_parse_retry_after (soup_message_headers_get_one (headers, "retry-after-ms"),
                                              soup_message_headers_get_one (headers, "retry-after"),
                                              now);
  retryable = _da_llm_status_is_retryable (status) &&
              !_da_llm_is_quota_error (parsed.type, parsed.code);

  retry_or_fail (task, status_error (provider, data->msg, &parsed, retry_after_ms),
                 retryable, retry_after_ms);
}

static void
read_error_body_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      GError *stopped = _da_llm_guard_check (&data->guard, "data", data->timeout);

      if (stopped != NULL)
        {
          g_error_free (error);
          return_error (task, stopped);
          return;
        }
      /* The status says enough without the body. */
      g_clear_error (&error);
      error_body_done (task);
      return;
    }

  if (g_bytes_get_size (bytes) == 0 || data->error_body->len >= MAX_ERROR_BODY)
    {
      error_body_done (task);
      return;
    }

  g_byte_array_append (data->error_body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  _da_llm_guard_arm (&data->guard, data->timeout);
  g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   data->guard.cancellable, read_error_body_cb,
                                   g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StreamData *data = g_task_get_task_data (task);
  GError *error = NULL;
  const char *content_type;
  guint status;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL)
    {
      io_failed (task, error, "answer");
      return;
    }

  _da_llm_guard_arm (&data->guard, data->timeout);
  status = soup_message_get_status (data->msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (data->msg), NULL);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || g_strcmp0 (content_type, "application/json") == 0)
    {
      data->error_body = g_byte_array_new ();
      g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                       data->guard.cancellable, read_error_body_cb,
                                       g_steal_pointer (&task));
      return;
    }

  data->decoder = data->wire->decoder_new (data->reply, DA_PROVIDER (g_task_get_source_object (task)));
  g_input_stream_read_bytes_async (data->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   data->guard.cancellable, read_body_cb,
                                   g_steal_pointer (&task));
}

static void
start_attempt (GTask *task)
{
  StreamData *data = g_task_get_task_data (task);
  DaProvider *provider = g_task_get_source_object (task);

  clear_attempt (data);
  data->msg = new_message (provider, data->wire, SOUP_METHOD_POST, data->uri);
  soup_message_headers_replace (soup_message_get_request_headers (data->msg),
                                "Accept", "text/event-stream");
  soup_message_set_request_body_from_bytes (data->msg, "application/json", data->body);
  /* libsoup reuses a kept-alive connection only for idempotent requests;
   * a chat request may be sent again if the connection turns out closed
   * before any answer arrived, which is what our own retries do anyway. */
  soup_message_add_flags (data->msg, SOUP_MESSAGE_IDEMPOTENT);

  _da_llm_guard_arm (&data->guard, data->timeout);
  soup_session_send_async (_da_llm_get_session (), data->msg, G_PRIORITY_DEFAULT,
                           data->guard.cancellable, send_cb, g_object_ref (task));
}

/**
 * _da_llm_stream_async:
 * @uri: where to POST @body
 * @body: the JSON request
 * @source_tag: the provider's stream_async, for the task
 *
 * Sends @body and streams the reply into @reply through @wire's decoder,
 * with the provider's timeout and retries.
 */
void
_da_llm_stream_async (DaProvider          *provider,
                      const DaLlmWire     *wire,
                      GUri                *uri,
                      GBytes              *body,
                      DaMessage           *reply,
                      GCancellable        *cancellable,
                      gpointer             source_tag,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StreamData *data;

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (StreamData, 1);
  data->wire = wire;
  data->reply = g_object_ref (reply);
  data->uri = g_uri_ref (uri);
  data->body = g_bytes_ref (body);
  data->timeout = da_provider_get_timeout (provider);
  data->max_retries = da_provider_get_max_retries (provider);
  _da_llm_guard_init (&data->guard, cancellable, g_task_get_context (task));
  g_task_set_task_data (task, data, stream_data_free);

  start_attempt (task);
}

gboolean
_da_llm_stream_finish (DaProvider    *provider,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  const DaLlmWire *wire;
  DaLlmGuard       guard;
  SoupMessage     *msg;
  guint            timeout;
} ModelsData;

static void
models_data_free (gpointer user_data)
{
  ModelsData *data = user_data;

  _da_llm_guard_clear (&data->guard);
  g_clear_object (&data->msg);
  g_free (data);
}

static void
list_models_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ModelsData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  guint status;
  GStrv ids;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      GError *stopped = _da_llm_guard_check (&data->guard, "answer", data->timeout);

      if (stopped == NULL)
        stopped = da_llm_error_new (DA_LLM_ERROR_CONNECTION, 0, -1, "could not reach %s: %s",
                                    g_uri_get_host (soup_message_get_uri (data->msg)),
                                    error->message);
      g_error_free (error);
      g_task_return_error (task, stopped);
      return;
    }

  status = soup_message_get_status (data->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(GByteArray) body = g_bytes_unref_to_array (g_steal_pointer (&bytes));
      g_auto(ServerError) parsed = { 0 };

      parse_server_error (data->wire, body, &parsed);
      g_task_return_error (task, status_error (DA_PROVIDER (g_task_get_source_object (task)),
                                               data->msg, &parsed, -1));
      return;
    }

  ids = data->wire->parse_models (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify)g_strfreev);
}

/**
 * _da_llm_list_models_async:
 * @uri: where to GET the list
 * @source_tag: the provider's list_models_async, for the task
 */
void
_da_llm_list_models_async (DaProvider          *provider,
                           const DaLlmWire     *wire,
                           GUri                *uri,
                           GCancellable        *cancellable,
                           gpointer             source_tag,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ModelsData *data;

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (ModelsData, 1);
  data->wire = wire;
  data->timeout = da_provider_get_timeout (provider);
  _da_llm_guard_init (&data->guard, cancellable, g_task_get_context (task));
  g_task_set_task_data (task, data, models_data_free);

  data->msg = new_message (provider, wire, SOUP_METHOD_GET, uri);
  _da_llm_guard_arm (&data->guard, data->timeout);
  soup_session_send_and_read_async (_da_llm_get_session (), data->msg, G_PRIORITY_DEFAULT,
                                    data->guard.cancellable, list_models_cb,
                                    g_steal_pointer (&task));
}

GStrv
_da_llm_list_models_finish (DaProvider    *provider,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
