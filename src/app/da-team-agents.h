/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-team-config.h"

G_BEGIN_DECLS

void       da_team_agents_create_async  (DaTeamConfig         *config,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray *da_team_agents_create_finish (GAsyncResult         *result,
                                         DaProvider          **selector,
                                         GError              **error);

G_END_DECLS
