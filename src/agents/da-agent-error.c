/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-agent-error.h"

G_DEFINE_QUARK (da-agent-error-quark, da_agent_error)
