/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of denoagents-cli. */
typedef enum
{
  DA_CLI_EXIT_OK      = 0,
  DA_CLI_EXIT_FAILURE = 1,
  DA_CLI_EXIT_USAGE   = 2,
} DaCliExit;

int da_cli_main (int   argc,
                 char *argv[]);

G_END_DECLS
