/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An incremental parser for text/event-stream (the WHATWG "server-sent
 * events" format). Pure: no I/O, no main loop. Feed it byte chunks split
 * anywhere; complete events are handed to the callback in order. */

typedef struct _DaSseParser DaSseParser;

#define DA_SSE_DEFAULT_MAX_EVENT_SIZE (16 * 1024 * 1024)

/**
 * DaSseEventFunc:
 * @event: the event type ("message" when the stream named none)
 * @data: the data lines joined with "\n", nul-terminated
 * @data_len: the length of @data
 * @id: (nullable): the last event id seen so far
 * @user_data: closure
 * @error: where to report a failure
 *
 * Returns: %FALSE with @error set to stop parsing
 */
typedef gboolean (*DaSseEventFunc) (const char  *event,
                                    const char  *data,
                                    gsize        data_len,
                                    const char  *id,
                                    gpointer     user_data,
                                    GError     **error);

DaSseParser *_da_sse_parser_new                (DaSseEventFunc   func,
                                                gpointer         user_data);
void         _da_sse_parser_free               (DaSseParser     *self);
void         _da_sse_parser_set_max_event_size (DaSseParser     *self,
                                                gsize            max_size);
gboolean     _da_sse_parser_feed               (DaSseParser     *self,
                                                const char      *data,
                                                gsize            len,
                                                GError         **error);
gboolean     _da_sse_parser_end                (DaSseParser     *self);
gint64       _da_sse_parser_get_retry          (DaSseParser     *self);
const char  *_da_sse_parser_get_last_event_id  (DaSseParser     *self);
gsize        _da_sse_parser_get_n_events       (DaSseParser     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaSseParser, _da_sse_parser_free)

G_END_DECLS
