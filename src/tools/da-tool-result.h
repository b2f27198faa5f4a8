/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "da-permissions.h"

G_BEGIN_DECLS

/**
 * DaToolResult:
 * @ok: whether the tool did what was asked (a command that exits with a
 *   non-zero status is not ok)
 * @content: the text that goes back to the model
 * @exit_status: the command's exit status, or -1 when it did not exit
 *   normally or nothing was run
 * @duration_us: wall-clock time of the run
 * @isolation: the isolation level the tool ran at
 * @sandboxed: whether the call ran inside denoagents-sandbox
 * @denials: (element-type utf8): what the sandbox refused while the tool
 *   ran (one line each: "seccomp: ptrace", "limit: max_output_kb")
 * @truncated: whether @content was cut to the output limit
 */
typedef struct
{
  gboolean          ok;
  char             *content;
  int               exit_status;
  gint64            duration_us;
  DaIsolationLevel  isolation;
  gboolean          sandboxed;
  GPtrArray        *denials;
  gboolean          truncated;
} DaToolResult;

#define DA_TYPE_TOOL_RESULT (da_tool_result_get_type ())

GType         da_tool_result_get_type (void) G_GNUC_CONST;
DaToolResult *da_tool_result_new      (gboolean            ok,
                                       const char         *content);
DaToolResult *da_tool_result_copy     (const DaToolResult *self);
void          da_tool_result_free     (DaToolResult       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaToolResult, da_tool_result_free)

G_END_DECLS
