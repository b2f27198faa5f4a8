/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"
#include "da-termination-private.h"

/* The team file's "termination" object:
 *   { "max_messages": 10 }
 *   { "text_mention": "TERMINATE" }  or
 *   { "text_mention": { "text": "APPROVE", "sources": ["critic"] } }  or
 *   { "text_mention": "APPROVE", "sources": ["critic"] }
 *   { "token_usage": 5000 }  or  { "token_usage": { "max_total_tokens": 5000,
 *                "max_prompt_tokens": 4000, "max_completion_tokens": 1000 } }
 *   { "timeout": 30 }                 seconds, more than 0
 *   { "handoff": "user" }
 *   { "external": true }
 *   { "source_match": "critic" }  or  { "source_match": ["a", "b"] }
 *   { "all": [ … ] }  { "any": [ … ] }
 * One condition per object; unknown keys are an error. The same
 * dialect as the team file parser (da-team-config-parse.c). */

#define MAX_DEPTH 32

static const char * const leaf_keys[] = {
  "max_messages", "text_mention", "token_usage", "timeout", "handoff",
  "external", "source_match", "all", "any", NULL,
};

static DaTermination *parse_node (JsonNode    *node,
                                  const char  *path,
                                  guint        depth,
                                  GError     **error);

static gpointer
config_error (GError     **error,
              const char  *path,
              const char  *format,
              ...) G_GNUC_PRINTF (3, 4);

static gpointer
config_error (GError     **error,
              const char  *path,
              const char  *format,
              ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG, "%s: %s", path, what);
  return NULL;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_int (JsonNode *node)
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

/* A string, or (when @allow_array) a non-empty array of non-empty strings. */
static GStrv
parse_names (JsonNode    *node,
             const char  *path,
             gboolean     allow_single,
             GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (allow_single && is_string (node))
    {
      if (json_node_get_string (node)[0] == '\0')
        return config_error (error, path, "a name must not be empty");
      g_strv_builder_add (builder, json_node_get_string (node));
      return g_strv_builder_end (builder);
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return config_error (error, path, "expected %s", allow_single ? "a name or an array of names"
                                                                  : "an array of names");
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return config_error (error, path, "expected at least one name");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_string (element) || json_node_get_string (element)[0] == '\0')
        return config_error (error, path, "element %u must be a non-empty string", i);
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

static DaTermination *
parse_token_usage (JsonNode    *node,
                   const char  *path,
                   GError     **error)
{
  /* AutoGen's names, and the short ones team files have used. */
  static const char * const members[] = { "max_total_tokens", "max_prompt_tokens",
                                          "max_completion_tokens" };
  static const char * const short_members[] = { "max_total", "max_prompt", "max_completion" };
  gint64 limits[3] = { 0, 0, 0 };
  JsonObject *object;
  g_autoptr(GList) names = NULL;

  if (is_int (node))
    {
      if (json_node_get_int (node) <= 0)
        return config_error (error, path, "the token limit must be positive");
      return da_termination_token_usage_new (json_node_get_int (node), 0, 0);
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return config_error (error, path, "expected a token count or an object of limits");

  object = json_node_get_object (node);
  names = json_object_get_members (object);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      guint i;

      const char *name = l->data;

      for (i = 0; i < G_N_ELEMENTS (members); i++)
        if (g_str_equal (name, members[i]) || g_str_equal (name, short_members[i]))
          break;
      if (i == G_N_ELEMENTS (members))
        return config_error (error, path, "unknown key \"%s\" (expected max_total_tokens, "
                             "max_prompt_tokens or max_completion_tokens)", name);
      if (limits[i] != 0)
        return config_error (error, path, "\"%s\" is given twice", members[i]);
      if (!is_int (json_object_get_member (object, name)) ||
          json_object_get_int_member (object, name) <= 0)
        return config_error (error, path, "\"%s\" must be a positive integer", name);
      limits[i] = json_object_get_int_member (object, name);
    }
  if (limits[0] + limits[1] + limits[2] == 0)
    return config_error (error, path, "needs max_total_tokens, max_prompt_tokens or max_completion_tokens");

  return da_termination_token_usage_new (limits[0], limits[1], limits[2]);
}

static DaTermination *
parse_text_mention (JsonNode    *node,
                    const char  *path,
                    GError     **error)
{
  g_auto(GStrv) sources = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *object;
  JsonNode *text;

  if (is_string (node))
    {
      if (json_node_get_string (node)[0] == '\0')
        return config_error (error, path, "expected a non-empty text");
      return da_termination_text_mention_new (json_node_get_string (node), NULL);
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return config_error (error, path, "expected a text or an object with \"text\" and \"sources\"");

  object = json_node_get_object (node);
  names = json_object_get_members (object);
  for (const GList *l = names; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "text") && !g_str_equal (l->data, "sources"))
      return config_error (error, path, "unknown key \"%s\"", (const char *)l->data);

  text = json_object_get_member (object, "text");
  if (text == NULL || !is_string (text) || json_node_get_string (text)[0] == '\0')
    return config_error (error, path, "\"text\" must be a non-empty string");
  if (json_object_has_member (object, "sources"))
    {
      g_autofree char *sources_path = g_strdup_printf ("%s.sources", path);

      sources = parse_names (json_object_get_member (object, "sources"), sources_path, FALSE, error);
      if (sources == NULL)
        return NULL;
    }
  return da_termination_text_mention_new (json_node_get_string (text), (const char * const *)sources);
}

static DaTermination *
parse_children (DaTerminationKind   kind,
                JsonNode           *node,
                const char         *path,
                guint               depth,
                GError            **error)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return config_error (error, path, "expected a non-empty array of conditions");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child_path = g_strdup_printf ("%s[%u]", path, i);
      DaTermination *child = parse_node (json_array_get_element (array, i), child_path,
                                         depth + 1, error);

      if (child == NULL)
        return NULL;
      g_ptr_array_add (children, child);
    }
  return _da_termination_new_combination (kind, children);
}

static DaTermination *
parse_node (JsonNode    *node,
            const char  *path,
            guint        depth,
            GError     **error)
{
  JsonObject *object;
  g_autoptr(GList) names = NULL;
  const char *key = NULL;
  g_autofree char *value_path = NULL;
  JsonNode *value;

  if (depth > MAX_DEPTH)
    return config_error (error, path, "conditions are nested too deeply");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return config_error (error, path, "expected a condition object");

  object = json_node_get_object (node);
  names = json_object_get_members (object);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      /* "sources" may stand beside a text mention instead of inside it. */
      if (g_str_equal (name, "sources"))
        {
          if (!json_object_has_member (object, "text_mention"))
            return config_error (error, path, "\"sources\" only goes with \"text_mention\"");
          continue;
        }
      if (!g_strv_contains (leaf_keys, name))
        return config_error (error, path, "unknown condition \"%s\"", name);
      if (key != NULL)
        return config_error (error, path, "one condition per object (\"%s\" and \"%s\"); "
                             "combine them with \"all\" or \"any\"", key, name);
      key = name;
    }
  if (key == NULL)
    return config_error (error, path, "no condition given");

  value = json_object_get_member (object, key);
  value_path = g_strdup_printf ("%s.%s", path, key);

  if (g_str_equal (key, "max_messages"))
    {
      if (!is_int (value) || json_node_get_int (value) <= 0 || json_node_get_int (value) > G_MAXUINT)
        return config_error (error, value_path, "expected a positive message count");
      return da_termination_max_messages_new ((guint)json_node_get_int (value));
    }
  if (g_str_equal (key, "text_mention") && json_object_has_member (object, "sources"))
    {
      g_autofree char *sources_path = g_strdup_printf ("%s.sources", path);
      g_auto(GStrv) sources = NULL;

      if (!is_string (value) || json_node_get_string (value)[0] == '\0')
        return config_error (error, value_path, "expected a non-empty text beside \"sources\"");
      sources = parse_names (json_object_get_member (object, "sources"), sources_path, FALSE, error);
      if (sources == NULL)
        return NULL;
      return da_termination_text_mention_new (json_node_get_string (value), (const char * const *)sources);
    }
  if (g_str_equal (key, "text_mention"))
    return parse_text_mention (value, value_path, error);
  if (g_str_equal (key, "token_usage"))
    return parse_token_usage (value, value_path, error);
  if (g_str_equal (key, "timeout"))
    {
      if (!is_number (value) || !(json_node_get_double (value) > 0) ||
          json_node_get_double (value) > 365.0 * 24 * 3600)
        return config_error (error, value_path, "expected a number of seconds, more than 0 and at most a year");
      return da_termination_timeout_new (json_node_get_double (value));
    }
  if (g_str_equal (key, "handoff"))
    {
      if (!is_string (value) || json_node_get_string (value)[0] == '\0')
        return config_error (error, value_path, "expected the name handed over to");
      return da_termination_handoff_new (json_node_get_string (value));
    }
  if (g_str_equal (key, "external"))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN ||
          !json_node_get_boolean (value))
        return config_error (error, value_path, "expected true");
      return da_termination_external_new ();
    }
  if (g_str_equal (key, "source_match"))
    {
      g_auto(GStrv) sources = parse_names (value, value_path, TRUE, error);

      if (sources == NULL)
        return NULL;
      return da_termination_source_match_new ((const char * const *)sources);
    }
  if (g_str_equal (key, "all"))
    return parse_children (DA_TERMINATION_ALL, value, value_path, depth, error);
  if (g_str_equal (key, "any"))
    return parse_children (DA_TERMINATION_ANY, value, value_path, depth, error);

  g_assert_not_reached ();
}

/**
 * _da_termination_parse:
 * @node: the "termination" value of a team file
 * @path: the JSON path of @node, for error messages ("$.team.termination")
 *
 * Returns: (transfer full): the condition tree, or %NULL with a
 *   %DA_CHAT_ERROR_INVALID_CONFIG error that starts with the JSON path
 */
DaTermination *
_da_termination_parse (JsonNode    *node,
                       const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return parse_node (node, path, 0, error);
}

DaTermination *
_da_termination_parse_data (const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &local_error))
    return config_error (error, "$", "not valid JSON: %s", local_error->message);
  return parse_node (json_parser_get_root (parser), "$", 0, error);
}
