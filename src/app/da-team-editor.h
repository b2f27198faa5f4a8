/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-store.h"
#include "da-team-draft.h"

G_BEGIN_DECLS

#define DA_TYPE_TEAM_EDITOR (da_team_editor_get_type ())

G_DECLARE_FINAL_TYPE (DaTeamEditor, da_team_editor, DA, TEAM_EDITOR, AdwApplicationWindow)

DaTeamEditor   *da_team_editor_new                   (GtkApplication  *application,
                                                      DaStore         *store);
void            da_team_editor_set_draft             (DaTeamEditor    *self,
                                                      DaTeamDraft     *draft);
DaTeamDraft    *da_team_editor_get_draft             (DaTeamEditor    *self);
char           *da_team_editor_to_json               (DaTeamEditor    *self);
gboolean        da_team_editor_load_json             (DaTeamEditor    *self,
                                                      const char      *data,
                                                      gssize           len,
                                                      GError         **error);
gboolean        da_team_editor_import_autogen        (DaTeamEditor    *self,
                                                      const char      *data,
                                                      gssize           len,
                                                      GError         **error);
GtkWindow      *da_team_editor_get_import_report     (DaTeamEditor    *self);
GtkCheckButton *da_team_editor_get_transition_button (DaTeamEditor    *self,
                                                      const char      *from,
                                                      const char      *to);
GtkWindow      *da_team_editor_run                   (DaTeamEditor    *self,
                                                      GError         **error);

G_END_DECLS
