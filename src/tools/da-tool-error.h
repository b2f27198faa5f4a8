/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_TOOL_ERROR (da_tool_error_quark ())

typedef enum
{
  DA_TOOL_ERROR_INVALID_ARGUMENTS,
  DA_TOOL_ERROR_UNKNOWN_TOOL,
  DA_TOOL_ERROR_DENIED,
  DA_TOOL_ERROR_FAILED,
  DA_TOOL_ERROR_SANDBOX,
  DA_TOOL_ERROR_PROTOCOL,
  DA_TOOL_ERROR_LIMIT,
} DaToolError;

GQuark da_tool_error_quark (void);

G_END_DECLS
