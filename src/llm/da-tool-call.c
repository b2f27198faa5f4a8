/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-tool-call.h"

G_DEFINE_BOXED_TYPE (DaToolCall, da_tool_call, da_tool_call_copy, da_tool_call_free)

DaToolCall *
da_tool_call_new (const char *id,
                  const char *name,
                  const char *arguments)
{
  DaToolCall *self = g_new0 (DaToolCall, 1);

  self->id = g_strdup (id ? id : "");
  self->name = g_strdup (name ? name : "");
  self->arguments = g_strdup (arguments ? arguments : "");

  return self;
}

DaToolCall *
da_tool_call_copy (const DaToolCall *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return da_tool_call_new (self->id, self->name, self->arguments);
}

void
da_tool_call_free (DaToolCall *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->name);
  g_free (self->arguments);
  g_free (self);
}
