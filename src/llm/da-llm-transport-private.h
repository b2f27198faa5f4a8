/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "da-message.h"
#include "da-provider.h"

G_BEGIN_DECLS

/* The HTTP side of a provider — sending, retrying, timeouts, reading a
 * streamed body or an error body — shared by the providers. A provider
 * describes its wire format with a DaLlmWire. */

/**
 * DaLlmWire:
 * @authorize: add the credentials (and any fixed headers) to a request
 * @parse_error: read an error body; %FALSE when it holds no error object.
 *   The strings are set only when present.
 * @parse_models: read the reply of the model list
 * @decoder_new: a decoder for the body of a streamed reply into @reply
 * @decoder_feed: pass the next bytes of the body
 * @decoder_is_done: whether the end-of-stream event has been seen
 * @decoder_has_output: whether anything reached the message yet (after
 *   that, a retry would repeat what the caller has seen)
 * @decoder_finish: the body has ended: complete the message, or fail with
 *   %DA_LLM_ERROR_CONNECTION when the stream was cut short
 */
typedef struct
{
  void      (*authorize)          (DaProvider          *provider,
                                   SoupMessageHeaders  *headers);
  gboolean  (*parse_error)        (const char          *data,
                                   gsize                len,
                                   char               **message,
                                   char               **type,
                                   char               **code);
  GStrv     (*parse_models)       (const char          *data,
                                   gsize                len,
                                   GError             **error);
  gpointer  (*decoder_new)        (DaMessage           *reply,
                                   DaProvider          *provider);
  void      (*decoder_free)       (gpointer             decoder);
  gboolean  (*decoder_feed)       (gpointer             decoder,
                                   const char          *data,
                                   gsize                len,
                                   GError             **error);
  gboolean  (*decoder_is_done)    (gpointer             decoder);
  gboolean  (*decoder_has_output) (gpointer             decoder);
  gboolean  (*decoder_finish)     (gpointer             decoder,
                                   GError             **error);
} DaLlmWire;

GUri     *_da_llm_build_uri          (DaProvider           *provider,
                                      const char           *path,
                                      GError              **error);
void      _da_llm_stream_async       (DaProvider           *provider,
                                      const DaLlmWire      *wire,
                                      GUri                 *uri,
                                      GBytes               *body,
                                      DaMessage            *reply,
                                      GCancellable         *cancellable,
                                      gpointer              source_tag,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  _da_llm_stream_finish      (DaProvider           *provider,
                                      GAsyncResult         *result,
                                      GError              **error);
void      _da_llm_list_models_async  (DaProvider           *provider,
                                      const DaLlmWire      *wire,
                                      GUri                 *uri,
                                      GCancellable         *cancellable,
                                      gpointer              source_tag,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GStrv     _da_llm_list_models_finish (DaProvider           *provider,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
