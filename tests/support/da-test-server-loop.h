/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

int da_test_server_serve (SoupServer *server,
                          int         port,
                          gboolean    keep_running);

G_END_DECLS
