/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *da_escape_for_display   (const char *text,
                                   gssize      len);
gboolean  da_escape_needs_escape  (gunichar    c);

G_END_DECLS
