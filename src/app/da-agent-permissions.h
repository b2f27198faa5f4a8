/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-permission-broker.h"
#include "da-permissions-draft.h"

G_BEGIN_DECLS

#define DA_TYPE_AGENT_PERMISSIONS (da_agent_permissions_get_type ())

G_DECLARE_FINAL_TYPE (DaAgentPermissions, da_agent_permissions, DA, AGENT_PERMISSIONS, AdwBin)

GtkWidget          *da_agent_permissions_new              (void);
void                da_agent_permissions_set_broker       (DaAgentPermissions     *self,
                                                           DaPermissionBroker     *broker);
void                da_agent_permissions_load             (DaAgentPermissions     *self,
                                                           const char             *agent,
                                                           const char * const     *tools,
                                                           JsonNode               *permissions);
DaPermissionsDraft *da_agent_permissions_get_draft        (DaAgentPermissions     *self);
JsonNode           *da_agent_permissions_dup_permissions  (DaAgentPermissions     *self);
GStrv               da_agent_permissions_dup_tools        (DaAgentPermissions     *self);
char               *da_agent_permissions_dup_summary      (DaAgentPermissions     *self);
gboolean            da_agent_permissions_add_folder       (DaAgentPermissions     *self,
                                                           gboolean                write,
                                                           GFile                  *folder);
gboolean            da_agent_permissions_add_command      (DaAgentPermissions     *self,
                                                           GFile                  *file);
GtkWidget          *da_agent_permissions_get_field        (DaAgentPermissions     *self,
                                                           const char             *name);
GtkWidget          *da_agent_permissions_get_item_row     (DaAgentPermissions     *self,
                                                           DaPermissionsDraftList  list,
                                                           guint                   index);

G_END_DECLS
