/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include "da-tool-error.h"

G_DEFINE_QUARK (da-tool-error-quark, da_tool_error)
