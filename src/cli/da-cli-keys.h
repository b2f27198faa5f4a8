/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `denoagents-cli keys set|list|delete …`; argv[0] is "keys". */
int da_cli_keys_main (int   argc,
                      char *argv[]);

G_END_DECLS
