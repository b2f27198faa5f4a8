/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include "da-sandbox-error.h"

G_DEFINE_QUARK (da-sandbox-error-quark, da_sandbox_error)
