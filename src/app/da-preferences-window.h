/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-application.h"

G_BEGIN_DECLS

#define DA_TYPE_PREFERENCES_WINDOW (da_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DaPreferencesWindow, da_preferences_window, DA, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *da_preferences_window_new        (DaApplication       *application);
void       da_preferences_window_export_all (DaPreferencesWindow *self,
                                             GFile               *file);

G_END_DECLS
