/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-agent-error.h"
#include "da-assistant-agent.h"
#include "da-autogen-import-private.h"
#include "da-team-config-private.h"
#include "da-user-proxy-agent.h"

/**
 * SECTION:da-team-config
 *
 * A team file (see DESIGN.md) parsed into plain structs: #DaTeamConfig
 * is reference counted and owns its #DaAgentConfig and #DaProviderConfig,
 * which callers read but never free. The
 * "tools" and "permissions" of an agent are kept for the tools and
 * security layers; da_team_config_create_agents() does not apply them.
 */

G_DEFINE_BOXED_TYPE (DaTeamConfig, da_team_config, da_team_config_ref, da_team_config_unref)

static void
da_team_config_clear (DaTeamConfig *self)
{
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->agents, g_ptr_array_unref);
  g_clear_pointer (&self->termination, json_node_unref);
  g_clear_pointer (&self->transitions, g_hash_table_unref);
  g_clear_pointer (&self->selector_provider, _da_provider_config_free);
  g_clear_pointer (&self->selector_prompt, g_free);
  g_clear_pointer (&self->warnings, g_strfreev);
}

DaTeamConfig *
_da_team_config_new (void)
{
  DaTeamConfig *self = g_atomic_rc_box_new0 (DaTeamConfig);

  self->agents = g_ptr_array_new_with_free_func ((GDestroyNotify)_da_agent_config_free);
  self->team_kind = DA_TEAM_KIND_DIRECT;
  return self;
}

DaTeamConfig *
da_team_config_ref (DaTeamConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
da_team_config_unref (DaTeamConfig *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, (GDestroyNotify)da_team_config_clear);
}

void
_da_provider_config_free (DaProviderConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->kind);
  g_free (config->base_url);
  g_free (config->model);
  g_free (config->api_key_env);
  g_free (config);
}

void
_da_agent_config_free (DaAgentConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->name);
  g_free (config->description);
  g_free (config->system_message);
  g_free (config->default_auto_reply);
  g_free (config->termination_pattern);
  _da_provider_config_free (config->provider);
  g_strfreev (config->tools);
  g_strfreev (config->handoffs);
  g_clear_pointer (&config->permissions, json_node_unref);
  g_free (config);
}

/**
 * da_team_config_new_from_data:
 * @data: the team file's contents
 * @len: the length of @data, or -1 if it is nul-terminated
 *
 * Returns: (transfer full): the team, or %NULL with a
 *   %DA_AGENT_ERROR_INVALID_TEAM error whose message starts with the
 *   JSON path at fault
 */
DaTeamConfig *
da_team_config_new_from_data (const char  *data,
                              gssize       len,
                              GError     **error)
{
  return _da_team_config_load_data (data, len, error);
}

/**
 * da_team_config_new_from_file:
 *
 * Reads and parses a team file, blocking; from the main loop of an
 * application use da_team_config_load_async().
 *
 * Returns: (transfer full): the team, or %NULL with a #GFileError or a
 *   %DA_AGENT_ERROR_INVALID_TEAM error
 */
DaTeamConfig *
da_team_config_new_from_file (const char  *path,
                              GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  return _da_team_config_load_data (contents, len, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  gsize len = 0;
  GError *error = NULL;
  DaTeamConfig *config;

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, &error) ||
      !(config = _da_team_config_load_data (contents, len, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, config, (GDestroyNotify)da_team_config_unref);
}

/**
 * da_team_config_load_async:
 *
 * Reads and parses a team file in a worker thread.
 */
void
da_team_config_load_async (GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_team_config_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * da_team_config_load_finish:
 *
 * Returns: (transfer full): the team, or %NULL with an error
 */
DaTeamConfig *
da_team_config_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_team_config_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * da_team_config_get_agent:
 *
 * Returns: (nullable): the agent named @name
 */
const DaAgentConfig *
da_team_config_get_agent (DaTeamConfig *self,
                          const char   *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->agents->len; i++)
    {
      const DaAgentConfig *agent = g_ptr_array_index (self->agents, i);

      if (g_str_equal (agent->name, name))
        return agent;
    }

  return NULL;
}

/**
 * da_team_config_get_transitions:
 *
 * Returns: (nullable) (array zero-terminated=1): the agents that may
 *   speak after @from, or %NULL when the team lists none for @from
 */
const char * const *
da_team_config_get_transitions (DaTeamConfig *self,
                                const char   *from)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (from != NULL, NULL);

  if (self->transitions == NULL)
    return NULL;
  return g_hash_table_lookup (self->transitions, from);
}

/**
 * da_team_config_get_warnings:
 *
 * A team file in AutoGen's component format is imported on loading;
 * what could not be mapped is reported here, one line each, starting
 * with the JSON path in the AutoGen file.
 *
 * Returns: (array zero-terminated=1) (transfer none): the warnings,
 *   empty for a team file in our format
 */
const char * const *
da_team_config_get_warnings (DaTeamConfig *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);

  return self->warnings != NULL ? (const char * const *)self->warnings : none;
}

static DaAgent *
create_agent (DaTeamConfig         *self,
              guint                 index,
              DaProviderResolver    resolver,
              gpointer              user_data,
              GError              **error)
{
  const DaAgentConfig *config = g_ptr_array_index (self->agents, index);
  g_autoptr(DaConversableAgent) agent = NULL;
  GType type;

  switch (config->kind)
    {
    case DA_AGENT_KIND_ASSISTANT:
      type = DA_TYPE_ASSISTANT_AGENT;
      break;
    case DA_AGENT_KIND_USER_PROXY:
      type = DA_TYPE_USER_PROXY_AGENT;
      break;
    case DA_AGENT_KIND_CONVERSABLE:
      type = DA_TYPE_CONVERSABLE_AGENT;
      break;
    default:
      g_assert_not_reached ();
    }

  agent = g_object_new (type, "name", config->name, NULL);

  if (config->description != NULL)
    da_agent_set_description (DA_AGENT (agent), config->description);
  if (config->system_message != NULL)
    da_conversable_agent_set_system_message (agent, config->system_message);
  if (config->default_auto_reply != NULL)
    da_conversable_agent_set_default_auto_reply (agent, config->default_auto_reply);
  if (config->has_human_input)
    da_conversable_agent_set_human_input_mode (agent, config->human_input);
  if (config->max_consecutive_auto_reply >= 0)
    da_conversable_agent_set_max_consecutive_auto_reply (agent, (guint)config->max_consecutive_auto_reply);
  da_conversable_agent_set_context_max_tokens (agent, config->context_max_tokens);

  if (!da_conversable_agent_set_termination (agent, config->termination_mode,
                                             config->termination_pattern, error))
    {
      g_prefix_error (error, "$.agents[%u].termination: ", index);
      return NULL;
    }

  if (config->provider != NULL)
    {
      const DaProviderConfig *pc = config->provider;
      g_autoptr(DaProvider) provider = NULL;
      g_autoptr(GError) local_error = NULL;

      if (resolver == NULL)
        {
          g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_PROVIDER_UNAVAILABLE,
                       "$.agents[%u].provider: no provider resolver for kind %s",
                       index, pc->kind);
          return NULL;
        }

      provider = resolver (pc, config, user_data, &local_error);
      if (provider == NULL)
        {
          if (local_error == NULL)
            local_error = g_error_new (DA_AGENT_ERROR, DA_AGENT_ERROR_PROVIDER_UNAVAILABLE,
                                       "no %s provider available", pc->kind);
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "$.agents[%u].provider: ", index);
          return NULL;
        }

      if (pc->timeout > 0)
        da_provider_set_timeout (provider, pc->timeout);
      if (pc->max_retries >= 0)
        da_provider_set_max_retries (provider, (guint)pc->max_retries);

      da_conversable_agent_set_provider (agent, provider);
      da_conversable_agent_set_model (agent, pc->model);
      da_conversable_agent_set_temperature (agent, pc->temperature);
      da_conversable_agent_set_max_tokens (agent, pc->max_tokens);
    }

  if (config->handoffs != NULL)
    da_conversable_agent_set_handoffs (agent, (const char * const *)config->handoffs);

  return DA_AGENT (g_steal_pointer (&agent));
}

/**
 * da_team_config_create_agents:
 * @resolver: (nullable) (scope call): turns each provider configuration
 *   into a provider; needed when an agent has a provider
 *
 * Returns: (transfer container) (element-type DaAgent): the agents, in
 *   file order, or %NULL with an error whose message starts with the
 *   JSON path of the agent's provider
 */
GPtrArray *
da_team_config_create_agents (DaTeamConfig        *self,
                              DaProviderResolver   resolver,
                              gpointer             user_data,
                              GError             **error)
{
  g_autoptr(GPtrArray) agents = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  agents = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->agents->len; i++)
    {
      DaAgent *agent = create_agent (self, i, resolver, user_data, error);

      if (agent == NULL)
        return NULL;
      g_ptr_array_add (agents, agent);
    }

  return g_steal_pointer (&agents);
}

/**
 * da_team_pick_direct_pair:
 * @agents: (element-type DaAgent): the team's agents
 * @initiator: (out) (transfer none): the user proxy if there is one,
 *   else the first agent
 * @recipient: (out) (transfer none): the first other agent
 *
 * Picks the two agents of a direct chat.
 */
gboolean
da_team_pick_direct_pair (GPtrArray  *agents,
                          DaAgent   **initiator,
                          DaAgent   **recipient,
                          GError    **error)
{
  DaAgent *first = NULL;
  DaAgent *second = NULL;

  g_return_val_if_fail (agents != NULL, FALSE);
  g_return_val_if_fail (initiator != NULL, FALSE);
  g_return_val_if_fail (recipient != NULL, FALSE);

  if (agents->len < 2)
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_ARGUMENTS,
                   "A direct chat needs two agents, the team has %u", agents->len);
      return FALSE;
    }

  for (guint i = 0; i < agents->len && first == NULL; i++)
    if (DA_IS_USER_PROXY_AGENT (g_ptr_array_index (agents, i)))
      first = g_ptr_array_index (agents, i);
  if (first == NULL)
    first = g_ptr_array_index (agents, 0);

  for (guint i = 0; i < agents->len && second == NULL; i++)
    if (g_ptr_array_index (agents, i) != first)
      second = g_ptr_array_index (agents, i);

  *initiator = first;
  *recipient = second;
  return TRUE;
}

static const char * const agent_kind_names[] = { "assistant", "user_proxy", "conversable" };
static const char * const team_kind_names[] = { "direct", "round_robin", "random", "manual",
                                                "selector", "swarm", "graph" };

const char *
da_agent_kind_to_string (DaAgentKind kind)
{
  g_return_val_if_fail ((guint)kind < G_N_ELEMENTS (agent_kind_names), NULL);
  return agent_kind_names[kind];
}

const char *
da_team_kind_to_string (DaTeamKind kind)
{
  g_return_val_if_fail ((guint)kind < G_N_ELEMENTS (team_kind_names), NULL);
  return team_kind_names[kind];
}
