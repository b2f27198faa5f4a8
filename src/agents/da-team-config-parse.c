/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include <string.h>

#include "da-agent-error.h"
#include "da-team-config-private.h"
#include "da-termination-private.h"

/* The team file parser. Strict: unknown keys, wrong types and values out
 * of range are errors, and every error names the JSON path of the value
 * at fault, e.g.
 *   $.agents[1].provider.kind: unknown provider kind "foo" (expected
 *   openai, anthropic, gemini or ollama)
 * JSON itself is parsed by json-glib, after a size, UTF-8 and nesting
 * check so that hostile input cannot exhaust the stack. When a key
 * appears twice in one object, json-glib keeps the last. The team's
 * "termination" goes through the chat layer's own parser, so that there
 * is one grammar for conditions; only the agent names it mentions are
 * checked here. */

#define MAX_NAME_CHARS 64

static const char * const agent_kinds[] = { "assistant", "user_proxy", "conversable", NULL };
static const char * const team_kinds[] = { "direct", "round_robin", "random", "manual",
                                           "selector", "swarm", "graph", NULL };
static const char * const provider_kinds[] = { "openai", "anthropic", "gemini", "ollama", NULL };
static const char * const human_input_modes[] = { "always", "terminate", "never", NULL };
static const char * const termination_modes[] = { "exact", "contains", "regex", NULL };

static const char * const top_keys[] = { "name", "description", "agents", "team", NULL };
static const char * const agent_keys[] = { "name", "kind", "description", "system_message",
                                           "default_auto_reply", "human_input",
                                           "max_consecutive_auto_reply", "termination",
                                           "context_max_tokens", "provider", "tools",
                                           "permissions", "handoffs", NULL };
static const char * const provider_keys[] = { "kind", "base_url", "model", "api_key_env",
                                              "temperature", "max_tokens", "timeout",
                                              "max_retries", NULL };
static const char * const agent_termination_keys[] = { "mode", "pattern", NULL };
static const char * const team_keys[] = { "kind", "max_round", "max_turns", "termination",
                                          "transitions", "allow_repeat_speaker", "selector",
                                          NULL };
static const char * const selector_keys[] = { "provider", "prompt", "max_attempts", NULL };

typedef struct
{
  GHashTable *agent_names;
  GError    **error;
} Parser;

static gboolean
fail (Parser     *p,
      const char *path,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Parser     *p,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (p->error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, "%s: %s", path, message);
  return FALSE;
}

/**
 * _da_quote_value:
 * @text: a value from a file
 * @mark: the quotation mark to use and escape ('"' or '\'')
 *
 * Returns: (transfer full): @text quoted for a one-line message: control
 *   characters escaped, cut at 64 characters
 */
char *
_da_quote_value (const char *text,
                 char        mark)
{
  GString *out = g_string_new (NULL);
  guint chars = 0;

  g_string_append_c (out, mark);
  for (const char *s = text; *s != '\0'; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);

      if (++chars > 64)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == (gunichar)mark || c == '\\')
        g_string_append_printf (out, "\\%c", (char)c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }

  g_string_append_c (out, mark);
  return g_string_free (out, FALSE);
}

static char *
quote (const char *text)
{
  return _da_quote_value (text, '"');
}

/* Text quoted from elsewhere (json-glib echoes tokens of the input),
 * kept on one line. */
static char *
one_line (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *s = text; *s != '\0'; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* "a, b, c or d" */
static char *
list_or (const char * const *names)
{
  GString *out = g_string_new (NULL);
  guint n = g_strv_length ((char **)names);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == n ? " or " : ", ");
      g_string_append (out, names[i]);
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_identifier (const char *key)
{
  if (!g_ascii_isalpha (key[0]) && key[0] != '_')
    return FALSE;
  for (const char *s = key; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

static char *
path_member (const char *parent,
             const char *key)
{
  g_autofree char *quoted = NULL;

  if (is_identifier (key))
    return g_strdup_printf ("%s.%s", parent, key);

  quoted = quote (key);
  return g_strdup_printf ("%s[%s]", parent, quoted);
}

static char *
path_index (const char *parent,
            guint       index)
{
  return g_strdup_printf ("%s[%u]", parent, index);
}

static const char *
describe (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return "a string";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        case G_TYPE_INT64:
          return "an integer";
        default:
          return "a number";
        }
    default:
      return "an unknown value";
    }
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_number (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
wrong_type (Parser     *p,
            const char *path,
            const char *expected,
            JsonNode   *node)
{
  return fail (p, path, "expected %s, got %s", expected, describe (node));
}

static gboolean
check_keys (Parser             *p,
            JsonObject         *object,
            const char         *path,
            const char * const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *quoted = quote (key);
          g_autofree char *expected = list_or (allowed);

          if (g_str_equal (key, "api_key"))
            return fail (p, path, "unknown key \"api_key\" (keys never go in team files: "
                                  "store it in the keyring or name a variable with api_key_env)");
          return fail (p, path, "unknown key %s (expected %s)", quoted, expected);
        }
    }

  return TRUE;
}

static JsonObject *
get_object (Parser     *p,
            JsonNode   *node,
            const char *path)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_type (p, path, "an object", node);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
require (Parser     *p,
         JsonObject *object,
         const char *path,
         const char *key)
{
  if (!json_object_has_member (object, key))
    return fail (p, path, "missing key \"%s\"", key);
  return TRUE;
}

/* Optional string member; *out stays NULL when absent. */
static gboolean
get_string (Parser      *p,
            JsonObject  *object,
            const char  *path,
            const char  *key,
            gboolean     allow_empty,
            char       **out)
{
  g_autofree char *member_path = NULL;
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  member_path = path_member (path, key);
  if (!is_string (node))
    return wrong_type (p, member_path, "a string", node);
  if (!allow_empty && json_node_get_string (node)[0] == '\0')
    return fail (p, member_path, "must not be empty");

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_integer (Parser     *p,
             JsonObject *object,
             const char *path,
             const char *key,
             gint64      min,
             gint64      max,
             gint64     *out)
{
  g_autofree char *member_path = NULL;
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (node == NULL)
    return TRUE;

  member_path = path_member (path, key);
  if (!is_integer (node))
    return wrong_type (p, member_path, "an integer", node);

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      if (max == G_MAXINT64)
        return fail (p, member_path, "must be at least %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
                     min, value);
      return fail (p, member_path, "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                   ", got %" G_GINT64_FORMAT, min, max, value);
    }

  *out = value;
  return TRUE;
}

static gboolean
get_enum (Parser             *p,
          JsonObject         *object,
          const char         *path,
          const char         *key,
          const char         *what,
          const char * const *names,
          int                *out)
{
  g_autofree char *member_path = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *expected = NULL;
  JsonNode *node = json_object_get_member (object, key);
  const char *value;

  if (node == NULL)
    return TRUE;

  member_path = path_member (path, key);
  if (!is_string (node))
    return wrong_type (p, member_path, "a string", node);

  value = json_node_get_string (node);
  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (value, names[i]))
        {
          *out = i;
          return TRUE;
        }
    }

  quoted = quote (value);
  expected = list_or (names);
  return fail (p, member_path, "unknown %s %s (expected %s)", what, quoted, expected);
}

static gboolean
check_name (Parser     *p,
            const char *path,
            const char *name)
{
  glong chars = g_utf8_strlen (name, -1);

  if (chars < 1 || chars > MAX_NAME_CHARS)
    return fail (p, path, "an agent name has 1 to %d characters", MAX_NAME_CHARS);
  for (const char *s = name; *s != '\0'; s = g_utf8_next_char (s))
    if (g_unichar_iscntrl (g_utf8_get_char (s)))
      return fail (p, path, "an agent name has no control characters");
  return TRUE;
}

/* A string naming an agent of the team. */
static gboolean
check_agent_ref (Parser     *p,
                 JsonNode   *node,
                 const char *path)
{
  g_autofree char *quoted = NULL;

  if (!is_string (node))
    return wrong_type (p, path, "an agent name", node);
  if (g_hash_table_contains (p->agent_names, json_node_get_string (node)))
    return TRUE;

  quoted = quote (json_node_get_string (node));
  return fail (p, path, "unknown agent %s", quoted);
}

/* A string or an array of strings, each naming an agent. */
static GStrv
get_agent_list (Parser     *p,
                JsonNode   *node,
                const char *path,
                gboolean    allow_single)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (allow_single && is_string (node))
    {
      if (!check_agent_ref (p, node, path))
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (node));
      return g_strv_builder_end (builder);
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (p, path, allow_single ? "an agent name or an array of agent names"
                                        : "an array of agent names", node);
      return NULL;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      fail (p, path, "must name at least one agent");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = path_index (path, i);
      JsonNode *item = json_array_get_element (array, i);

      if (!check_agent_ref (p, item, item_path))
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (item));
    }

  return g_strv_builder_end (builder);
}

/* An array of handoff targets: agents of the team, or the person
 * ("user", when no agent has that name), to whom a handoff ends the run. */
static GStrv
get_handoff_list (Parser     *p,
                  JsonNode   *node,
                  const char *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (p, path, "an array of agent names or \"" DA_HANDOFF_PERSON "\"", node);
      return NULL;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      fail (p, path, "must name at least one agent or \"" DA_HANDOFF_PERSON "\"");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = path_index (path, i);
      JsonNode *item = json_array_get_element (array, i);

      if (!(is_string (item) && g_str_equal (json_node_get_string (item), DA_HANDOFF_PERSON)) &&
          !check_agent_ref (p, item, item_path))
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (item));
    }

  return g_strv_builder_end (builder);
}

static DaProviderConfig *
parse_provider (Parser     *p,
                JsonNode   *node,
                const char *path)
{
  g_autoptr(GError) uri_error = NULL;
  DaProviderConfig *config;
  JsonObject *object;
  JsonNode *member;
  int kind = 0;
  gint64 value;

  if (!(object = get_object (p, node, path)) ||
      !check_keys (p, object, path, provider_keys) ||
      !require (p, object, path, "kind") ||
      !get_enum (p, object, path, "kind", "provider kind", provider_kinds, &kind))
    return NULL;

  config = g_new0 (DaProviderConfig, 1);
  config->kind = g_strdup (provider_kinds[kind]);
  config->temperature = -1.0;
  config->max_retries = -1;

  if (!get_string (p, object, path, "base_url", FALSE, &config->base_url) ||
      !get_string (p, object, path, "model", FALSE, &config->model) ||
      !get_string (p, object, path, "api_key_env", FALSE, &config->api_key_env))
    goto failed;

  if (config->base_url != NULL)
    {
      g_autofree char *member_path = path_member (path, "base_url");
      g_autoptr(GUri) uri = g_uri_parse (config->base_url, G_URI_FLAGS_NONE, &uri_error);

      if (uri == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
          g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
        {
          g_autofree char *quoted = quote (config->base_url);

          fail (p, member_path, "%s is not an http or https URL", quoted);
          goto failed;
        }
    }

  if (config->api_key_env != NULL && !is_identifier (config->api_key_env))
    {
      g_autofree char *member_path = path_member (path, "api_key_env");
      g_autofree char *quoted = quote (config->api_key_env);

      fail (p, member_path, "%s is not an environment variable name", quoted);
      goto failed;
    }

  if ((member = json_object_get_member (object, "temperature")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "temperature");

      if (!is_number (member))
        {
          wrong_type (p, member_path, "a number", member);
          goto failed;
        }
      config->temperature = json_node_get_double (member);
      if (!(config->temperature >= 0.0 && config->temperature <= 2.0))
        {
          fail (p, member_path, "must be between 0 and 2");
          goto failed;
        }
    }

  if (!get_integer (p, object, path, "max_tokens", 1, G_MAXINT64, &config->max_tokens))
    goto failed;

  value = 0;
  if (!get_integer (p, object, path, "timeout", 1, 3600, &value))
    goto failed;
  config->timeout = (guint)value;

  value = -1;
  if (!get_integer (p, object, path, "max_retries", 0, 20, &value))
    goto failed;
  config->max_retries = (gint)value;

  return config;

failed:
  _da_provider_config_free (config);
  return NULL;
}

static gboolean
parse_agent_termination (Parser        *p,
                         JsonNode      *node,
                         const char    *path,
                         DaAgentConfig *config)
{
  g_autofree char *pattern = NULL;
  JsonObject *object;
  int mode = DA_TERMINATION_MODE_EXACT;

  if (!(object = get_object (p, node, path)) ||
      !check_keys (p, object, path, agent_termination_keys) ||
      !get_enum (p, object, path, "mode", "termination mode", termination_modes, &mode) ||
      !get_string (p, object, path, "pattern", FALSE, &pattern))
    return FALSE;

  config->termination_mode = mode;
  if (pattern != NULL)
    {
      g_free (config->termination_pattern);
      config->termination_pattern = g_steal_pointer (&pattern);
    }

  if (mode == DA_TERMINATION_MODE_REGEX)
    {
      g_autoptr(GError) regex_error = NULL;
      g_autoptr(GRegex) regex = g_regex_new (config->termination_pattern, 0, 0, &regex_error);

      if (regex == NULL)
        {
          g_autofree char *member_path = path_member (path, "pattern");

          return fail (p, member_path, "invalid regex: %s", regex_error->message);
        }
    }

  return TRUE;
}

static GStrv
parse_tools (Parser     *p,
             JsonNode   *node,
             const char *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (p, path, "an array of tool names", node);
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = path_index (path, i);
      JsonNode *item = json_array_get_element (array, i);
      const char *tool;

      if (!is_string (item))
        {
          wrong_type (p, item_path, "a tool name", item);
          return NULL;
        }
      tool = json_node_get_string (item);
      if (tool[0] == '\0')
        {
          fail (p, item_path, "must not be empty");
          return NULL;
        }
      if (!g_hash_table_add (seen, (gpointer)tool))
        {
          g_autofree char *quoted = quote (tool);

          fail (p, item_path, "duplicate tool %s", quoted);
          return NULL;
        }
      g_strv_builder_add (builder, tool);
    }

  return g_strv_builder_end (builder);
}

static DaAgentConfig *
parse_agent (Parser     *p,
             JsonNode   *node,
             const char *path)
{
  DaAgentConfig *config;
  JsonObject *object;
  JsonNode *member;
  int kind = 0;
  int human_input = 0;

  if (!(object = get_object (p, node, path)) ||
      !check_keys (p, object, path, agent_keys) ||
      !require (p, object, path, "name") ||
      !require (p, object, path, "kind"))
    return NULL;

  config = g_new0 (DaAgentConfig, 1);
  config->max_consecutive_auto_reply = -1;
  config->termination_mode = DA_TERMINATION_MODE_EXACT;
  config->termination_pattern = g_strdup ("TERMINATE");

  if (!get_string (p, object, path, "name", TRUE, &config->name))
    goto failed;
  {
    g_autofree char *name_path = path_member (path, "name");

    if (!check_name (p, name_path, config->name))
      goto failed;
    if (g_hash_table_contains (p->agent_names, config->name))
      {
        g_autofree char *quoted = quote (config->name);

        fail (p, name_path, "duplicate agent name %s", quoted);
        goto failed;
      }
  }

  if (!get_enum (p, object, path, "kind", "agent kind", agent_kinds, &kind))
    goto failed;
  config->kind = kind;

  if (!get_string (p, object, path, "description", TRUE, &config->description) ||
      !get_string (p, object, path, "system_message", TRUE, &config->system_message) ||
      !get_string (p, object, path, "default_auto_reply", TRUE, &config->default_auto_reply))
    goto failed;

  if (json_object_has_member (object, "human_input"))
    {
      if (!get_enum (p, object, path, "human_input", "human input mode", human_input_modes, &human_input))
        goto failed;
      config->has_human_input = TRUE;
      config->human_input = human_input;
    }

  if (!get_integer (p, object, path, "max_consecutive_auto_reply", 0, G_MAXUINT,
                    &config->max_consecutive_auto_reply) ||
      !get_integer (p, object, path, "context_max_tokens", 0, G_MAXINT64,
                    &config->context_max_tokens))
    goto failed;

  if ((member = json_object_get_member (object, "termination")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "termination");

      if (!parse_agent_termination (p, member, member_path, config))
        goto failed;
    }

  if ((member = json_object_get_member (object, "provider")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "provider");

      if (!(config->provider = parse_provider (p, member, member_path)))
        goto failed;
    }

  if ((member = json_object_get_member (object, "tools")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "tools");

      if (!(config->tools = parse_tools (p, member, member_path)))
        goto failed;
    }
  else
    {
      config->tools = g_new0 (char *, 1);
    }

  if ((member = json_object_get_member (object, "permissions")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "permissions");

      if (!get_object (p, member, member_path))
        goto failed;
      config->permissions = json_node_copy (member);
    }

  return config;

failed:
  _da_agent_config_free (config);
  return NULL;
}

/* Agent names in a termination condition that the chat layer's parser
 * has accepted: "sources" of text_mention and "source_match". */
static gboolean
check_condition_agents (Parser     *p,
                        JsonNode   *node,
                        const char *path)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *member_path = path_member (path, key);
      JsonNode *value = json_object_get_member (object, key);

      if (g_str_equal (key, "sources") || g_str_equal (key, "source_match"))
        {
          g_auto(GStrv) names = get_agent_list (p, value, member_path, TRUE);

          if (names == NULL)
            return FALSE;
        }
      else if ((g_str_equal (key, "any") || g_str_equal (key, "all")) &&
               JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_autofree char *item_path = path_index (member_path, i);

              if (!check_condition_agents (p, json_array_get_element (array, i), item_path))
                return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
parse_termination (Parser       *p,
                   JsonNode     *node,
                   const char   *path,
                   DaTeamConfig *config)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DaTermination) termination = _da_termination_parse (node, path, &local_error);

  if (termination == NULL)
    {
      g_autofree char *line = one_line (local_error->message);

      /* The message already starts with the path. */
      g_set_error_literal (p->error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, line);
      return FALSE;
    }

  if (!check_condition_agents (p, node, path))
    return FALSE;

  config->termination = json_node_copy (node);
  return TRUE;
}

static gboolean
parse_transitions (Parser       *p,
                   JsonNode     *node,
                   const char   *path,
                   DaTeamConfig *config)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!(object = get_object (p, node, path)))
    return FALSE;

  config->transitions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)g_strfreev);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *from = l->data;
      g_autofree char *member_path = path_member (path, from);
      GStrv to;

      if (!g_hash_table_contains (p->agent_names, from))
        {
          g_autofree char *quoted = quote (from);

          return fail (p, member_path, "unknown agent %s", quoted);
        }

      if (!(to = get_agent_list (p, json_object_get_member (object, from), member_path, FALSE)))
        return FALSE;
      g_hash_table_insert (config->transitions, g_strdup (from), to);
    }

  return TRUE;
}

static gboolean
parse_team (Parser       *p,
            JsonNode     *node,
            const char   *path,
            DaTeamConfig *config)
{
  JsonObject *object;
  JsonNode *member;
  int kind = 0;

  if (!(object = get_object (p, node, path)) ||
      !check_keys (p, object, path, team_keys) ||
      !require (p, object, path, "kind") ||
      !get_enum (p, object, path, "kind", "team kind", team_kinds, &kind) ||
      !get_integer (p, object, path, "max_round", 1, G_MAXINT32, &config->max_round) ||
      !get_integer (p, object, path, "max_turns", 1, G_MAXINT32, &config->max_turns))
    return FALSE;

  config->team_kind = kind;

  if ((member = json_object_get_member (object, "allow_repeat_speaker")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "allow_repeat_speaker");

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return wrong_type (p, member_path, "true or false", member);
      config->has_allow_repeat_speaker = TRUE;
      config->allow_repeat_speaker = json_node_get_boolean (member);
    }

  if ((member = json_object_get_member (object, "selector")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "selector");
      JsonObject *selector;
      JsonNode *provider;

      if (config->team_kind != DA_TEAM_KIND_SELECTOR)
        return fail (p, member_path, "only a selector team has a \"selector\"");
      if (!(selector = get_object (p, member, member_path)) ||
          !check_keys (p, selector, member_path, selector_keys) ||
          !get_string (p, selector, member_path, "prompt", FALSE, &config->selector_prompt) ||
          !get_integer (p, selector, member_path, "max_attempts", 1, 20, &config->selector_max_attempts))
        return FALSE;
      if ((provider = json_object_get_member (selector, "provider")) != NULL)
        {
          g_autofree char *provider_path = path_member (member_path, "provider");

          if (!(config->selector_provider = parse_provider (p, provider, provider_path)))
            return FALSE;
        }
    }

  if ((member = json_object_get_member (object, "termination")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "termination");

      if (!parse_termination (p, member, member_path, config))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "transitions")) != NULL)
    {
      g_autofree char *member_path = path_member (path, "transitions");

      if (!parse_transitions (p, member, member_path, config))
        return FALSE;
    }
  else if (config->team_kind == DA_TEAM_KIND_GRAPH)
    {
      return fail (p, path, "a graph team needs \"transitions\"");
    }

  return TRUE;
}

/* Refuses nesting deeper than DA_TEAM_CONFIG_MAX_DEPTH before json-glib,
 * which recurses, sees the document. */
static gboolean
check_depth (const char *data,
             gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > DA_TEAM_CONFIG_MAX_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

DaTeamConfig *
_da_team_config_parse (const char  *data,
                       gssize       len,
                       GError     **error)
{
  g_autoptr(JsonParser) json = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GHashTable) agent_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DaTeamConfig) config = NULL;
  Parser parser = { agent_names, error };
  Parser *p = &parser;
  JsonObject *root;
  JsonNode *member;
  JsonArray *agents;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (data);

  if ((gsize)len > DA_TEAM_CONFIG_MAX_SIZE)
    {
      fail (p, "$", "a team file is at most %d bytes", DA_TEAM_CONFIG_MAX_SIZE);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      fail (p, "$", "not valid UTF-8 text");
      return NULL;
    }
  if (!check_depth (data, len))
    {
      fail (p, "$", "nested deeper than %d levels", DA_TEAM_CONFIG_MAX_DEPTH);
      return NULL;
    }

  json = json_parser_new_immutable ();
  if (!json_parser_load_from_data (json, data, len, &json_error))
    {
      const char *message = json_error->message;
      g_autofree char *line = NULL;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      line = one_line (message);
      fail (p, "$", "invalid JSON: %s", line);
      return NULL;
    }

  if (json_parser_get_root (json) == NULL)
    {
      fail (p, "$", "empty document");
      return NULL;
    }

  if (!(root = get_object (p, json_parser_get_root (json), "$")) ||
      !check_keys (p, root, "$", top_keys) ||
      !require (p, root, "$", "name") ||
      !require (p, root, "$", "agents"))
    return NULL;

  config = _da_team_config_new ();

  if (!get_string (p, root, "$", "name", FALSE, &config->name) ||
      !get_string (p, root, "$", "description", TRUE, &config->description))
    return NULL;

  member = json_object_get_member (root, "agents");
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      wrong_type (p, "$.agents", "an array of agents", member);
      return NULL;
    }
  agents = json_node_get_array (member);

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      g_autofree char *path = path_index ("$.agents", i);
      DaAgentConfig *agent = parse_agent (p, json_array_get_element (agents, i), path);

      if (agent == NULL)
        return NULL;
      g_ptr_array_add (config->agents, agent);
      g_hash_table_add (agent_names, agent->name);
    }

  if (config->agents->len < 2)
    {
      fail (p, "$.agents", "a team needs at least two agents, got %u", config->agents->len);
      return NULL;
    }

  if ((member = json_object_get_member (root, "team")) != NULL &&
      !parse_team (p, member, "$.team", config))
    return NULL;

  /* Handoffs name agents, so they are read once every name is known. */
  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *object = json_array_get_object_element (agents, i);
      DaAgentConfig *agent = g_ptr_array_index (config->agents, i);
      g_autofree char *agent_path = path_index ("$.agents", i);
      g_autofree char *handoffs_path = path_member (agent_path, "handoffs");
      JsonNode *handoffs = json_object_get_member (object, "handoffs");

      if (handoffs == NULL)
        continue;
      if (config->team_kind != DA_TEAM_KIND_SWARM)
        {
          fail (p, handoffs_path, "only the agents of a swarm team hand over");
          return NULL;
        }
      if (!(agent->handoffs = get_handoff_list (p, handoffs, handoffs_path)))
        return NULL;
      for (guint j = 0; agent->handoffs[j] != NULL; j++)
        if (g_str_equal (agent->handoffs[j], agent->name))
          {
            fail (p, handoffs_path, "an agent cannot hand over to itself");
            return NULL;
          }
    }

  return g_steal_pointer (&config);
}
