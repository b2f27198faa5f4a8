/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-conversation.h"
#include "da-export.h"
#include "da-message.h"
#include "da-search-hit.h"
#include "da-store-error.h"
#include "da-store-records.h"

G_BEGIN_DECLS

/* DaStore: the history database (one SQLite file in WAL mode, beside it
 * PATH.lock, which every open store holds shared). Use a store from the
 * thread that created it; _async functions run in worker threads on
 * read-only connections of their own, and checkpoints run in a worker
 * thread too, so no call waits for an fsync. Finished messages are written
 * in their own transaction at once and reach the full-text index within
 * 250 ms; da_store_search() and da_store_flush() index them first. */

#define DA_TYPE_STORE (da_store_get_type ())

G_DECLARE_FINAL_TYPE (DaStore, da_store, DA, STORE, GObject)

char           *da_store_default_path          (void);
DaStore        *da_store_new                   (const char           *path,
                                                GError              **error);
const char     *da_store_get_path              (DaStore              *self);

gint64          da_store_create_conversation   (DaStore              *self,
                                                const char           *title,
                                                const char           *team_name,
                                                GError              **error);
gboolean        da_store_rename_conversation   (DaStore              *self,
                                                gint64                id,
                                                const char           *title,
                                                GError              **error);
gboolean        da_store_set_pinned            (DaStore              *self,
                                                gint64                id,
                                                gboolean              pinned,
                                                GError              **error);
gboolean        da_store_delete_conversation   (DaStore              *self,
                                                gint64                id,
                                                GError              **error);
GPtrArray      *da_store_list_conversations    (DaStore              *self,
                                                GError              **error);
DaConversation *da_store_get_conversation      (DaStore              *self,
                                                gint64                id,
                                                GError              **error);

gboolean        da_store_add_message           (DaStore              *self,
                                                gint64                conversation_id,
                                                DaMessage            *message,
                                                GError              **error);
gboolean        da_store_update_message        (DaStore              *self,
                                                DaMessage            *message,
                                                GError              **error);
gboolean        da_store_delete_message        (DaStore              *self,
                                                gint64                id,
                                                GError              **error);
void            da_store_flush                 (DaStore              *self);
gboolean        da_store_add_usage             (DaStore              *self,
                                                gint64                conversation_id,
                                                gint64                message_id,
                                                const char           *agent,
                                                const char           *provider_kind,
                                                const char           *model,
                                                gint64                prompt_tokens,
                                                gint64                completion_tokens,
                                                GError              **error);
gboolean        da_store_get_usage_totals      (DaStore              *self,
                                                gint64                conversation_id,
                                                gint64               *prompt_tokens,
                                                gint64               *completion_tokens,
                                                GError              **error);

GPtrArray      *da_store_load_messages         (DaStore              *self,
                                                gint64                conversation_id,
                                                GError              **error);
void            da_store_load_messages_async   (DaStore              *self,
                                                gint64                conversation_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray      *da_store_load_messages_finish  (DaStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);
GPtrArray      *da_store_load_messages_before  (DaStore              *self,
                                                gint64                conversation_id,
                                                gint64                before_id,
                                                guint                 limit,
                                                GError              **error);
void            da_store_load_messages_before_async
                                               (DaStore              *self,
                                                gint64                conversation_id,
                                                gint64                before_id,
                                                guint                 limit,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray      *da_store_load_messages_before_finish
                                               (DaStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);

GPtrArray      *da_store_search                (DaStore              *self,
                                                const char           *query,
                                                guint                 limit,
                                                GError              **error);
void            da_store_search_async          (DaStore              *self,
                                                const char           *query,
                                                guint                 limit,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray      *da_store_search_finish         (DaStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);

char           *da_store_export_conversation   (DaStore              *self,
                                                gint64                id,
                                                DaExportFormat        format,
                                                GError              **error);
gboolean        da_store_delete_all            (DaStore              *self,
                                                GError              **error);

/* Agent library */
GPtrArray      *da_store_list_agents           (DaStore              *self,
                                                GError              **error);
gint64          da_store_save_agent            (DaStore              *self,
                                                gint64                id,
                                                const char           *name,
                                                const char           *config_json,
                                                GError              **error);
gboolean        da_store_delete_agent          (DaStore              *self,
                                                gint64                id,
                                                GError              **error);

/* Providers (never their keys) */
GPtrArray      *da_store_list_providers        (DaStore              *self,
                                                GError              **error);
gint64          da_store_save_provider         (DaStore              *self,
                                                gint64                id,
                                                const char           *kind,
                                                const char           *base_url,
                                                const char           *default_model,
                                                const char           *label,
                                                GError              **error);
gboolean        da_store_delete_provider       (DaStore              *self,
                                                gint64                id,
                                                GError              **error);

/* Audit log and "always allow" grants */
gint64          da_store_append_audit          (DaStore              *self,
                                                const char           *agent,
                                                const char           *tool,
                                                const char           *kind,
                                                const char           *target,
                                                const char           *decision,
                                                const char           *reason,
                                                gint64                conversation_id,
                                                GError              **error);
GPtrArray      *da_store_list_audit            (DaStore              *self,
                                                guint                 limit,
                                                GError              **error);
gint64          da_store_add_grant             (DaStore              *self,
                                                const char           *agent,
                                                const char           *kind,
                                                const char           *target,
                                                const char           *sha256,
                                                GError              **error);
gint64          da_store_add_grant_full        (DaStore              *self,
                                                const char           *agent,
                                                const char           *kind,
                                                const char           *target,
                                                const char           *sha256,
                                                const char           *detail,
                                                const char           *detail_sha256,
                                                GError              **error);
GPtrArray      *da_store_list_grants           (DaStore              *self,
                                                const char           *agent,
                                                GError              **error);
gboolean        da_store_delete_grant          (DaStore              *self,
                                                gint64                id,
                                                GError              **error);

G_END_DECLS
