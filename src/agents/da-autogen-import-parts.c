/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include <math.h>
#include <string.h>

#include "da-agent-error.h"
#include "da-autogen-import-private.h"
#include "da-team-config-private.h"

/* The parts of an AutoGen component that the team importer shares:
 * paths, warnings, the component envelope, model clients and termination
 * conditions. A component is {"provider": "autogen_….ClassName",
 * "component_type": "model", "version": 1, "component_version": 1,
 * "label": …, "description": …, "config": {…}}; classes are recognised by
 * their name, written in full or short. */

void
_da_autogen_warn (DaAutogenImport *im,
                  const char      *path,
                  const char      *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (im->warnings, g_strdup_printf ("%s: %s", path, message));
}

gboolean
_da_autogen_fail (DaAutogenImport *im,
                  const char      *path,
                  const char      *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (!DA_AUTOGEN_FAILED (im))
    g_set_error (im->error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, "%s: %s", path, message);
  return FALSE;
}

/* A value from the file, quoted on one line and cut at 64 characters. */
char *
_da_autogen_quote (const char *text)
{
  return _da_quote_value (text, '\'');
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

char *
_da_autogen_path_member (const char *parent,
                         const char *key)
{
  g_autofree char *quoted = NULL;

  if (is_identifier (key))
    return g_strdup_printf ("%s.%s", parent, key);

  quoted = _da_autogen_quote (key);
  return g_strdup_printf ("%s[%s]", parent, quoted);
}

char *
_da_autogen_path_index (const char *parent,
                        guint       index)
{
  return g_strdup_printf ("%s[%u]", parent, index);
}

const char *
_da_autogen_get_string (JsonObject *object,
                        const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/* A value that says "nothing set": null, false, "", [] or {}. */
static gboolean
is_unset (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_ARRAY:
      return json_array_get_length (json_node_get_array (node)) == 0;
    case JSON_NODE_OBJECT:
      return json_object_get_size (json_node_get_object (node)) == 0;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        return !json_node_get_boolean (node);
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node)[0] == '\0';
      return FALSE;
    default:
      return FALSE;
    }
}

/* Settings that change nothing about how a team behaves here (display,
 * streaming and model metadata), in any component. */
static const char * const harmless_keys[] = {
  "model_client_stream", "model_client_streaming", "emit_team_events", "metadata",
  "model_info", "model_capabilities", "include_name_in_message", "add_name_prefixes",
  "stream_options", "follow_redirects", NULL,
};

/* Every member of @config that is neither in @handled nor harmless nor
 * unset is reported: nothing is dropped silently. */
void
_da_autogen_check_keys (DaAutogenImport    *im,
                        JsonObject         *config,
                        const char         *path,
                        const char * const *handled)
{
  g_autoptr(GList) members = json_object_get_members (config);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *member_path = NULL;
      g_autofree char *quoted = NULL;

      if (g_strv_contains (handled, key) || g_strv_contains (harmless_keys, key) ||
          is_unset (json_object_get_member (config, key)))
        continue;

      member_path = _da_autogen_path_member (path, key);
      quoted = _da_autogen_quote (key);
      _da_autogen_warn (im, member_path, "%s has no equivalent in a team file; left out", quoted);
    }
}

gboolean
_da_autogen_component (DaAutogenImport    *im,
                       JsonNode           *node,
                       const char         *path,
                       const char         *component_type,
                       DaAutogenComponent *out)
{
  JsonObject *object;
  JsonNode *member;
  const char *type;
  const char *dot;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return _da_autogen_fail (im, path, "expected an AutoGen component (an object with "
                                       "\"provider\" and \"config\")");
  object = json_node_get_object (node);

  member = json_object_get_member (object, "provider");
  if (member == NULL)
    return _da_autogen_fail (im, path, "missing key \"provider\"");
  out->provider = _da_autogen_get_string (object, "provider");
  if (out->provider == NULL || out->provider[0] == '\0')
    {
      g_autofree char *member_path = _da_autogen_path_member (path, "provider");

      return _da_autogen_fail (im, member_path, "expected a class name such as "
                                                "\"autogen_agentchat.agents.AssistantAgent\"");
    }

  if ((member = json_object_get_member (object, "component_type")) != NULL &&
      !JSON_NODE_HOLDS_NULL (member))
    {
      g_autofree char *member_path = _da_autogen_path_member (path, "component_type");

      type = _da_autogen_get_string (object, "component_type");
      if (type == NULL)
        return _da_autogen_fail (im, member_path, "expected a string");
      if (!g_str_equal (type, component_type))
        {
          g_autofree char *quoted = _da_autogen_quote (type);

          return _da_autogen_fail (im, member_path, "expected a '%s' component, got %s",
                                   component_type, quoted);
        }
    }

  member = json_object_get_member (object, "config");
  if (member == NULL)
    return _da_autogen_fail (im, path, "missing key \"config\"");
  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      g_autofree char *member_path = _da_autogen_path_member (path, "config");

      return _da_autogen_fail (im, member_path, "expected an object");
    }
  out->config = json_node_get_object (member);

  /* "autogen_ext.models.openai.OpenAIChatCompletionClient" or
   * "OpenAIChatCompletionClient"; a class from another package keeps its
   * full name, so that it matches none of ours. */
  dot = strrchr (out->provider, '.');
  if (dot == NULL)
    out->name = out->provider;
  else if (g_str_has_prefix (out->provider, "autogen_") || g_str_has_prefix (out->provider, "autogen."))
    out->name = dot + 1;
  else
    out->name = out->provider;

  return TRUE;
}

/* ---- model clients ---------------------------------------------------- */

static char *
member_path (const char *path,
             const char *key)
{
  g_autofree char *config_path = _da_autogen_path_member (path, "config");

  return _da_autogen_path_member (config_path, key);
}

static gboolean
check_base_url (DaAutogenImport *im,
                const char      *url,
                const char      *path)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *quoted = NULL;

  if (uri != NULL &&
      (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
       g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
      g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0')
    return TRUE;

  quoted = _da_autogen_quote (url);
  return _da_autogen_fail (im, path, "%s is not an http or https URL", quoted);
}

/* temperature, max_tokens, timeout and max_retries: copied when our team
 * file can hold them, reported when not. */
static void
import_limits (DaAutogenImport *im,
               JsonObject      *config,
               JsonObject      *options,
               const char      *path,
               const char      *options_path,
               JsonObject      *provider)
{
  const char *max_tokens_key = "max_tokens";
  JsonNode *node;

  if ((node = json_object_get_member (options, "temperature")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *p = _da_autogen_path_member (options_path, "temperature");

      if (is_number (node) && json_node_get_double (node) >= 0 && json_node_get_double (node) <= 2)
        json_object_set_double_member (provider, "temperature", json_node_get_double (node));
      else
        _da_autogen_warn (im, p, "temperature must be a number from 0 to 2 here; left out");
    }

  if ((node = json_object_get_member (options, max_tokens_key)) == NULL)
    node = json_object_get_member (options, max_tokens_key = "num_predict");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *p = _da_autogen_path_member (options_path, max_tokens_key);

      if (is_integer (node) && json_node_get_int (node) >= 1)
        json_object_set_int_member (provider, "max_tokens", json_node_get_int (node));
      else
        _da_autogen_warn (im, p, "%s must be a positive integer here; left out", max_tokens_key);
    }

  if ((node = json_object_get_member (config, "timeout")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *p = member_path (path, "timeout");
      double seconds = is_number (node) ? json_node_get_double (node) : -1;

      if (seconds > 0 && seconds <= 3600)
        json_object_set_int_member (provider, "timeout", MAX (1, (gint64)ceil (seconds)));
      else
        _da_autogen_warn (im, p, "a timeout here is 1 to 3600 seconds; left out");
    }

  if ((node = json_object_get_member (config, "max_retries")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *p = member_path (path, "max_retries");

      if (is_integer (node) && json_node_get_int (node) >= 0 && json_node_get_int (node) <= 20)
        json_object_set_int_member (provider, "max_retries", json_node_get_int (node));
      else
        _da_autogen_warn (im, p, "max_retries here is 0 to 20; left out");
    }
}

/* A key written into the export is never copied: the key then comes from
 * the variable AutoGen itself reads by default. */
static void
import_api_key (DaAutogenImport *im,
                JsonObject      *config,
                const char      *path,
                const char      *variable,
                JsonObject      *provider)
{
  JsonNode *node = json_object_get_member (config, "api_key");
  g_autofree char *p = NULL;

  if (node == NULL || is_unset (node))
    return;

  p = member_path (path, "api_key");
  json_object_set_string_member (provider, "api_key_env", variable);
  _da_autogen_warn (im, p, "API keys are never copied into a team file; the key is read from "
                    "the environment variable %s instead (or store it with "
                    "'denoagents-cli keys set' and remove api_key_env)", variable);
}

static const char * const openai_keys[] = {
  "model", "base_url", "api_key", "temperature", "max_tokens", "timeout", "max_retries",
  "parallel_tool_calls", NULL,
};
static const char * const ollama_keys[] = {
  "model", "host", "options", "timeout", NULL,
};
static const char * const ollama_options[] = {
  "temperature", "num_predict", NULL,
};

/* An OpenAI client aimed at no server picks one from the model name in
 * AutoGen: Gemini and Claude models go to their vendors' endpoints. */
static const char *
openai_kind_for_model (const char *model,
                       const char *base_url)
{
  if (base_url != NULL || model == NULL)
    return "openai";
  if (g_str_has_prefix (model, "gemini-"))
    return "gemini";
  if (g_str_has_prefix (model, "claude-"))
    return "anthropic";
  return "openai";
}

/**
 * _da_autogen_import_model:
 *
 * Returns: (transfer full) (nullable): the "provider" object of an agent,
 *   or %NULL: with a warning when the client has no equivalent, with an
 *   error (DA_AUTOGEN_FAILED()) when it is malformed
 */
JsonNode *
_da_autogen_import_model (DaAutogenImport *im,
                          JsonNode        *node,
                          const char      *path)
{
  g_autoptr(JsonObject) provider = json_object_new ();
  DaAutogenComponent c;
  const char *model;
  JsonNode *result;

  if (!_da_autogen_component (im, node, path, "model", &c))
    return NULL;

  model = _da_autogen_get_string (c.config, "model");

  if (g_str_equal (c.name, "OpenAIChatCompletionClient") ||
      g_str_equal (c.name, "AnthropicChatCompletionClient"))
    {
      gboolean anthropic = g_str_equal (c.name, "AnthropicChatCompletionClient");
      const char *base_url = _da_autogen_get_string (c.config, "base_url");
      const char *kind = anthropic ? "anthropic" : openai_kind_for_model (model, base_url);
      const char *variable = g_str_equal (kind, "anthropic") ? "ANTHROPIC_API_KEY" :
                             g_str_equal (kind, "gemini") ? "GEMINI_API_KEY" : "OPENAI_API_KEY";
      g_autofree char *config_path = _da_autogen_path_member (path, "config");

      json_object_set_string_member (provider, "kind", kind);
      if (base_url != NULL && base_url[0] != '\0')
        {
          g_autofree char *p = member_path (path, "base_url");

          if (!check_base_url (im, base_url, p))
            return NULL;
          json_object_set_string_member (provider, "base_url", base_url);
        }
      if (model != NULL && model[0] != '\0')
        json_object_set_string_member (provider, "model", model);
      import_api_key (im, c.config, path, variable, provider);
      import_limits (im, c.config, c.config, path, config_path, provider);
      _da_autogen_check_keys (im, c.config, config_path, openai_keys);
    }
  else if (g_str_equal (c.name, "OllamaChatCompletionClient"))
    {
      const char *host = _da_autogen_get_string (c.config, "host");
      JsonNode *options = json_object_get_member (c.config, "options");
      g_autofree char *config_path = _da_autogen_path_member (path, "config");

      json_object_set_string_member (provider, "kind", "ollama");
      if (host != NULL && host[0] != '\0')
        {
          g_autofree char *p = member_path (path, "host");
          g_autofree char *trimmed = g_strdup (host);
          g_autofree char *url = NULL;
          gsize n = strlen (trimmed);

          while (n > 0 && trimmed[n - 1] == '/')
            trimmed[--n] = '\0';
          /* Ollama's client takes "localhost:11434" as http://. */
          url = g_strdup_printf ("%s%s/v1", strstr (trimmed, "://") ? "" : "http://", trimmed);
          if (!check_base_url (im, url, p))
            return NULL;
          json_object_set_string_member (provider, "base_url", url);
        }
      if (model != NULL && model[0] != '\0')
        json_object_set_string_member (provider, "model", model);

      if (options != NULL && JSON_NODE_HOLDS_OBJECT (options))
        {
          g_autofree char *p = member_path (path, "options");

          import_limits (im, c.config, json_node_get_object (options), path, p, provider);
          _da_autogen_check_keys (im, json_node_get_object (options), p, ollama_options);
        }
      else
        {
          g_autoptr(JsonObject) none = json_object_new ();

          if (options != NULL && !JSON_NODE_HOLDS_NULL (options))
            {
              g_autofree char *p = member_path (path, "options");

              _da_autogen_warn (im, p, "expected an object of Ollama options; left out");
            }
          import_limits (im, c.config, none, path, path, provider);
        }
      _da_autogen_check_keys (im, c.config, config_path, ollama_keys);
    }
  else
    {
      g_autofree char *quoted = _da_autogen_quote (c.provider);
      const char *why = strstr (c.name, "Azure") != NULL
                          ? "Azure endpoints and Azure AD credentials are not supported"
                          : "only the OpenAI, Anthropic and Ollama clients can be imported";

      _da_autogen_warn (im, path, "model client %s has no equivalent here (%s); left out",
                        quoted, why);
      return NULL;
    }

  result = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (result, provider);
  return result;
}

/* ---- termination conditions ------------------------------------------ */

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* "sources" naming agents; NULL (with a warning) when one is not an agent
 * of the team, since our conditions only name agents. */
static JsonArray *
import_sources (DaAutogenImport *im,
                JsonNode        *node,
                const char      *path,
                const char      *what)
{
  g_autoptr(JsonArray) sources = json_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    {
      _da_autogen_fail (im, path, "expected a non-empty array of agent names");
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = _da_autogen_path_index (path, i);
      g_autofree char *quoted = NULL;
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          _da_autogen_fail (im, element_path, "expected an agent name");
          return NULL;
        }
      name = json_node_get_string (element);
      if (!g_hash_table_contains (im->agent_names, name))
        {
          quoted = _da_autogen_quote (name);
          _da_autogen_warn (im, element_path, "%s is not an agent of the imported team "
                            "(conditions here name agents only); %s left out", quoted, what);
          return NULL;
        }
      json_array_add_string_element (sources, name);
    }

  return g_steal_pointer (&sources);
}

static JsonNode *
import_combination (DaAutogenImport *im,
                    JsonObject      *config,
                    const char      *path,
                    const char      *ours)
{
  g_autofree char *conditions_path = member_path (path, "conditions");
  g_autoptr(JsonArray) children = json_array_new ();
  JsonNode *node = json_object_get_member (config, "conditions");
  JsonObject *result;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    {
      _da_autogen_fail (im, conditions_path, "expected a non-empty array of conditions");
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child_path = _da_autogen_path_index (conditions_path, i);
      JsonNode *child = _da_autogen_import_termination (im, json_array_get_element (array, i), child_path);

      if (DA_AUTOGEN_FAILED (im))
        return NULL;
      if (child != NULL)
        json_array_add_element (children, child);
    }

  if (json_array_get_length (children) == 0)
    {
      _da_autogen_warn (im, path, "none of its conditions could be imported; left out");
      return NULL;
    }
  if (json_array_get_length (children) < json_array_get_length (array))
    _da_autogen_warn (im, path, "%u of its %u conditions were imported; '%s' now combines "
                      "those only", json_array_get_length (children),
                      json_array_get_length (array), ours);

  result = json_object_new ();
  json_object_set_array_member (result, ours, g_steal_pointer (&children));
  return object_node (result);
}

static JsonNode *
import_token_usage (DaAutogenImport *im,
                    JsonObject      *config,
                    const char      *path)
{
  static const char * const theirs[] = { "max_total_token", "max_prompt_token", "max_completion_token" };
  static const char * const ours[] = { "max_total_tokens", "max_prompt_tokens", "max_completion_tokens" };
  g_autoptr(JsonObject) limits = json_object_new ();
  JsonObject *result;

  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    {
      JsonNode *node = json_object_get_member (config, theirs[i]);
      g_autofree char *p = NULL;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      p = member_path (path, theirs[i]);
      if (!is_integer (node) || json_node_get_int (node) <= 0)
        {
          _da_autogen_fail (im, p, "expected a positive number of tokens");
          return NULL;
        }
      json_object_set_int_member (limits, ours[i], json_node_get_int (node));
    }

  if (json_object_get_size (limits) == 0)
    {
      g_autofree char *p = _da_autogen_path_member (path, "config");

      _da_autogen_fail (im, p, "needs one of max_total_token, max_prompt_token or max_completion_token");
      return NULL;
    }

  result = json_object_new ();
  json_object_set_object_member (result, "token_usage", g_steal_pointer (&limits));
  return object_node (result);
}

/* A non-empty string member, or NULL after an error. */
static const char *
require_text (DaAutogenImport *im,
              JsonObject      *config,
              const char      *path,
              const char      *key)
{
  const char *text = _da_autogen_get_string (config, key);

  if (text == NULL || text[0] == '\0')
    {
      g_autofree char *p = member_path (path, key);

      _da_autogen_fail (im, p, "expected a non-empty string");
      return NULL;
    }
  return text;
}

/**
 * _da_autogen_import_termination:
 *
 * Returns: (transfer full) (nullable): our condition, or %NULL: with a
 *   warning when it has no equivalent, with an error when malformed
 */
JsonNode *
_da_autogen_import_termination (DaAutogenImport *im,
                                JsonNode        *node,
                                const char      *path)
{
  DaAutogenComponent c;
  JsonObject *result;
  JsonNode *member;

  if (!_da_autogen_component (im, node, path, "termination", &c))
    return NULL;

  if (g_str_equal (c.name, "OrTerminationCondition"))
    return import_combination (im, c.config, path, "any");
  if (g_str_equal (c.name, "AndTerminationCondition"))
    return import_combination (im, c.config, path, "all");

  if (g_str_equal (c.name, "TextMentionTermination"))
    {
      const char *text = require_text (im, c.config, path, "text");

      if (text == NULL)
        return NULL;
      result = json_object_new ();
      member = json_object_get_member (c.config, "sources");
      if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
        {
          g_autofree char *p = member_path (path, "sources");
          JsonArray *sources = import_sources (im, member, p, "the condition is");
          JsonObject *mention;

          if (sources == NULL)
            {
              json_object_unref (result);
              return NULL;
            }
          /* { "text_mention": { "text": …, "sources": […] } } */
          mention = json_object_new ();
          json_object_set_string_member (mention, "text", text);
          json_object_set_array_member (mention, "sources", sources);
          json_object_set_object_member (result, "text_mention", mention);
        }
      else
        {
          json_object_set_string_member (result, "text_mention", text);
        }
      return object_node (result);
    }

  if (g_str_equal (c.name, "MaxMessageTermination"))
    {
      g_autofree char *p = member_path (path, "max_messages");

      member = json_object_get_member (c.config, "max_messages");
      if (!is_integer (member) || json_node_get_int (member) <= 0 || json_node_get_int (member) > G_MAXUINT)
        {
          _da_autogen_fail (im, p, "expected a positive number of messages");
          return NULL;
        }
      member = json_object_get_member (c.config, "include_agent_event");
      if (member != NULL && !is_unset (member))
        {
          g_autofree char *q = member_path (path, "include_agent_event");

          _da_autogen_warn (im, q, "agent events are not counted here, only messages");
        }
      result = json_object_new ();
      json_object_set_int_member (result, "max_messages",
                                  json_node_get_int (json_object_get_member (c.config, "max_messages")));
      return object_node (result);
    }

  if (g_str_equal (c.name, "TokenUsageTermination"))
    return import_token_usage (im, c.config, path);

  if (g_str_equal (c.name, "TimeoutTermination"))
    {
      g_autofree char *p = member_path (path, "timeout_seconds");

      member = json_object_get_member (c.config, "timeout_seconds");
      if (!is_number (member) || !(json_node_get_double (member) > 0) ||
          json_node_get_double (member) > 365.0 * 24 * 3600)
        {
          _da_autogen_fail (im, p, "expected a positive number of seconds, at most a year");
          return NULL;
        }
      result = json_object_new ();
      json_object_set_member (result, "timeout", json_node_copy (member));
      return object_node (result);
    }

  if (g_str_equal (c.name, "HandoffTermination"))
    {
      const char *target = require_text (im, c.config, path, "target");

      if (target == NULL)
        return NULL;
      result = json_object_new ();
      json_object_set_string_member (result, "handoff", target);
      return object_node (result);
    }

  if (g_str_equal (c.name, "SourceMatchTermination"))
    {
      g_autofree char *p = member_path (path, "sources");
      JsonArray *sources;

      member = json_object_get_member (c.config, "sources");
      if (member == NULL)
        {
          _da_autogen_fail (im, p, "missing");
          return NULL;
        }
      if (!(sources = import_sources (im, member, p, "the condition is")))
        return NULL;
      result = json_object_new ();
      json_object_set_array_member (result, "source_match", sources);
      return object_node (result);
    }

  if (g_str_equal (c.name, "ExternalTermination"))
    {
      result = json_object_new ();
      json_object_set_boolean_member (result, "external", TRUE);
      return object_node (result);
    }

  {
    g_autofree char *quoted = _da_autogen_quote (c.provider);

    _da_autogen_warn (im, path, "termination condition %s has no equivalent here; left out "
                      "(known: TextMention, MaxMessage, TokenUsage, Timeout, Handoff, "
                      "SourceMatch, External, And, Or)", quoted);
  }
  return NULL;
}
