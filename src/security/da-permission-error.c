/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include "da-permission-error.h"

G_DEFINE_QUARK (da-permission-error-quark, da_permission_error)
