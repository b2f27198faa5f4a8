/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `denoagents-cli run TEAM.json --task TEXT …`; argv[0] is "run".
 * Returns a DaCliExit status. Defined in da-cli-run.c, which the build
 * picks up when it exists. */
int da_cli_run_main (int   argc,
                     char *argv[]);

G_END_DECLS
