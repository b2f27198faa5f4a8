/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-permission-request.h"
#include "da-permissions.h"
#include "da-store.h"

G_BEGIN_DECLS

#define DA_TYPE_PERMISSION_BROKER (da_permission_broker_get_type ())

G_DECLARE_FINAL_TYPE (DaPermissionBroker, da_permission_broker, DA, PERMISSION_BROKER, GObject)

/**
 * DaPermissionPrompter:
 * @broker: the broker asking
 * @request: the question; answer it now or later with
 *   da_permission_request_answer() (take a reference to keep it)
 * @cancellable: cancelled when no caller waits for the answer any more;
 *   close the prompt then
 * @user_data: closure
 *
 * Whoever is attached to answer: the GTK dialog or the terminal prompt.
 */
typedef void (*DaPermissionPrompter) (DaPermissionBroker  *broker,
                                      DaPermissionRequest *request,
                                      GCancellable        *cancellable,
                                      gpointer             user_data);

DaPermissionBroker   *da_permission_broker_new                 (DaStore              *store);
DaStore              *da_permission_broker_get_store           (DaPermissionBroker   *self);
void                  da_permission_broker_set_permissions     (DaPermissionBroker   *self,
                                                                const char           *agent,
                                                                DaPermissions        *permissions);
DaPermissions        *da_permission_broker_get_permissions     (DaPermissionBroker   *self,
                                                                const char           *agent);
void                  da_permission_broker_set_prompter        (DaPermissionBroker   *self,
                                                                DaPermissionPrompter  prompter,
                                                                gpointer              user_data,
                                                                GDestroyNotify        destroy);
gboolean              da_permission_broker_has_prompter        (DaPermissionBroker   *self);
gint64                da_permission_broker_get_conversation_id (DaPermissionBroker   *self);
void                  da_permission_broker_set_conversation_id (DaPermissionBroker   *self,
                                                                gint64                conversation_id);
DaPermissionDecision  da_permission_broker_check               (DaPermissionBroker   *self,
                                                                const char           *agent,
                                                                DaPermissionKind      kind,
                                                                const char           *target,
                                                                char                **reason);
void                  da_permission_broker_request_async       (DaPermissionBroker   *self,
                                                                const char           *agent,
                                                                const char           *tool,
                                                                DaPermissionKind      kind,
                                                                const char           *target,
                                                                const char           *detail,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
DaPermissionDecision  da_permission_broker_request_finish      (DaPermissionBroker   *self,
                                                                GAsyncResult         *result,
                                                                char                **reason,
                                                                gboolean             *explicit_target,
                                                                GError              **error);
void                  da_permission_broker_record_denial       (DaPermissionBroker   *self,
                                                                const char           *agent,
                                                                const char           *tool,
                                                                const char           *kind,
                                                                const char           *target,
                                                                const char           *reason);
GPtrArray            *da_permission_broker_list_grants         (DaPermissionBroker   *self,
                                                                const char           *agent,
                                                                GError              **error);
gboolean              da_permission_broker_revoke              (DaPermissionBroker   *self,
                                                                gint64                grant_id,
                                                                GError              **error);
void                  da_permission_broker_reload_grants       (DaPermissionBroker   *self);
gint64                da_permission_broker_restore_grant       (DaPermissionBroker   *self,
                                                                const DaGrant        *grant,
                                                                GError              **error);

G_END_DECLS
