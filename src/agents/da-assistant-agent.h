/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-conversable-agent.h"

G_BEGIN_DECLS

#define DA_ASSISTANT_AGENT_DEFAULT_SYSTEM_MESSAGE \
  "You are a helpful AI assistant. Solve tasks step by step using your language skills. " \
  "Check your results and say when you are unsure. When the task is done, or cannot " \
  "be done, reply \"TERMINATE\"."

#define DA_ASSISTANT_AGENT_DEFAULT_DESCRIPTION \
  "A helpful and general-purpose AI assistant with strong language skills."

#define DA_TYPE_ASSISTANT_AGENT (da_assistant_agent_get_type ())

G_DECLARE_FINAL_TYPE (DaAssistantAgent, da_assistant_agent, DA, ASSISTANT_AGENT, DaConversableAgent)

DaAssistantAgent *da_assistant_agent_new (const char *name,
                                          DaProvider *provider);

G_END_DECLS
