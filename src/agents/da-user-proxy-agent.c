/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-user-proxy-agent.h"

/**
 * DaUserProxyAgent:
 *
 * AutoGen's UserProxyAgent: stands for a person. It asks its human
 * before every reply by default (%DA_HUMAN_INPUT_ALWAYS) and has no
 * provider, so an empty answer gives its default auto reply.
 */
struct _DaUserProxyAgent
{
  DaConversableAgent parent_instance;
};

G_DEFINE_FINAL_TYPE (DaUserProxyAgent, da_user_proxy_agent, DA_TYPE_CONVERSABLE_AGENT)

static void
da_user_proxy_agent_class_init (DaUserProxyAgentClass *klass)
{
}

static void
da_user_proxy_agent_init (DaUserProxyAgent *self)
{
  /* Defaults only: construct properties are applied after this. */
  da_conversable_agent_set_human_input_mode (DA_CONVERSABLE_AGENT (self), DA_HUMAN_INPUT_ALWAYS);
  da_agent_set_description (DA_AGENT (self), DA_USER_PROXY_AGENT_DEFAULT_DESCRIPTION);
}

DaUserProxyAgent *
da_user_proxy_agent_new (const char *name)
{
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  return g_object_new (DA_TYPE_USER_PROXY_AGENT, "name", name, NULL);
}
