/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-tool.h"
#include "da-tool-call.h"

G_BEGIN_DECLS

#define DA_TYPE_TOOL_REGISTRY (da_tool_registry_get_type ())

G_DECLARE_FINAL_TYPE (DaToolRegistry, da_tool_registry, DA, TOOL_REGISTRY, GObject)

DaToolRegistry *da_tool_registry_new           (void);
void            da_tool_registry_add           (DaToolRegistry    *self,
                                                DaTool            *tool);
DaTool         *da_tool_registry_lookup        (DaToolRegistry    *self,
                                                const char        *name);
guint           da_tool_registry_get_n_tools   (DaToolRegistry    *self);
GStrv           da_tool_registry_list_names    (DaToolRegistry    *self);
JsonNode       *da_tool_registry_to_openai     (DaToolRegistry    *self);
DaTool         *da_tool_registry_prepare_call  (DaToolRegistry    *self,
                                                const DaToolCall  *call,
                                                JsonObject       **args,
                                                GError           **error);

G_END_DECLS
