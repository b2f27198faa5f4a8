/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"
#include "da-group-chat-private.h"
#include "da-user-proxy-agent.h"

static const DaSpeakerSelection selections[] = {
  [DA_TEAM_KIND_ROUND_ROBIN] = DA_SPEAKER_SELECTION_ROUND_ROBIN,
  [DA_TEAM_KIND_RANDOM] = DA_SPEAKER_SELECTION_RANDOM,
  [DA_TEAM_KIND_MANUAL] = DA_SPEAKER_SELECTION_MANUAL,
  [DA_TEAM_KIND_SELECTOR] = DA_SPEAKER_SELECTION_SELECTOR,
  [DA_TEAM_KIND_SWARM] = DA_SPEAKER_SELECTION_SWARM,
  [DA_TEAM_KIND_GRAPH] = DA_SPEAKER_SELECTION_GRAPH,
};

/**
 * da_group_chat_new_from_config:
 * @config: a parsed team file
 * @agents: (element-type DaAgent): the agents made from it
 *   (da_team_config_create_agents()), in file order
 * @error: return location for an error
 *
 * Builds the group chat a team file describes: the selection from the
 * team kind, #DaGroupChat:max-round (AutoGen's default when not given),
 * the termination condition and the allowed transitions (the graph of a
 * graph team). A selector team still needs its selector provider
 * (da_group_chat_set_selector_provider()), a manual team its handler.
 *
 * Returns: (transfer full): the team, or %NULL with
 *   %DA_CHAT_ERROR_INVALID_CONFIG (a direct team is a #DaChat)
 */
DaGroupChat *
da_group_chat_new_from_config (DaTeamConfig  *config,
                               GPtrArray     *agents,
                               GError       **error)
{
  g_autoptr(DaGroupChat) self = NULL;
  GHashTableIter iter;
  const char *from;
  const char * const *targets;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (agents != NULL && agents->len > 0, NULL);

  if (config->team_kind == DA_TEAM_KIND_DIRECT ||
      (guint)config->team_kind >= G_N_ELEMENTS (selections))
    {
      g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                   "$.team.kind: a %s team is not a group chat",
                   da_team_kind_to_string (config->team_kind));
      return NULL;
    }

  for (guint i = 0; i < agents->len; i++)
    {
      const char *name = da_agent_get_name (g_ptr_array_index (agents, i));
      gboolean clash = g_ascii_strcasecmp (name, DA_GROUP_CHAT_DEFAULT_MANAGER_NAME) == 0;

      for (guint j = 0; j < i && !clash; j++)
        clash = g_ascii_strcasecmp (name, da_agent_get_name (g_ptr_array_index (agents, j))) == 0;
      if (clash)
        {
          g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                       "$.agents[%u].name: \"%s\" is taken (names are compared ignoring case; "
                       "\"%s\" is the manager's)", i, name, DA_GROUP_CHAT_DEFAULT_MANAGER_NAME);
          return NULL;
        }
    }

  self = da_group_chat_new (agents);

  da_group_chat_set_selection (self, selections[config->team_kind]);
  if (config->max_round > 0)
    da_group_chat_set_max_round (self, (guint)MIN (config->max_round, G_MAXUINT));
  if (config->has_allow_repeat_speaker)
    da_group_chat_set_allow_repeat_speaker (self, config->allow_repeat_speaker);
  if (config->selector_prompt != NULL)
    da_group_chat_set_selector_prompt (self, config->selector_prompt);
  if (config->selector_max_attempts > 0)
    da_group_chat_set_max_selector_attempts (self, (guint)config->selector_max_attempts);

  /* The task comes from the team's user proxy when it has one, as the
   * team file promises; otherwise it is posted as "user". */
  for (guint i = 0; i < agents->len; i++)
    if (DA_IS_USER_PROXY_AGENT (g_ptr_array_index (agents, i)))
      {
        da_group_chat_set_initiator (self, g_ptr_array_index (agents, i));
        break;
      }

  if (config->termination != NULL)
    {
      /* The team file was checked with the same grammar when it was read;
       * each run gets a fresh condition tree because it keeps state. */
      g_autoptr(DaTermination) termination = da_termination_new_from_json (config->termination, error);

      if (termination == NULL)
        return NULL;
      da_group_chat_set_termination (self, termination);
    }

  if (config->transitions != NULL)
    {
      g_hash_table_iter_init (&iter, config->transitions);
      while (g_hash_table_iter_next (&iter, (gpointer *)&from, (gpointer *)&targets))
        for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
          {
            g_autoptr(GError) local_error = NULL;

            if (!da_group_chat_add_transition (self, from, targets[i], NULL, &local_error))
              {
                g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                             "$.team.transitions: %s", local_error->message);
                return NULL;
              }
          }
    }

  return g_steal_pointer (&self);
}
