/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "da-agent-spec.h"
#include "da-team-config.h"

G_DEFINE_BOXED_TYPE (DaAgentSpec, da_agent_spec, da_agent_spec_copy, da_agent_spec_free)

DaAgentSpec *
da_agent_spec_new (const char *name)
{
  DaAgentSpec *self = g_new0 (DaAgentSpec, 1);

  self->name = g_strdup (name);
  self->temperature = -1;

  return self;
}

DaAgentSpec *
da_agent_spec_copy (const DaAgentSpec *self)
{
  DaAgentSpec *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = da_agent_spec_new (self->name);
  copy->description = g_strdup (self->description);
  copy->system_message = g_strdup (self->system_message);
  copy->provider_kind = g_strdup (self->provider_kind);
  copy->base_url = g_strdup (self->base_url);
  copy->model = g_strdup (self->model);
  copy->temperature = self->temperature;
  copy->max_tokens = self->max_tokens;
  copy->tools = g_strdupv (self->tools);
  copy->permissions = self->permissions ? json_node_copy (self->permissions) : NULL;

  return copy;
}

void
da_agent_spec_free (DaAgentSpec *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->description);
  g_free (self->system_message);
  g_free (self->provider_kind);
  g_free (self->base_url);
  g_free (self->model);
  g_strfreev (self->tools);
  g_clear_pointer (&self->permissions, json_node_unref);
  g_free (self);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL || *value == '\0')
    return;

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static JsonNode *
build (const DaAgentSpec *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "name", self->name);
  add_string (builder, "kind", "assistant");
  add_string (builder, "description", self->description);
  add_string (builder, "system_message", self->system_message);
  if (self->provider_kind != NULL)
    {
      json_builder_set_member_name (builder, "provider");
      json_builder_begin_object (builder);
      add_string (builder, "kind", self->provider_kind);
      add_string (builder, "base_url", self->base_url);
      add_string (builder, "model", self->model);
      if (self->temperature >= 0)
        {
          json_builder_set_member_name (builder, "temperature");
          json_builder_add_double_value (builder, self->temperature);
        }
      if (self->max_tokens > 0)
        {
          json_builder_set_member_name (builder, "max_tokens");
          json_builder_add_int_value (builder, self->max_tokens);
        }
      json_builder_end_object (builder);
    }
  if (self->tools != NULL && self->tools[0] != NULL)
    {
      json_builder_set_member_name (builder, "tools");
      json_builder_begin_array (builder);
      for (guint i = 0; self->tools[i] != NULL; i++)
        json_builder_add_string_value (builder, self->tools[i]);
      json_builder_end_array (builder);
    }
  if (self->permissions != NULL)
    {
      json_builder_set_member_name (builder, "permissions");
      json_builder_add_value (builder, json_node_copy (self->permissions));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
da_agent_spec_to_json (const DaAgentSpec *self)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = build (self);
  return json_to_string (root, FALSE);
}

/**
 * da_agent_spec_to_object:
 *
 * Returns: (transfer full): the agent's team-file object, as
 *   da_app_security_equip_agent() takes it
 */
JsonObject *
da_agent_spec_to_object (const DaAgentSpec *self)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = build (self);
  return json_object_ref (json_node_get_object (root));
}

/* The object is read by the team-file parser itself (strict, fuzzed), as
 * the one agent of a team: one grammar for agents everywhere. */
DaAgentSpec *
da_agent_spec_from_json (const char  *json,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DaTeamConfig) team = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *wrapped = NULL;
  const DaAgentConfig *agent;
  DaAgentSpec *self;
  JsonObject *object;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((object = json_node_get_object (root)), "name") ||
      json_object_get_string_member_with_default (object, "name", NULL) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "An agent is an object with a \"name\"");
      return NULL;
    }

  /* A team has at least two agents: the second is a user proxy whose name
   * cannot be the library agent's. */
  canonical = json_to_string (root, FALSE);
  wrapped = g_strdup_printf ("{\"name\":\"library\",\"agents\":[%s,"
                             "{\"name\":\"%s\",\"kind\":\"user_proxy\",\"human_input\":\"never\"}]}",
                             canonical,
                             g_str_equal (json_object_get_string_member (object, "name"), "user")
                             ? "library-user" : "user");
  team = da_team_config_new_from_data (wrapped, -1, error);
  if (team == NULL)
    return NULL;

  agent = g_ptr_array_index (team->agents, 0);
  self = da_agent_spec_new (agent->name);
  self->description = g_strdup (agent->description);
  self->system_message = g_strdup (agent->system_message);
  if (agent->provider != NULL)
    {
      self->provider_kind = g_strdup (agent->provider->kind);
      self->base_url = g_strdup (agent->provider->base_url);
      self->model = g_strdup (agent->provider->model);
      self->temperature = agent->provider->temperature;
      self->max_tokens = agent->provider->max_tokens;
    }
  if (agent->tools != NULL && agent->tools[0] != NULL)
    self->tools = g_strdupv (agent->tools);
  if (agent->permissions != NULL)
    self->permissions = json_node_copy (agent->permissions);

  return self;
}

/* Returns NULL when the form is valid, or one line per problem. */
char *
da_agent_spec_validate (const char          *name,
                        const char          *temperature,
                        const char          *max_tokens,
                        gboolean             has_provider,
                        const char * const  *taken_names,
                        double              *temperature_out,
                        gint64              *max_tokens_out)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));
  g_autofree char *temp = g_strstrip (g_strdup (temperature ? temperature : ""));
  g_autofree char *max = g_strstrip (g_strdup (max_tokens ? max_tokens : ""));
  double t = -1;
  gint64 m = 0;

#define PROBLEM(text) g_string_append_printf (problems, "%s%s", problems->len ? "\n" : "", (text))

  if (*stripped == '\0')
    PROBLEM (_("Give the agent a name."));
  else if (taken_names != NULL && g_strv_contains (taken_names, stripped))
    PROBLEM (_("Another agent already has this name."));

  if (*temp != '\0')
    {
      char *end = NULL;

      t = g_ascii_strtod (temp, &end);
      if (end == temp || *end != '\0' || !(t >= 0 && t <= 2))
        {
          PROBLEM (_("Temperature must be a number from 0 to 2."));
          t = -1;
        }
    }

  if (*max != '\0')
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (max, 10, 1, G_MAXINT32, &value, NULL))
        PROBLEM (_("Max tokens must be a positive whole number."));
      else
        m = (gint64) value;
    }

  if (!has_provider)
    PROBLEM (_("Choose a provider (add one in Preferences first)."));

#undef PROBLEM

  if (temperature_out != NULL)
    *temperature_out = t;
  if (max_tokens_out != NULL)
    *max_tokens_out = m;

  return problems->len ? g_string_free (g_steal_pointer (&problems), FALSE) : NULL;
}
