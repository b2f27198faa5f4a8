/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-message.h"
#include "da-provider.h"

G_BEGIN_DECLS

/* Decodes the body of a streamed Messages reply into a DaMessage: SSE
 * framing, event JSON, text and tool_use content blocks. No I/O; the
 * provider feeds it what it reads. */

typedef struct _DaAnthropicStream DaAnthropicStream;

DaAnthropicStream *_da_anthropic_stream_new        (DaMessage          *reply,
                                                    DaProvider         *provider);
void               _da_anthropic_stream_free       (DaAnthropicStream  *self);
gboolean           _da_anthropic_stream_feed       (DaAnthropicStream  *self,
                                                    const char         *data,
                                                    gsize               len,
                                                    GError            **error);
gboolean           _da_anthropic_stream_is_done    (DaAnthropicStream  *self);
gboolean           _da_anthropic_stream_has_output (DaAnthropicStream  *self);
gboolean           _da_anthropic_stream_finish     (DaAnthropicStream  *self,
                                                    GError            **error);
const char        *_da_anthropic_finish_reason     (const char         *stop_reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaAnthropicStream, _da_anthropic_stream_free)

G_END_DECLS
