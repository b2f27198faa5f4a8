/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_AGENT_ERROR (da_agent_error_quark ())

/**
 * DaAgentError:
 * @DA_AGENT_ERROR_INVALID_TEAM: a team file is malformed or inconsistent;
 *   the message starts with the JSON path of the offending value
 * @DA_AGENT_ERROR_INVALID_ARGUMENTS: an agent or chat was set up in a way
 *   that cannot work (an invalid termination regex, a direct chat without
 *   two agents, …)
 * @DA_AGENT_ERROR_PROVIDER_UNAVAILABLE: an agent's provider could not be
 *   created (no resolver, or the resolver gave nothing)
 */
typedef enum
{
  DA_AGENT_ERROR_INVALID_TEAM,
  DA_AGENT_ERROR_INVALID_ARGUMENTS,
  DA_AGENT_ERROR_PROVIDER_UNAVAILABLE,
} DaAgentError;

GQuark da_agent_error_quark (void);

G_END_DECLS
