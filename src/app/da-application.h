/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DA_TYPE_APPLICATION (da_application_get_type ())

G_DECLARE_FINAL_TYPE (DaApplication, da_application, DA, APPLICATION, AdwApplication)

DaApplication *da_application_new          (void);
GSettings     *da_application_get_settings (DaApplication *self);
GListModel    *da_application_get_sessions (DaApplication *self);
void           da_application_add_session  (DaApplication *self,
                                            gpointer       session);
void           da_application_remove_session (DaApplication *self,
                                              gpointer       session);
gboolean       da_application_get_default_provider (DaApplication  *self,
                                                    char          **kind,
                                                    char          **base_url,
                                                    char          **model);
void           da_application_add_provider (DaApplication *self,
                                            const char    *kind,
                                            const char    *base_url,
                                            const char    *model);

G_END_DECLS
