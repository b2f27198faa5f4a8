/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-conversable-agent.h"
#include "da-toolbox.h"

G_BEGIN_DECLS

typedef struct
{
  char                *system_message;
  char                *default_auto_reply;
  guint                max_consecutive_auto_reply;
  /* sender name → count, created on first auto reply */
  GHashTable          *auto_reply_counts;

  DaTerminationMode    termination_mode;
  char                *termination_pattern;
  GRegex              *termination_regex;

  DaHumanInputMode     human_input_mode;
  DaHumanInputHandler  human_input_handler;
  gpointer             human_input_data;
  GDestroyNotify       human_input_destroy;

  DaProvider          *provider;
  char                *model;
  double               temperature;
  gint64               max_tokens;
  gint64               context_max_tokens;
  DaToolbox           *toolbox;
  GStrv                handoffs;

  /* The last request built, kept to be extended by the next one */
  DaRequest           *last_request;
  guint                last_request_first;
} DaConversableAgentPrivate;

DaConversableAgentPrivate *_da_conversable_agent_get_private               (DaConversableAgent   *self);
void                       _da_conversable_agent_count_auto_reply          (DaConversableAgent   *self,
                                                                            DaAgent              *sender);
void                       _da_conversable_agent_generate_reply_async      (DaAgent              *agent,
                                                                            GPtrArray            *messages,
                                                                            DaAgent              *sender,
                                                                            GCancellable         *cancellable,
                                                                            GAsyncReadyCallback   callback,
                                                                            gpointer              user_data);
DaMessage                 *_da_conversable_agent_generate_reply_finish     (DaAgent              *agent,
                                                                            GAsyncResult         *result,
                                                                            GError              **error);

G_END_DECLS
