/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean da_rendering_gl_wanted (const char *gdk_debug,
                                 const char *gsk_renderer,
                                 gboolean    has_render_node);
void     da_rendering_choose    (void);
void     da_rendering_forget    (void);

G_END_DECLS
