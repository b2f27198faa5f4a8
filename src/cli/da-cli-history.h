/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `denoagents-cli history list|show|search|export …`; argv[0] is "history". */
int da_cli_history_main (int   argc,
                         char *argv[]);

G_END_DECLS
