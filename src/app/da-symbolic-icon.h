/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DA_TYPE_SYMBOLIC_ICON (da_symbolic_icon_get_type ())

G_DECLARE_FINAL_TYPE (DaSymbolicIcon, da_symbolic_icon, DA, SYMBOLIC_ICON, GObject)

GdkPaintable *da_symbolic_icon_new_from_resource (const char *resource);
void          da_symbolic_icon_set_color_source  (DaSymbolicIcon *self,
                                                  GtkWidget      *widget);
void          da_status_page_set_symbolic_icon   (GtkWidget      *status_page,
                                                  GdkPaintable   *icon);

G_END_DECLS
