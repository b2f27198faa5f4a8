/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean _da_sandbox_seccomp_export (gboolean   unix_sockets,
                                     gboolean   inet,
                                     int        out_fd,
                                     GError   **error);

G_END_DECLS
