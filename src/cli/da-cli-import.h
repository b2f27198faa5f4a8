/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `denoagents-cli import AUTOGEN.json [-o TEAM.json]`; argv[0] is
 * "import". Returns a DaCliExit status. */
int da_cli_import_main (int   argc,
                        char *argv[]);

G_END_DECLS
