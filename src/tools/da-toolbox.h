/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-message.h"
#include "da-permission-broker.h"
#include "da-sandbox-runner.h"
#include "da-tool-registry.h"

G_BEGIN_DECLS

#define DA_TOOLBOX_DEFAULT_MAX_ITERATIONS 10

#define DA_TYPE_TOOLBOX (da_toolbox_get_type ())

G_DECLARE_FINAL_TYPE (DaToolbox, da_toolbox, DA, TOOLBOX, GObject)

DaToolbox          *da_toolbox_new                (DaToolRegistry       *registry,
                                                   DaPermissionBroker   *broker,
                                                   DaSandboxRunner      *runner);
DaToolRegistry     *da_toolbox_get_registry       (DaToolbox            *self);
DaPermissionBroker *da_toolbox_get_broker         (DaToolbox            *self);
DaSandboxRunner    *da_toolbox_get_runner         (DaToolbox            *self);
guint               da_toolbox_get_max_iterations (DaToolbox            *self);
void                da_toolbox_set_max_iterations (DaToolbox            *self,
                                                   guint                 max_iterations);
void                da_toolbox_execute_async      (DaToolbox            *self,
                                                   const char           *agent,
                                                   GPtrArray            *calls,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray          *da_toolbox_execute_finish     (DaToolbox            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
DaMessage          *da_toolbox_new_tool_message   (const char           *agent,
                                                   const DaToolCall     *call,
                                                   const char           *content);

G_END_DECLS
