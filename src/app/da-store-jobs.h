/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-store.h"

G_BEGIN_DECLS

/* Store work that may take a while, run in a worker thread on a store
 * connection of its own (a DaStore belongs to the thread that opened it). */

void       da_store_jobs_list_conversations_async  (const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray *da_store_jobs_list_conversations_finish (GAsyncResult        *result,
                                                    GError             **error);

void       da_store_jobs_export_async              (const char          *path,
                                                    gint64               conversation_id,
                                                    DaExportFormat       format,
                                                    GFile               *destination,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean   da_store_jobs_export_finish             (GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
