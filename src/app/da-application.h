/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DA_TYPE_APPLICATION (da_application_get_type ())

G_DECLARE_FINAL_TYPE (DaApplication, da_application, DA, APPLICATION, AdwApplication)

DaApplication *da_application_new          (void);
GSettings     *da_application_get_settings (DaApplication *self);

G_END_DECLS
