/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-permission-broker.h"
#include "da-permissions.h"
#include "da-sandbox-runner.h"

G_BEGIN_DECLS

/**
 * DaToolContext:
 *
 * What one tool call runs with: the agent, its permissions (the base of
 * the sandbox policy), the sandbox runner, the broker (asked again by the
 * network proxy for hosts the call did not name), and the permissions the
 * broker granted for this very call, which the runner adds to the policy.
 * Reference counted.
 */
typedef struct _DaToolContext DaToolContext;

#define DA_TYPE_TOOL_CONTEXT (da_tool_context_get_type ())

GType               da_tool_context_get_type        (void) G_GNUC_CONST;
DaToolContext      *da_tool_context_new             (const char         *agent,
                                                     const char         *tool,
                                                     DaPermissions      *permissions,
                                                     DaSandboxRunner    *runner,
                                                     DaPermissionBroker *broker);
DaToolContext      *da_tool_context_ref             (DaToolContext      *self);
void                da_tool_context_unref           (DaToolContext      *self);
const char         *da_tool_context_get_agent       (DaToolContext      *self);
const char         *da_tool_context_get_tool        (DaToolContext      *self);
DaPermissions      *da_tool_context_get_permissions (DaToolContext      *self);
DaSandboxRunner    *da_tool_context_get_runner      (DaToolContext      *self);
DaPermissionBroker *da_tool_context_get_broker      (DaToolContext      *self);
const char         *da_tool_context_get_workspace   (DaToolContext      *self);
char               *da_tool_context_resolve_path    (DaToolContext      *self,
                                                     const char         *path);
void                da_tool_context_add_granted     (DaToolContext      *self,
                                                     DaPermissionKind    kind,
                                                     const char         *target,
                                                     gboolean            explicit_target);
GStrv               da_tool_context_get_granted     (DaToolContext      *self,
                                                     DaPermissionKind    kind);
gboolean            da_tool_context_is_granted      (DaToolContext      *self,
                                                     DaPermissionKind    kind,
                                                     const char         *target,
                                                     gboolean           *explicit_target);

gboolean            da_tool_context_address_denied  (DaToolContext      *self,
                                                     GInetAddress       *address,
                                                     guint16             port,
                                                     char              **target,
                                                     char              **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaToolContext, da_tool_context_unref)

G_END_DECLS
