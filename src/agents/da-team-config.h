/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "da-agent.h"
#include "da-conversable-agent.h"
#include "da-provider.h"

G_BEGIN_DECLS

typedef enum
{
  DA_AGENT_KIND_ASSISTANT,
  DA_AGENT_KIND_USER_PROXY,
  DA_AGENT_KIND_CONVERSABLE,
} DaAgentKind;

typedef enum
{
  DA_TEAM_KIND_DIRECT,
  DA_TEAM_KIND_ROUND_ROBIN,
  DA_TEAM_KIND_RANDOM,
  DA_TEAM_KIND_MANUAL,
  DA_TEAM_KIND_SELECTOR,
  DA_TEAM_KIND_SWARM,
  DA_TEAM_KIND_GRAPH,
} DaTeamKind;

/**
 * DaProviderConfig:
 * @kind: "openai", "anthropic", "gemini" or "ollama"
 * @base_url: (nullable): an http(s) URL; %NULL for the kind's default
 * @model: (nullable): the model; %NULL for the provider's default
 * @api_key_env: (nullable): the variable holding the key; %NULL means
 *   the keyring entry for @kind and @base_url
 * @temperature: 0 to 2, or negative for the server's default
 * @max_tokens: completion tokens per reply, 0 for the server's default
 * @timeout: request timeout in seconds, 0 for the provider's default
 * @max_retries: retries, or -1 for the provider's default
 *
 * The "provider" object of an agent in a team file.
 */
typedef struct
{
  char   *kind;
  char   *base_url;
  char   *model;
  char   *api_key_env;
  double  temperature;
  gint64  max_tokens;
  guint   timeout;
  gint    max_retries;
} DaProviderConfig;

/**
 * DaAgentConfig:
 * @name: unique within the team
 * @kind: the agent class
 * @description: (nullable): %NULL keeps the class default
 * @system_message: (nullable): %NULL keeps the class default
 * @default_auto_reply: (nullable): %NULL keeps the class default
 * @has_human_input: whether @human_input was given
 * @human_input: the human input mode, when @has_human_input
 * @max_consecutive_auto_reply: -1 for the default (100)
 * @termination_mode: how termination messages are recognised
 * @termination_pattern: the pattern ("TERMINATE" unless given); a regex
 *   has been compiled once to check it
 * @context_max_tokens: token budget of the context, 0 for none
 * @provider: (nullable): the provider; %NULL for an agent that answers
 *   with its default auto reply
 * @tools: (array zero-terminated=1): tool names, possibly empty
 * @permissions: (nullable): the "permissions" object as written, for the
 *   security layer
 *
 * One entry of "agents" in a team file.
 */
typedef struct
{
  char              *name;
  DaAgentKind        kind;
  char              *description;
  char              *system_message;
  char              *default_auto_reply;
  gboolean           has_human_input;
  DaHumanInputMode   human_input;
  gint64             max_consecutive_auto_reply;
  DaTerminationMode  termination_mode;
  char              *termination_pattern;
  gint64             context_max_tokens;
  DaProviderConfig  *provider;
  GStrv              tools;
  JsonNode          *permissions;
  GStrv              handoffs;
} DaAgentConfig;

/**
 * DaTeamConfig:
 * @name: the team name
 * @description: (nullable): what the team is for
 * @agents: (element-type DaAgentConfig): the agents, in file order
 * @team_kind: how the next speaker is chosen
 * @max_round: the most messages of a group chat, 0 when not given
 * @max_turns: the most exchanges of a direct chat, 0 when not given
 * @termination: (nullable): the "termination" condition as written,
 *   checked with the chat layer's parser; make the runtime condition with
 *   da_termination_new_from_json() (one per run: it keeps state)
 * @transitions: (nullable): agent name → (array zero-terminated=1)
 *   names of the agents that may speak next
 * @has_allow_repeat_speaker: whether "allow_repeat_speaker" was given
 * @allow_repeat_speaker: its value
 * @selector_provider: (nullable): the model that picks the next speaker
 *   of a selector team ("selector": {"provider": {…}})
 * @selector_prompt: (nullable): its prompt, when not the default
 * @selector_max_attempts: attempts at a valid name, 0 when not given
 * @warnings: (nullable) (array zero-terminated=1): for a team imported
 *   from AutoGen, what could not be mapped; see
 *   da_team_config_get_warnings()
 *
 * A parsed, validated team file. Reference counted; read-only once
 * parsed.
 */
typedef struct
{
  char                *name;
  char                *description;
  GPtrArray           *agents;
  DaTeamKind           team_kind;
  gint64               max_round;
  gint64               max_turns;
  JsonNode            *termination;
  GHashTable          *transitions;
  gboolean             has_allow_repeat_speaker;
  gboolean             allow_repeat_speaker;
  DaProviderConfig    *selector_provider;
  char                *selector_prompt;
  gint64               selector_max_attempts;
  GStrv                warnings;
} DaTeamConfig;

/**
 * DaProviderResolver:
 * @provider: the provider configuration
 * @agent: the agent that uses it
 * @user_data: the data given to da_team_config_create_agents()
 * @error: return location for an error
 *
 * Turns a provider configuration into a provider; this is where a
 * caller looks up the key (keyring or @provider->api_key_env).
 *
 * Returns: (transfer full): the provider, or %NULL with @error set
 */
typedef DaProvider *(*DaProviderResolver) (const DaProviderConfig  *provider,
                                           const DaAgentConfig     *agent,
                                           gpointer                 user_data,
                                           GError                 **error);

#define DA_TYPE_TEAM_CONFIG (da_team_config_get_type ())

GType                 da_team_config_get_type           (void) G_GNUC_CONST;
DaTeamConfig         *da_team_config_new_from_data      (const char           *data,
                                                         gssize                len,
                                                         GError              **error);
DaTeamConfig         *da_team_config_new_from_file      (const char           *path,
                                                         GError              **error);
void                  da_team_config_load_async         (GFile                *file,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
DaTeamConfig         *da_team_config_load_finish        (GAsyncResult         *result,
                                                         GError              **error);
DaTeamConfig         *da_team_config_ref                (DaTeamConfig         *self);
void                  da_team_config_unref              (DaTeamConfig         *self);
const DaAgentConfig  *da_team_config_get_agent          (DaTeamConfig         *self,
                                                         const char           *name);
const char * const   *da_team_config_get_transitions    (DaTeamConfig         *self,
                                                         const char           *from);
const char * const   *da_team_config_get_warnings       (DaTeamConfig         *self);
GPtrArray            *da_team_config_create_agents      (DaTeamConfig         *self,
                                                         DaProviderResolver    resolver,
                                                         gpointer              user_data,
                                                         GError              **error);
gboolean              da_team_pick_direct_pair          (GPtrArray            *agents,
                                                         DaAgent             **initiator,
                                                         DaAgent             **recipient,
                                                         GError              **error);

const char           *da_agent_kind_to_string           (DaAgentKind           kind);
const char           *da_team_kind_to_string            (DaTeamKind            kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaTeamConfig, da_team_config_unref)

G_END_DECLS
