/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *da_cli_provider_default_base_url (const char *kind);
const char *da_cli_provider_kinds_text       (void);

G_END_DECLS
