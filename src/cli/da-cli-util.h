/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_CLI_NAME "denoagents-cli"

/* One subcommand of a command group ("keys set", "history list", …). */
typedef struct
{
  const char *name;
  const char *summary;
  int       (*main) (int argc, char *argv[]);
} DaCliCommand;

void      da_cli_printerr       (const char          *format,
                                 ...) G_GNUC_PRINTF (1, 2);
int       da_cli_report_error   (const GError        *error);
int       da_cli_usage_error    (const char          *command,
                                 const char          *format,
                                 ...) G_GNUC_PRINTF (2, 3);
gboolean  da_cli_parse_options  (const char          *command,
                                 const char          *parameters,
                                 const char          *summary,
                                 const GOptionEntry  *entries,
                                 int                 *argc,
                                 char              ***argv,
                                 int                 *exit_status);
int       da_cli_dispatch       (const char          *group,
                                 const char          *summary,
                                 const DaCliCommand  *commands,
                                 int                  argc,
                                 char                *argv[]);
gboolean  da_cli_parse_id       (const char          *text,
                                 gint64              *id);

G_END_DECLS
