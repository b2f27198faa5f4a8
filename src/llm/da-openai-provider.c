/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

/* The OpenAI-compatible Chat Completions provider (OpenAI, Ollama,
 * llama.cpp, vLLM, LM Studio, …).
 *
 * Wire format:
 *   POST {base_url}/chat/completions
 *   Authorization: Bearer KEY              (only when a key is set)
 *   {"model", "messages", "tools"?, "temperature"?, "max_tokens"?,
 *    "stream": true, "stream_options": {"include_usage": true}}
 * The 200 reply is text/event-stream: one chat.completion.chunk per
 * `data:` event, text in choices[0].delta.content, tool calls as
 * fragments in choices[0].delta.tool_calls[] grouped by "index" (id and
 * name on the first fragment, arguments concatenated), finish_reason on
 * the last choice, then a chunk with "choices": [] carrying "usage", then
 * `data: [DONE]`. A `data:` payload may instead carry {"error": {…}}.
 * An error status carries {"error": {"message", "type", "code"}}.
 *
 * Retries and timeouts are those of da-llm-transport.c.
 */

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-llm-transport-private.h"
#include "da-openai-body-private.h"
#include "da-openai-chunk-private.h"
#include "da-openai-provider.h"
#include "da-openai-stream-private.h"
#include "da-provider-private.h"

struct _DaOpenaiProvider
{
  DaProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (DaOpenaiProvider, da_openai_provider, DA_TYPE_PROVIDER)

static void
authorize (DaProvider         *provider,
           SoupMessageHeaders *headers)
{
  const char *key = _da_provider_get_api_key (provider);

  if (key != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", key, NULL);

      soup_message_headers_replace (headers, "Authorization", auth);
      explicit_bzero (auth, strlen (auth));
    }
}

static gboolean
parse_error (const char  *data,
             gsize        len,
             char       **message,
             char       **type,
             char       **code)
{
  g_auto(DaOpenaiChunk) parsed = { 0 };

  if (!_da_openai_chunk_parse (data, len, &parsed, NULL) || !parsed.has_error)
    return FALSE;

  *message = g_steal_pointer (&parsed.error_message);
  *type = g_steal_pointer (&parsed.error_type);
  *code = g_steal_pointer (&parsed.error_code);
  return TRUE;
}

static gpointer
decoder_new (DaMessage  *reply,
             DaProvider *provider)
{
  return _da_openai_stream_new (reply, provider);
}

static void
decoder_free (gpointer decoder)
{
  _da_openai_stream_free (decoder);
}

static gboolean
decoder_feed (gpointer     decoder,
              const char  *data,
              gsize        len,
              GError     **error)
{
  return _da_openai_stream_feed (decoder, data, len, error);
}

static gboolean
decoder_is_done (gpointer decoder)
{
  return _da_openai_stream_is_done (decoder);
}

static gboolean
decoder_has_output (gpointer decoder)
{
  return _da_openai_stream_has_output (decoder);
}

static gboolean
decoder_finish (gpointer   decoder,
                GError   **error)
{
  return _da_openai_stream_finish (decoder, error);
}

static const DaLlmWire openai_wire = {
  .authorize = authorize,
  .parse_error = parse_error,
  .parse_models = _da_openai_parse_models,
  .decoder_new = decoder_new,
  .decoder_free = decoder_free,
  .decoder_feed = decoder_feed,
  .decoder_is_done = decoder_is_done,
  .decoder_has_output = decoder_has_output,
  .decoder_finish = decoder_finish,
};

static void
da_openai_provider_stream_async (DaProvider          *provider,
                                 DaRequest           *request,
                                 DaMessage           *reply,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  uri = _da_llm_build_uri (provider, "/chat/completions", &error);
  if (uri != NULL)
    bytes = _da_openai_build_request (request, da_provider_get_default_model (provider), &error);
  if (bytes == NULL)
    {
      g_task_report_error (provider, callback, user_data, da_openai_provider_stream_async, error);
      return;
    }

  _da_llm_stream_async (provider, &openai_wire, uri, bytes, reply, cancellable,
                        da_openai_provider_stream_async, callback, user_data);
}

static void
da_openai_provider_list_models_async (DaProvider          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  uri = _da_llm_build_uri (provider, "/models", &error);
  if (uri == NULL)
    {
      g_task_report_error (provider, callback, user_data, da_openai_provider_list_models_async, error);
      return;
    }

  _da_llm_list_models_async (provider, &openai_wire, uri, cancellable,
                             da_openai_provider_list_models_async, callback, user_data);
}

static void
da_openai_provider_class_init (DaOpenaiProviderClass *klass)
{
  DaProviderClass *provider_class = DA_PROVIDER_CLASS (klass);

  provider_class->kind = "openai";
  provider_class->stream_async = da_openai_provider_stream_async;
  provider_class->stream_finish = _da_llm_stream_finish;
  provider_class->list_models_async = da_openai_provider_list_models_async;
  provider_class->list_models_finish = _da_llm_list_models_finish;
}

static void
da_openai_provider_init (DaOpenaiProvider *self)
{
}

/**
 * da_openai_provider_new:
 * @base_url: the API root, such as "https://api.openai.com/v1"
 *
 * Returns: (transfer full): a provider for an OpenAI-compatible server
 */
DaProvider *
da_openai_provider_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (DA_TYPE_OPENAI_PROVIDER, "base-url", base_url, NULL);
}
