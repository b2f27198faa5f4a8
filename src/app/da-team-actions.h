/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-store.h"
#include "da-team-config.h"
#include "da-team-draft.h"

G_BEGIN_DECLS

void       da_team_actions_install     (GtkApplication *application);
DaStore   *da_team_actions_get_store   (GtkApplication *application);
GtkWindow *da_team_actions_open_editor (GtkApplication *application,
                                        DaTeamDraft    *draft);
GtkWindow *da_team_actions_run_team    (GtkApplication *application,
                                        DaTeamConfig   *config);
GStrv      da_team_actions_gallery_dirs (void);

G_END_DECLS
