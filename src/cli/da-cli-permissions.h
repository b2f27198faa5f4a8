/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int da_cli_permissions_main (int   argc,
                             char *argv[]);

G_END_DECLS
