/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-assistant-agent.h"

/**
 * DaAssistantAgent:
 *
 * AutoGen's AssistantAgent: a #DaConversableAgent that never asks a
 * human and starts with a general assistant's system message.
 */
struct _DaAssistantAgent
{
  DaConversableAgent parent_instance;
};

G_DEFINE_FINAL_TYPE (DaAssistantAgent, da_assistant_agent, DA_TYPE_CONVERSABLE_AGENT)

static void
da_assistant_agent_class_init (DaAssistantAgentClass *klass)
{
}

static void
da_assistant_agent_init (DaAssistantAgent *self)
{
  DaConversableAgent *agent = DA_CONVERSABLE_AGENT (self);

  /* Defaults only: construct properties are applied after this. */
  da_conversable_agent_set_system_message (agent, DA_ASSISTANT_AGENT_DEFAULT_SYSTEM_MESSAGE);
  da_conversable_agent_set_human_input_mode (agent, DA_HUMAN_INPUT_NEVER);
  da_agent_set_description (DA_AGENT (self), DA_ASSISTANT_AGENT_DEFAULT_DESCRIPTION);
}

/**
 * da_assistant_agent_new:
 * @provider: (nullable): the provider; without one the agent answers
 *   with its default auto reply
 */
DaAssistantAgent *
da_assistant_agent_new (const char *name,
                        DaProvider *provider)
{
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);
  g_return_val_if_fail (provider == NULL || DA_IS_PROVIDER (provider), NULL);

  return g_object_new (DA_TYPE_ASSISTANT_AGENT,
                       "name", name,
                       "provider", provider,
                       NULL);
}
