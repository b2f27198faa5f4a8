/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-conversable-agent.h"

G_BEGIN_DECLS

#define DA_USER_PROXY_AGENT_DEFAULT_DESCRIPTION \
  "A human user who can answer questions about the task and give feedback."

#define DA_TYPE_USER_PROXY_AGENT (da_user_proxy_agent_get_type ())

G_DECLARE_FINAL_TYPE (DaUserProxyAgent, da_user_proxy_agent, DA, USER_PROXY_AGENT, DaConversableAgent)

DaUserProxyAgent *da_user_proxy_agent_new (const char *name);

G_END_DECLS
