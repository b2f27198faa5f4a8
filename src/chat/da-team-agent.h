/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-agent.h"
#include "da-group-chat.h"

G_BEGIN_DECLS

#define DA_TYPE_TEAM_AGENT (da_team_agent_get_type ())

G_DECLARE_FINAL_TYPE (DaTeamAgent, da_team_agent, DA, TEAM_AGENT, DaAgent)

DaTeamAgent *da_team_agent_new                 (const char   *name,
                                                DaGroupChat  *team);
DaGroupChat *da_team_agent_get_team            (DaTeamAgent  *self);
gboolean     da_team_agent_get_reset_each_turn (DaTeamAgent  *self);
void         da_team_agent_set_reset_each_turn (DaTeamAgent  *self,
                                                gboolean      reset);

G_END_DECLS
