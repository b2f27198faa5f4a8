/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-agent-error.h"
#include "da-autogen-import.h"
#include "da-team-draft.h"

/* The editor's team and the team file. The file is checked with the team
 * file parser (da_team_config_new_from_data) both ways: a draft is read
 * only from a file the parser accepts, and the tests parse what
 * da_team_draft_to_json() writes. */

static const char * const kind_names[] = {
  "direct", "round_robin", "random", "manual", "selector", "swarm", "graph",
};

static GHashTable *
new_transitions (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify)g_hash_table_unref);
}

DaTeamDraft *
da_team_draft_new (const char *name)
{
  DaTeamDraft *self = g_new0 (DaTeamDraft, 1);

  self->name = g_strdup (name ? name : "");
  self->agents = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->kind = DA_TEAM_KIND_ROUND_ROBIN;
  self->max_round = 10;
  self->transitions = new_transitions ();
  self->allow_repeat_speaker = TRUE;
  return self;
}

/**
 * da_team_kind_has_repeat_speaker:
 *
 * Returns: whether "allow_repeat_speaker" means something for @kind:
 *   round robin always moves on, and swarms and graphs follow handoffs
 *   and edges
 */
gboolean
da_team_kind_has_repeat_speaker (DaTeamKind kind)
{
  return kind == DA_TEAM_KIND_RANDOM || kind == DA_TEAM_KIND_MANUAL ||
         kind == DA_TEAM_KIND_SELECTOR;
}

void
da_team_draft_free (DaTeamDraft *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->description);
  g_ptr_array_unref (self->agents);
  g_hash_table_unref (self->transitions);
  g_free (self->mention);
  g_strfreev (self->mention_sources);
  g_clear_pointer (&self->custom_termination, json_node_unref);
  g_clear_pointer (&self->selector_provider, json_node_unref);
  g_free (self->selector_prompt);
  g_free (self);
}

const char *
da_team_draft_agent_name (const DaTeamDraft *self,
                          guint              i)
{
  g_return_val_if_fail (i < self->agents->len, NULL);
  return json_object_get_string_member_with_default (g_ptr_array_index (self->agents, i), "name", "");
}

static gint
find_agent (const DaTeamDraft *self,
            const char        *name)
{
  for (guint i = 0; i < self->agents->len; i++)
    if (g_ascii_strcasecmp (da_team_draft_agent_name (self, i), name) == 0)
      return (gint)i;
  return -1;
}

gboolean
da_team_draft_add_agent (DaTeamDraft  *self,
                         JsonObject   *agent,
                         GError      **error)
{
  const char *name = json_object_get_string_member_with_default (agent, "name", "");

  if (*name == '\0')
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, _("A participant needs a name"));
      return FALSE;
    }
  if (find_agent (self, name) >= 0)
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM,
                   _("The team already has a participant named “%s”"), name);
      return FALSE;
    }
  g_ptr_array_add (self->agents, json_object_ref (agent));
  return TRUE;
}

void
da_team_draft_remove_agent (DaTeamDraft *self,
                            guint        i)
{
  g_autofree char *name = NULL;
  GHashTableIter iter;
  GHashTable *targets;

  g_return_if_fail (i < self->agents->len);

  name = g_strdup (da_team_draft_agent_name (self, i));
  g_ptr_array_remove_index (self->agents, i);
  g_hash_table_remove (self->transitions, name);
  g_hash_table_iter_init (&iter, self->transitions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&targets))
    g_hash_table_remove (targets, name);
}

gboolean
da_team_draft_get_transition (const DaTeamDraft *self,
                              const char        *from,
                              const char        *to)
{
  GHashTable *targets = g_hash_table_lookup (self->transitions, from);

  return targets != NULL && g_hash_table_contains (targets, to);
}

void
da_team_draft_set_transition (DaTeamDraft *self,
                              const char  *from,
                              const char  *to,
                              gboolean     allowed)
{
  GHashTable *targets = g_hash_table_lookup (self->transitions, from);

  if (allowed)
    {
      if (targets == NULL)
        {
          targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (self->transitions, g_strdup (from), targets);
        }
      g_hash_table_add (targets, g_strdup (to));
    }
  else if (targets != NULL)
    {
      g_hash_table_remove (targets, to);
      if (g_hash_table_size (targets) == 0)
        g_hash_table_remove (self->transitions, from);
    }
}

/* Teams the person saves live here, one file each. */
char *
da_team_draft_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "denoagents", "teams", NULL);
}

/* Termination */

static gboolean
read_leaf (DaTeamDraft *self,
           JsonObject  *leaf)
{
  JsonNode *node;

  if (json_object_get_size (leaf) == 1 && (node = json_object_get_member (leaf, "max_messages")) != NULL)
    {
      if (self->max_messages != 0)
        return FALSE;
      self->max_messages = json_node_get_int (node);
      return TRUE;
    }
  if (json_object_get_size (leaf) == 1 && (node = json_object_get_member (leaf, "text_mention")) != NULL)
    {
      JsonObject *object;
      JsonNode *sources;

      if (self->mention != NULL)
        return FALSE;
      if (JSON_NODE_HOLDS_VALUE (node))
        {
          self->mention = g_strdup (json_node_get_string (node));
          return TRUE;
        }
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);
      self->mention = g_strdup (json_object_get_string_member_with_default (object, "text", ""));
      if ((sources = json_object_get_member (object, "sources")) != NULL && JSON_NODE_HOLDS_ARRAY (sources))
        {
          JsonArray *array = json_node_get_array (sources);
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_strv_builder_add (builder, json_array_get_string_element (array, i));
          self->mention_sources = g_strv_builder_end (builder);
        }
      return TRUE;
    }
  if (json_object_get_size (leaf) == 1 && (node = json_object_get_member (leaf, "token_usage")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      if (self->max_tokens != 0)
        return FALSE;
      self->max_tokens = json_node_get_int (node);
      return TRUE;
    }
  if (json_object_get_size (leaf) == 1 && (node = json_object_get_member (leaf, "timeout")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      if (self->timeout != 0)
        return FALSE;
      self->timeout = json_node_get_int (node);
      return TRUE;
    }
  return FALSE;
}

/* Fills the termination fields from a condition the editor can show: one
 * of its four kinds, or any/all of them (each at most once). */
static gboolean
read_termination (DaTeamDraft *self,
                  JsonNode    *node)
{
  JsonObject *object = json_node_get_object (node);
  JsonNode *list = NULL;

  if (json_object_get_size (object) == 1 &&
      ((list = json_object_get_member (object, "any")) != NULL ||
       (list = json_object_get_member (object, "all")) != NULL))
    {
      JsonArray *array = json_node_get_array (list);

      self->all = json_object_has_member (object, "all");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *child = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_OBJECT (child) || !read_leaf (self, json_node_get_object (child)))
            return FALSE;
        }
      return TRUE;
    }

  return read_leaf (self, object);
}

static void
clear_termination (DaTeamDraft *self)
{
  self->max_messages = 0;
  self->max_tokens = 0;
  self->timeout = 0;
  self->all = FALSE;
  g_clear_pointer (&self->mention, g_free);
  g_clear_pointer (&self->mention_sources, g_strfreev);
}

DaTeamDraft *
da_team_draft_new_from_json (const char  *data,
                             gssize       len,
                             GError     **error)
{
  g_autoptr(DaTeamConfig) config = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DaTeamDraft) self = NULL;
  JsonObject *root, *team;
  JsonNode *termination, *transitions;
  JsonArray *agents;

  g_autofree char *converted = NULL;

  /* An AutoGen team is read as the team file it converts to. */
  if (da_autogen_is_component (data, len))
    {
      if (!(converted = da_autogen_convert (data, len, NULL, error)))
        return NULL;
      data = converted;
      len = -1;
    }

  config = da_team_config_new_from_data (data, len, error);
  if (config == NULL)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));

  self = da_team_draft_new (config->name);
  self->description = g_strdup (config->description);
  agents = json_object_get_array_member (root, "agents");
  for (guint i = 0; i < json_array_get_length (agents); i++)
    g_ptr_array_add (self->agents, json_object_ref (json_array_get_object_element (agents, i)));

  team = json_object_get_object_member (root, "team");
  self->kind = config->team_kind;
  self->max_round = config->max_round;
  if (config->has_allow_repeat_speaker)
    self->allow_repeat_speaker = config->allow_repeat_speaker;
  self->selector_prompt = g_strdup (config->selector_prompt);
  self->selector_max_attempts = config->selector_max_attempts;
  if (json_object_has_member (team, "selector"))
    {
      JsonObject *selector = json_object_get_object_member (team, "selector");

      if (json_object_has_member (selector, "provider"))
        self->selector_provider = json_node_copy (json_object_get_member (selector, "provider"));
    }

  if ((transitions = json_object_get_member (team, "transitions")) != NULL)
    {
      JsonObjectIter iter;
      const char *from;
      JsonNode *targets;

      json_object_iter_init (&iter, json_node_get_object (transitions));
      while (json_object_iter_next (&iter, &from, &targets))
        {
          JsonArray *array = json_node_get_array (targets);

          for (guint i = 0; i < json_array_get_length (array); i++)
            da_team_draft_set_transition (self, from, json_array_get_string_element (array, i), TRUE);
        }
    }

  if ((termination = json_object_get_member (team, "termination")) != NULL &&
      !read_termination (self, termination))
    {
      clear_termination (self);
      self->custom_termination = json_node_copy (termination);
    }

  return g_steal_pointer (&self);
}

static void
add_leaf (JsonBuilder *builder,
          const char  *key,
          gint64       value)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
  json_builder_end_object (builder);
}

static guint
n_conditions (const DaTeamDraft *self)
{
  return (self->max_messages > 0) + (self->mention != NULL && *self->mention != '\0') +
         (self->max_tokens > 0) + (self->timeout > 0);
}

static void
add_conditions (const DaTeamDraft *self,
                JsonBuilder       *builder)
{
  if (self->max_messages > 0)
    add_leaf (builder, "max_messages", self->max_messages);
  if (self->mention != NULL && *self->mention != '\0')
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text_mention");
      if (self->mention_sources != NULL && self->mention_sources[0] != NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, self->mention);
          json_builder_set_member_name (builder, "sources");
          json_builder_begin_array (builder);
          for (guint i = 0; self->mention_sources[i] != NULL; i++)
            json_builder_add_string_value (builder, self->mention_sources[i]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_string_value (builder, self->mention);
      json_builder_end_object (builder);
    }
  if (self->max_tokens > 0)
    add_leaf (builder, "token_usage", self->max_tokens);
  if (self->timeout > 0)
    add_leaf (builder, "timeout", self->timeout);
}

/* Transitions in participant order, so the same team gives the same file. */
static void
add_transitions (const DaTeamDraft *self,
                 JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "transitions");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->agents->len; i++)
    {
      const char *from = da_team_draft_agent_name (self, i);
      GHashTable *targets = g_hash_table_lookup (self->transitions, from);

      if (targets == NULL)
        continue;
      json_builder_set_member_name (builder, from);
      json_builder_begin_array (builder);
      for (guint j = 0; j < self->agents->len; j++)
        if (g_hash_table_contains (targets, da_team_draft_agent_name (self, j)))
          json_builder_add_string_value (builder, da_team_draft_agent_name (self, j));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

char *
da_team_draft_to_json (const DaTeamDraft *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  if (self->description != NULL && *self->description != '\0')
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, self->description);
    }

  json_builder_set_member_name (builder, "agents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->agents->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, g_ptr_array_index (self->agents, i));
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "team");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_names[self->kind]);
  if (self->max_round > 0)
    {
      json_builder_set_member_name (builder, "max_round");
      json_builder_add_int_value (builder, self->max_round);
    }

  if (self->custom_termination != NULL)
    {
      json_builder_set_member_name (builder, "termination");
      json_builder_add_value (builder, json_node_copy (self->custom_termination));
    }
  else if ((n = n_conditions (self)) == 1)
    {
      json_builder_set_member_name (builder, "termination");
      add_conditions (self, builder);
    }
  else if (n > 1)
    {
      json_builder_set_member_name (builder, "termination");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, self->all ? "all" : "any");
      json_builder_begin_array (builder);
      add_conditions (self, builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  if (g_hash_table_size (self->transitions) > 0)
    add_transitions (self, builder);

  if (da_team_kind_has_repeat_speaker (self->kind))
    {
      json_builder_set_member_name (builder, "allow_repeat_speaker");
      json_builder_add_boolean_value (builder, self->allow_repeat_speaker);
    }

  if (self->kind == DA_TEAM_KIND_SELECTOR &&
      (self->selector_provider != NULL || self->selector_max_attempts > 0 ||
       (self->selector_prompt != NULL && *self->selector_prompt != '\0')))
    {
      json_builder_set_member_name (builder, "selector");
      json_builder_begin_object (builder);
      if (self->selector_provider != NULL)
        {
          json_builder_set_member_name (builder, "provider");
          json_builder_add_value (builder, json_node_copy (self->selector_provider));
        }
      if (self->selector_prompt != NULL && *self->selector_prompt != '\0')
        {
          json_builder_set_member_name (builder, "prompt");
          json_builder_add_string_value (builder, self->selector_prompt);
        }
      if (self->selector_max_attempts > 0)
        {
          json_builder_set_member_name (builder, "max_attempts");
          json_builder_add_int_value (builder, self->selector_max_attempts);
        }
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}
