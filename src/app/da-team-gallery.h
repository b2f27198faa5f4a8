/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DA_TYPE_TEAM_GALLERY (da_team_gallery_get_type ())

G_DECLARE_FINAL_TYPE (DaTeamGallery, da_team_gallery, DA, TEAM_GALLERY, AdwApplicationWindow)

DaTeamGallery *da_team_gallery_new         (GtkApplication *application);
guint          da_team_gallery_get_n_teams (DaTeamGallery  *self);
const char    *da_team_gallery_get_path    (DaTeamGallery  *self,
                                            guint           i);
gboolean       da_team_gallery_get_loaded  (DaTeamGallery  *self);

G_END_DECLS
