/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include "da-tool-result.h"

G_DEFINE_BOXED_TYPE (DaToolResult, da_tool_result, da_tool_result_copy, da_tool_result_free)

DaToolResult *
da_tool_result_new (gboolean    ok,
                    const char *content)
{
  DaToolResult *self = g_new0 (DaToolResult, 1);

  self->ok = ok;
  self->content = g_strdup (content ? content : "");
  self->exit_status = -1;
  self->isolation = DA_ISOLATION_STRICT;
  self->denials = g_ptr_array_new_with_free_func (g_free);
  return self;
}

DaToolResult *
da_tool_result_copy (const DaToolResult *self)
{
  DaToolResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = da_tool_result_new (self->ok, self->content);
  copy->exit_status = self->exit_status;
  copy->duration_us = self->duration_us;
  copy->isolation = self->isolation;
  copy->sandboxed = self->sandboxed;
  copy->truncated = self->truncated;
  for (guint i = 0; i < self->denials->len; i++)
    g_ptr_array_add (copy->denials, g_strdup (g_ptr_array_index (self->denials, i)));
  return copy;
}

void
da_tool_result_free (DaToolResult *self)
{
  if (self == NULL)
    return;
  g_free (self->content);
  g_ptr_array_unref (self->denials);
  g_free (self);
}
