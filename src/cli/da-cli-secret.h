/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_CLI_SECRET_MAX_LENGTH 4096

char *da_cli_read_secret (int          fd,
                          const char  *prompt,
                          GError     **error);
void  da_cli_secret_free (char        *secret);

G_END_DECLS
