/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

/* The Anthropic Messages API provider.
 *
 * Wire format:
 *   POST {base_url}/v1/messages   (or /messages when the base URL ends
 *                                  in /v1, as our default does)
 *   x-api-key: KEY                (only when a key is set)
 *   anthropic-version: 2023-06-01
 *   {"model", "max_tokens", "system"?, "messages", "tools"?,
 *    "temperature"?, "stream": true}
 * The 200 reply is text/event-stream with named events: message_start
 * (usage.input_tokens), content_block_start (a text or tool_use block),
 * content_block_delta (text_delta, or input_json_delta whose
 * partial_json pieces make the tool input), content_block_stop,
 * message_delta (stop_reason, usage.output_tokens), message_stop, ping,
 * and error ({"type": "error", "error": {"type", "message"}}), which is
 * also the body of an error status.
 *
 * Retries and timeouts are those of da-llm-transport.c; 529
 * overloaded_error is a 5xx and so retried.
 */

#include "config.h"

#include <string.h>

#include "da-anthropic-body-private.h"
#include "da-anthropic-provider.h"
#include "da-anthropic-stream-private.h"
#include "da-llm-transport-private.h"
#include "da-openai-body-private.h"
#include "da-provider-private.h"

#define API_VERSION "2023-06-01"
#define MODELS_PAGE "?limit=1000"

struct _DaAnthropicProvider
{
  DaProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (DaAnthropicProvider, da_anthropic_provider, DA_TYPE_PROVIDER)

static void
authorize (DaProvider         *provider,
           SoupMessageHeaders *headers)
{
  const char *key = _da_provider_get_api_key (provider);

  if (key != NULL)
    soup_message_headers_replace (headers, "x-api-key", key);
  soup_message_headers_replace (headers, "anthropic-version", API_VERSION);
}

static gpointer
decoder_new (DaMessage  *reply,
             DaProvider *provider)
{
  return _da_anthropic_stream_new (reply, provider);
}

static void
decoder_free (gpointer decoder)
{
  _da_anthropic_stream_free (decoder);
}

static gboolean
decoder_feed (gpointer     decoder,
              const char  *data,
              gsize        len,
              GError     **error)
{
  return _da_anthropic_stream_feed (decoder, data, len, error);
}

static gboolean
decoder_is_done (gpointer decoder)
{
  return _da_anthropic_stream_is_done (decoder);
}

static gboolean
decoder_has_output (gpointer decoder)
{
  return _da_anthropic_stream_has_output (decoder);
}

static gboolean
decoder_finish (gpointer   decoder,
                GError   **error)
{
  return _da_anthropic_stream_finish (decoder, error);
}

/* The model list has the OpenAI shape: {"data": [{"id": …}, …]}. */
static const DaLlmWire anthropic_wire = {
  .authorize = authorize,
  .parse_error = _da_anthropic_parse_error,
  .parse_models = _da_openai_parse_models,
  .decoder_new = decoder_new,
  .decoder_free = decoder_free,
  .decoder_feed = decoder_feed,
  .decoder_is_done = decoder_is_done,
  .decoder_has_output = decoder_has_output,
  .decoder_finish = decoder_finish,
};

/* The SDKs' base URL is the host ("https://api.anthropic.com"); ours
 * may end in the version, as the other kinds' do. */
static GUri *
endpoint (DaProvider  *provider,
          const char  *path,
          GError     **error)
{
  const char *base_url = da_provider_get_base_url (provider);
  g_autofree char *full = NULL;

  if (base_url != NULL && g_str_has_suffix (base_url, "/v1"))
    return _da_llm_build_uri (provider, path, error);

  full = g_strconcat ("/v1", path, NULL);
  return _da_llm_build_uri (provider, full, error);
}

static void
da_anthropic_provider_stream_async (DaProvider          *provider,
                                    DaRequest           *request,
                                    DaMessage           *reply,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  char *json;

  uri = endpoint (provider, "/messages", &error);
  if (uri != NULL)
    body = _da_anthropic_build_request (request, da_provider_get_default_model (provider), &error);
  if (body == NULL)
    {
      g_task_report_error (provider, callback, user_data, da_anthropic_provider_stream_async, error);
      return;
    }

  json = json_to_string (body, FALSE);
  bytes = g_bytes_new_take (json, strlen (json));
  _da_llm_stream_async (provider, &anthropic_wire, uri, bytes, reply, cancellable,
                        da_anthropic_provider_stream_async, callback, user_data);
}

static void
da_anthropic_provider_list_models_async (DaProvider          *provider,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  uri = endpoint (provider, "/models" MODELS_PAGE, &error);
  if (uri == NULL)
    {
      g_task_report_error (provider, callback, user_data, da_anthropic_provider_list_models_async, error);
      return;
    }

  _da_llm_list_models_async (provider, &anthropic_wire, uri, cancellable,
                             da_anthropic_provider_list_models_async, callback, user_data);
}

static void
da_anthropic_provider_class_init (DaAnthropicProviderClass *klass)
{
  DaProviderClass *provider_class = DA_PROVIDER_CLASS (klass);

  provider_class->kind = "anthropic";
  provider_class->stream_async = da_anthropic_provider_stream_async;
  provider_class->stream_finish = _da_llm_stream_finish;
  provider_class->list_models_async = da_anthropic_provider_list_models_async;
  provider_class->list_models_finish = _da_llm_list_models_finish;
}

static void
da_anthropic_provider_init (DaAnthropicProvider *self)
{
}

/**
 * da_anthropic_provider_new:
 * @base_url: the API root, such as "https://api.anthropic.com/v1" or
 *   "https://api.anthropic.com"
 *
 * Returns: (transfer full): a provider for the Anthropic Messages API
 */
DaProvider *
da_anthropic_provider_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (DA_TYPE_ANTHROPIC_PROVIDER, "base-url", base_url, NULL);
}
