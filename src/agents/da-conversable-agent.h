/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-agent.h"
#include "da-human-input-request.h"
#include "da-provider.h"
#include "da-toolbox.h"

G_BEGIN_DECLS

/**
 * DaTerminationMode:
 * @DA_TERMINATION_MODE_EXACT: the whole content equals the pattern
 * @DA_TERMINATION_MODE_CONTAINS: the content contains the pattern
 * @DA_TERMINATION_MODE_REGEX: the pattern, a Perl-compatible regular
 *   expression, matches somewhere in the content (anchor it with ^ and $
 *   to match the whole)
 *
 * How an agent recognises a termination message from its peer.
 */
typedef enum
{
  DA_TERMINATION_MODE_EXACT,
  DA_TERMINATION_MODE_CONTAINS,
  DA_TERMINATION_MODE_REGEX,
} DaTerminationMode;

/**
 * DaHumanInputMode:
 * @DA_HUMAN_INPUT_ALWAYS: ask the human before every reply
 * @DA_HUMAN_INPUT_TERMINATE: ask the human only when a termination
 *   message arrives or the auto replies are used up
 * @DA_HUMAN_INPUT_NEVER: never ask; a termination message or used-up
 *   auto replies end the chat
 */
typedef enum
{
  DA_HUMAN_INPUT_ALWAYS,
  DA_HUMAN_INPUT_TERMINATE,
  DA_HUMAN_INPUT_NEVER,
} DaHumanInputMode;

#define DA_CONVERSABLE_AGENT_DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY 100

#define DA_TYPE_CONVERSABLE_AGENT (da_conversable_agent_get_type ())

G_DECLARE_DERIVABLE_TYPE (DaConversableAgent, da_conversable_agent, DA, CONVERSABLE_AGENT, DaAgent)

/**
 * DaHumanInputHandler:
 * @agent: the agent asking
 * @prompt: the question, to show to the human
 * @cancellable: (nullable): cancelled when the chat no longer waits
 * @request: answer it, now or later, with da_human_input_request_reply()
 *   or da_human_input_request_cancel(); take a reference to keep it
 * @user_data: the data given with the handler
 */
typedef void (*DaHumanInputHandler) (DaConversableAgent  *agent,
                                     const char          *prompt,
                                     GCancellable        *cancellable,
                                     DaHumanInputRequest *request,
                                     gpointer             user_data);

struct _DaConversableAgentClass
{
  DaAgentClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

DaConversableAgent *da_conversable_agent_new                 (const char          *name);

const char         *da_conversable_agent_get_system_message  (DaConversableAgent  *self);
void                da_conversable_agent_set_system_message  (DaConversableAgent  *self,
                                                              const char          *system_message);
const char         *da_conversable_agent_get_default_auto_reply (DaConversableAgent *self);
void                da_conversable_agent_set_default_auto_reply (DaConversableAgent *self,
                                                              const char          *default_auto_reply);
guint               da_conversable_agent_get_max_consecutive_auto_reply (DaConversableAgent *self);
void                da_conversable_agent_set_max_consecutive_auto_reply (DaConversableAgent *self,
                                                              guint                max_replies);
guint               da_conversable_agent_get_consecutive_auto_reply_count (DaConversableAgent *self,
                                                              DaAgent             *sender);
void                da_conversable_agent_reset_consecutive_auto_reply_counter (DaConversableAgent *self,
                                                              DaAgent             *sender);
DaTerminationMode   da_conversable_agent_get_termination_mode (DaConversableAgent *self);
const char         *da_conversable_agent_get_termination_pattern (DaConversableAgent *self);
gboolean            da_conversable_agent_set_termination     (DaConversableAgent  *self,
                                                              DaTerminationMode    mode,
                                                              const char          *pattern,
                                                              GError             **error);
gboolean            da_conversable_agent_is_termination_message (DaConversableAgent *self,
                                                              DaMessage           *message);
DaHumanInputMode    da_conversable_agent_get_human_input_mode (DaConversableAgent *self);
void                da_conversable_agent_set_human_input_mode (DaConversableAgent *self,
                                                              DaHumanInputMode     mode);
void                da_conversable_agent_set_human_input_handler (DaConversableAgent *self,
                                                              DaHumanInputHandler  handler,
                                                              gpointer             user_data,
                                                              GDestroyNotify       destroy);
DaProvider         *da_conversable_agent_get_provider        (DaConversableAgent  *self);
void                da_conversable_agent_set_provider        (DaConversableAgent  *self,
                                                              DaProvider          *provider);
const char         *da_conversable_agent_get_model           (DaConversableAgent  *self);
void                da_conversable_agent_set_model           (DaConversableAgent  *self,
                                                              const char          *model);
double              da_conversable_agent_get_temperature     (DaConversableAgent  *self);
void                da_conversable_agent_set_temperature     (DaConversableAgent  *self,
                                                              double               temperature);
gint64              da_conversable_agent_get_max_tokens      (DaConversableAgent  *self);
void                da_conversable_agent_set_max_tokens      (DaConversableAgent  *self,
                                                              gint64               max_tokens);
gint64              da_conversable_agent_get_context_max_tokens (DaConversableAgent *self);
void                da_conversable_agent_set_context_max_tokens (DaConversableAgent *self,
                                                              gint64               max_tokens);
DaToolbox          *da_conversable_agent_get_toolbox         (DaConversableAgent  *self);
const char * const *da_conversable_agent_get_handoffs        (DaConversableAgent  *self);
void                da_conversable_agent_set_handoffs        (DaConversableAgent  *self,
                                                              const char * const  *targets);
void                da_conversable_agent_set_toolbox         (DaConversableAgent  *self,
                                                              DaToolbox           *toolbox);
DaRequest          *da_conversable_agent_build_request       (DaConversableAgent  *self,
                                                              GPtrArray           *messages);

gint64              da_estimate_tokens                       (DaMessage           *message);
const char         *da_termination_mode_to_string            (DaTerminationMode    mode);
gboolean            da_termination_mode_from_string          (const char          *str,
                                                              DaTerminationMode   *mode);
const char         *da_human_input_mode_to_string            (DaHumanInputMode     mode);
gboolean            da_human_input_mode_from_string          (const char          *str,
                                                              DaHumanInputMode    *mode);

G_END_DECLS
