/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What one run of denoagents-cli did. */
typedef struct
{
  char *out;
  char *err;
  int   exit_status;   /* -1 when killed by a signal */
} CliResult;

CliResult *cli_run              (const char  *input,
                                 const char  *first_arg,
                                 ...) G_GNUC_NULL_TERMINATED;
CliResult *cli_runv             (const char  *input,
                                 const char * const *args);
void       cli_result_free      (CliResult   *result);
void       cli_assert_one_error (CliResult   *result,
                                 int          exit_status,
                                 const char  *contains);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

G_END_DECLS
