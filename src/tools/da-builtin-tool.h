/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-tool.h"
#include "da-tool-registry.h"

G_BEGIN_DECLS

#define DA_TYPE_BUILTIN_TOOL (da_builtin_tool_get_type ())

G_DECLARE_FINAL_TYPE (DaBuiltinTool, da_builtin_tool, DA, BUILTIN_TOOL, DaTool)

DaTool             *da_builtin_tool_new       (const char     *name);
const char * const *da_builtin_tool_get_names (void);
gboolean            da_builtin_tools_add      (DaToolRegistry *registry,
                                               const char     *name,
                                               GError        **error);

G_END_DECLS
