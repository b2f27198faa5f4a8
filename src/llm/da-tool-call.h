/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DA_TYPE_TOOL_CALL (da_tool_call_get_type ())

/**
 * DaToolCall:
 * @id: the provider's id for the call (used to match the tool result)
 * @name: the tool name
 * @arguments: the arguments as the model wrote them (JSON text; may be
 *   invalid — validation happens before a tool runs)
 */
typedef struct
{
  char *id;
  char *name;
  char *arguments;
} DaToolCall;

GType       da_tool_call_get_type (void) G_GNUC_CONST;
DaToolCall *da_tool_call_new      (const char       *id,
                                   const char       *name,
                                   const char       *arguments);
DaToolCall *da_tool_call_copy     (const DaToolCall *self);
void        da_tool_call_free     (DaToolCall       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaToolCall, da_tool_call_free)

G_END_DECLS
