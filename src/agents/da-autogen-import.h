/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  da_autogen_is_component  (const char   *data,
                                    gssize        len);
char     *da_autogen_convert       (const char   *data,
                                    gssize        len,
                                    GStrv        *warnings,
                                    GError      **error);

G_END_DECLS
