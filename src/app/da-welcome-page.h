/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DA_TYPE_WELCOME_PAGE (da_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (DaWelcomePage, da_welcome_page, DA, WELCOME_PAGE, GtkWidget)

GtkWidget *da_welcome_page_new    (void);
void       da_welcome_page_detect (DaWelcomePage *self);

G_END_DECLS
