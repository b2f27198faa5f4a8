/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-team-config.h"

G_BEGIN_DECLS

/* Team files larger than this are refused before parsing. */
#define DA_TEAM_CONFIG_MAX_SIZE (1024 * 1024)
/* Deeper nesting of arrays and objects is refused before parsing. */
#define DA_TEAM_CONFIG_MAX_DEPTH 64

DaTeamConfig *_da_team_config_new                    (void);
void          _da_agent_config_free                  (DaAgentConfig       *config);
void          _da_provider_config_free               (DaProviderConfig    *config);
char         *_da_quote_value                        (const char          *text,
                                                      char                 mark);

/* Pure: parses and validates a team file held in memory. Every error is
 * DA_AGENT_ERROR_INVALID_TEAM with a message that starts with the JSON
 * path of the offending value. */
DaTeamConfig *_da_team_config_parse                  (const char          *data,
                                                      gssize               len,
                                                      GError             **error);

G_END_DECLS
