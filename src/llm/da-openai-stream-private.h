/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-message.h"
#include "da-provider.h"

G_BEGIN_DECLS

/* Decodes the body of a streamed Chat Completions reply into a
 * DaMessage: SSE framing, chunk JSON, tool-call fragments grouped by
 * index. No I/O; the provider feeds it what it reads. */

typedef struct _DaOpenaiStream DaOpenaiStream;

DaOpenaiStream *_da_openai_stream_new        (DaMessage       *reply,
                                              DaProvider      *provider);
void            _da_openai_stream_free       (DaOpenaiStream  *self);
gboolean        _da_openai_stream_feed       (DaOpenaiStream  *self,
                                              const char      *data,
                                              gsize            len,
                                              GError         **error);
gboolean        _da_openai_stream_is_done    (DaOpenaiStream  *self);
gboolean        _da_openai_stream_has_output (DaOpenaiStream  *self);
gsize           _da_openai_stream_get_n_deltas (DaOpenaiStream *self);
gboolean        _da_openai_stream_finish     (DaOpenaiStream  *self,
                                              GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaOpenaiStream, _da_openai_stream_free)

G_END_DECLS
