/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include <string.h>

#include "da-agent-error.h"
#include "da-autogen-import-private.h"
#include "da-group-chat.h"
#include "da-team-config-private.h"

/**
 * SECTION:da-autogen-import
 *
 * Imports a team exported from Microsoft AutoGen (AgentChat's declarative
 * component JSON, as AutoGen Studio writes it) into our team file format:
 *
 * - teams: RoundRobinGroupChat → round_robin, SelectorGroupChat →
 *   selector (its model client, prompt and attempts → team.selector,
 *   allow_repeated_speaker → team.allow_repeat_speaker), Swarm → swarm
 *   (handoffs to agents of the team and to the person, "user", are kept;
 *   a handoff to the person ends a run, with or without a
 *   HandoffTermination);
 *   max_turns → max_round;
 * - agents: AssistantAgent → assistant, UserProxyAgent → user_proxy
 *   (a person answers: human_input "always");
 * - model clients: OpenAIChatCompletionClient → openai (gemini- and
 *   claude- models without a base_url → gemini / anthropic, as AutoGen
 *   routes them), AnthropicChatCompletionClient → anthropic,
 *   OllamaChatCompletionClient → ollama with host + "/v1"; a literal
 *   api_key is never copied: the provider reads the vendor's usual
 *   variable (api_key_env) instead;
 * - tools: a FunctionTool whose name is one of our built-in tools becomes
 *   that tool, PythonCodeExecutionTool becomes run_python; Python code
 *   itself never runs here;
 * - terminations: TextMention, MaxMessage, TokenUsage, Timeout, Handoff,
 *   SourceMatch, External, And → all, Or → any.
 *
 * Everything else is left out and named in a warning with its JSON path.
 */

/* The built-in tools of the tools layer (da_builtin_tool_get_names()). */
static const char * const builtin_tools[] = {
  "read_file", "write_file", "list_directory", "run_shell_command", "run_python", "fetch_url", NULL,
};

static const char * const team_keys[] = {
  "participants", "termination_condition", "max_turns", "name", "description", "model_client",
  "selector_prompt", "allow_repeated_speaker", "max_selector_attempts", NULL,
};
static const char * const assistant_keys[] = {
  "name", "description", "system_message", "model_client", "tools", "workbench", "handoffs",
  "model_context", "reflect_on_tool_use", "tool_call_summary_format", "max_tool_iterations", NULL,
};
static const char * const user_proxy_keys[] = {
  "name", "description", NULL,
};

#define DA_AUTOGEN_MAX_PARTICIPANTS 64

static char *
config_member (const char *path,
               const char *key)
{
  g_autofree char *config_path = _da_autogen_path_member (path, "config");

  return _da_autogen_path_member (config_path, key);
}

static void
add_tool (JsonArray       *tools,
          const char      *name)
{
  for (guint i = 0; i < json_array_get_length (tools); i++)
    if (g_str_equal (json_array_get_string_element (tools, i), name))
      return;
  json_array_add_string_element (tools, name);
}

static gboolean
import_tool (DaAutogenImport *im,
             JsonNode        *node,
             const char      *path,
             JsonArray       *tools)
{
  DaAutogenComponent c;
  g_autofree char *quoted = NULL;

  if (!_da_autogen_component (im, node, path, "tool", &c))
    return FALSE;

  if (g_str_equal (c.name, "FunctionTool"))
    {
      const char *name = _da_autogen_get_string (c.config, "name");
      g_autofree char *quoted_name = _da_autogen_quote (name != NULL ? name : "?");

      if (name != NULL && g_strv_contains (builtin_tools, name))
        {
          add_tool (tools, name);
          _da_autogen_warn (im, path, "Python tool code is not used: the tool %s is our "
                            "built-in tool of that name, run in the sandbox", quoted_name);
        }
      else
        {
          _da_autogen_warn (im, path, "Python tool code cannot run here (tool %s)", quoted_name);
        }
      return TRUE;
    }

  if (g_str_equal (c.name, "PythonCodeExecutionTool"))
    {
      add_tool (tools, "run_python");
      _da_autogen_warn (im, path, "code runs with the built-in run_python tool in the sandbox, "
                        "not with the executor named here");
      return TRUE;
    }

  quoted = _da_autogen_quote (c.provider);
  _da_autogen_warn (im, path, "tool %s has no equivalent here; left out", quoted);
  return TRUE;
}

static gboolean
import_tool_list (DaAutogenImport *im,
                  JsonNode        *node,
                  const char      *path,
                  JsonArray       *tools)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _da_autogen_fail (im, path, "expected an array of tool components");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = _da_autogen_path_index (path, i);

      if (!import_tool (im, json_array_get_element (array, i), item_path, tools))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_workbench (DaAutogenImport *im,
                  JsonNode        *node,
                  const char      *path,
                  JsonArray       *tools)
{
  DaAutogenComponent c;
  g_autofree char *quoted = NULL;

  if (!_da_autogen_component (im, node, path, "workbench", &c))
    return FALSE;

  if (g_str_equal (c.name, "StaticWorkbench"))
    {
      JsonNode *list = json_object_get_member (c.config, "tools");
      g_autofree char *list_path = config_member (path, "tools");

      return list == NULL || JSON_NODE_HOLDS_NULL (list) ||
             import_tool_list (im, list, list_path, tools);
    }

  quoted = _da_autogen_quote (c.provider);
  _da_autogen_warn (im, path, "workbench %s has no equivalent here (MCP servers are not "
                    "imported); left out", quoted);
  return TRUE;
}

static gboolean
import_workbenches (DaAutogenImport *im,
                    JsonNode        *node,
                    const char      *path,
                    JsonArray       *tools)
{
  JsonArray *array;

  /* One workbench or a list of them, depending on the AutoGen version. */
  if (JSON_NODE_HOLDS_OBJECT (node))
    return import_workbench (im, node, path, tools);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _da_autogen_fail (im, path, "expected a workbench component or an array of them");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = _da_autogen_path_index (path, i);

      if (!import_workbench (im, json_array_get_element (array, i), item_path, tools))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_model_context (DaAutogenImport *im,
                      JsonNode        *node,
                      const char      *path,
                      JsonObject      *agent)
{
  DaAutogenComponent c;
  g_autofree char *quoted = NULL;

  if (!_da_autogen_component (im, node, path, "chat_completion_context", &c))
    return FALSE;

  if (g_str_equal (c.name, "UnboundedChatCompletionContext"))
    return TRUE;

  if (g_str_equal (c.name, "TokenLimitedChatCompletionContext"))
    {
      JsonNode *limit = json_object_get_member (c.config, "token_limit");

      if (limit != NULL && JSON_NODE_HOLDS_VALUE (limit) &&
          json_node_get_value_type (limit) == G_TYPE_INT64 && json_node_get_int (limit) > 0)
        {
          json_object_set_int_member (agent, "context_max_tokens", json_node_get_int (limit));
          return TRUE;
        }
    }

  quoted = _da_autogen_quote (c.provider);
  _da_autogen_warn (im, path, "model context %s has no equivalent here (a team file keeps "
                    "the whole history or a token budget: context_max_tokens); left out", quoted);
  return TRUE;
}

static gboolean
is_tool_name (const char *name)
{
  if (name[0] == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *s = name; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

/* Collects the targets of an agent's handoffs into its "handoffs" list;
 * import_team() checks them once every agent and the team kind are known. */
static void
import_handoffs (DaAutogenImport *im,
                 JsonNode        *node,
                 const char      *path,
                 JsonObject      *agent)
{
  g_autoptr(JsonArray) targets = json_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _da_autogen_warn (im, path, "expected an array of handoffs; left out");
      return;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *target = NULL;

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        target = json_node_get_string (item);
      else if (JSON_NODE_HOLDS_OBJECT (item))
        target = _da_autogen_get_string (json_node_get_object (item), "target");

      if (target == NULL || !is_tool_name (target))
        {
          g_autofree char *item_path = _da_autogen_path_index (path, i);
          g_autofree char *quoted = _da_autogen_quote (target != NULL ? target : "?");

          _da_autogen_warn (im, item_path, "handoff to %s left out: not an agent name", quoted);
          target = "";
        }
      json_array_add_string_element (targets, target);
    }
  json_object_set_array_member (agent, "handoffs", g_steal_pointer (&targets));
}

/* Keeps the handoffs a swarm can follow: to another agent of the team,
 * or to the person ("user", as in AutoGen), which ends the run. */
static void
check_handoffs (DaAutogenImport *im,
                JsonObject      *agent,
                const char      *path,
                gboolean         swarm)
{
  g_autoptr(JsonArray) kept = json_array_new ();
  JsonArray *targets;
  const char *name = json_object_get_string_member (agent, "name");

  if (!json_object_has_member (agent, "handoffs"))
    return;
  targets = json_object_get_array_member (agent, "handoffs");
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      const char *target = json_array_get_string_element (targets, i);
      g_autofree char *handoffs_path = _da_autogen_path_member (path, "config");
      g_autofree char *list_path = _da_autogen_path_member (handoffs_path, "handoffs");
      g_autofree char *item_path = _da_autogen_path_index (list_path, i);
      g_autofree char *quoted = _da_autogen_quote (target);

      if (target[0] == '\0')
        continue;
      if (!swarm)
        _da_autogen_warn (im, item_path, "handoff to %s left out: only a Swarm hands over", quoted);
      else if (!g_hash_table_contains (im->agent_names, target) &&
               !g_str_equal (target, DA_HANDOFF_PERSON))
        _da_autogen_warn (im, item_path, "handoff to %s left out: not an agent of this team "
                          "nor the person (\"" DA_HANDOFF_PERSON "\")", quoted);
      else if (g_str_equal (target, name))
        _da_autogen_warn (im, item_path, "handoff to %s left out: an agent cannot hand over to itself", quoted);
      else
        json_array_add_string_element (kept, target);
    }

  json_object_remove_member (agent, "handoffs");
  if (json_array_get_length (kept) > 0)
    json_object_set_array_member (agent, "handoffs", g_steal_pointer (&kept));
}

/* AutoGen's defaults, which need no warning when they are not mapped. */
static void
check_defaults (DaAutogenImport *im,
                JsonObject      *config,
                const char      *path)
{
  JsonNode *node;

  if ((node = json_object_get_member (config, "reflect_on_tool_use")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (node))
    {
      g_autofree char *p = config_member (path, "reflect_on_tool_use");

      _da_autogen_warn (im, p, "has no equivalent in a team file; left out");
    }
  if ((node = json_object_get_member (config, "tool_call_summary_format")) != NULL &&
      !JSON_NODE_HOLDS_NULL (node) &&
      g_strcmp0 (_da_autogen_get_string (config, "tool_call_summary_format"), "{result}") != 0)
    {
      g_autofree char *p = config_member (path, "tool_call_summary_format");

      _da_autogen_warn (im, p, "has no equivalent in a team file; left out");
    }
  if ((node = json_object_get_member (config, "max_tool_iterations")) != NULL &&
      !JSON_NODE_HOLDS_NULL (node) &&
      !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
        json_node_get_int (node) == 1))
    {
      g_autofree char *p = config_member (path, "max_tool_iterations");

      _da_autogen_warn (im, p, "has no equivalent in a team file; left out");
    }
}

static gboolean
import_string (DaAutogenImport *im,
               JsonObject      *config,
               const char      *path,
               const char      *key,
               JsonObject      *agent)
{
  JsonNode *node = json_object_get_member (config, key);
  g_autofree char *p = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  p = config_member (path, key);
  if (_da_autogen_get_string (config, key) == NULL)
    return _da_autogen_fail (im, p, "expected a string");
  json_object_set_string_member (agent, key, json_node_get_string (node));
  return TRUE;
}

/* Returns the agent, or NULL: with a warning for an agent class we do not
 * have, with an error for a malformed one. */
static JsonObject *
import_agent (DaAutogenImport *im,
              JsonNode        *node,
              const char      *path)
{
  g_autoptr(JsonObject) agent = json_object_new ();
  DaAutogenComponent c;
  const char *name;
  JsonNode *member;
  gboolean assistant;

  if (!_da_autogen_component (im, node, path, "agent", &c))
    return NULL;

  assistant = g_str_equal (c.name, "AssistantAgent");
  if (!assistant && !g_str_equal (c.name, "UserProxyAgent"))
    {
      g_autofree char *quoted = _da_autogen_quote (c.provider);
      const char *agent_name = _da_autogen_get_string (c.config, "name");
      g_autofree char *quoted_name = _da_autogen_quote (agent_name != NULL ? agent_name : "?");

      _da_autogen_warn (im, path, "agent %s of class %s has no equivalent here (only "
                        "AssistantAgent and UserProxyAgent are imported); left out of the team",
                        quoted_name, quoted);
      return NULL;
    }

  name = _da_autogen_get_string (c.config, "name");
  if (name == NULL || name[0] == '\0')
    {
      g_autofree char *p = config_member (path, "name");

      _da_autogen_fail (im, p, "expected the agent's name");
      return NULL;
    }
  if (g_hash_table_contains (im->agent_names, name))
    {
      g_autofree char *p = config_member (path, "name");
      g_autofree char *quoted = _da_autogen_quote (name);

      _da_autogen_fail (im, p, "duplicate agent name %s", quoted);
      return NULL;
    }

  json_object_set_string_member (agent, "name", name);
  json_object_set_string_member (agent, "kind", assistant ? "assistant" : "user_proxy");
  if (!import_string (im, c.config, path, "description", agent))
    return NULL;

  if (!assistant)
    {
      /* AutoGen's user proxy always asks the person. */
      g_autofree char *config_path = _da_autogen_path_member (path, "config");

      json_object_set_string_member (agent, "human_input", "always");
      _da_autogen_check_keys (im, c.config, config_path, user_proxy_keys);
      return g_steal_pointer (&agent);
    }

  if (!import_string (im, c.config, path, "system_message", agent))
    return NULL;

  member = json_object_get_member (c.config, "model_client");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autofree char *p = config_member (path, "model_client");
      JsonNode *provider = _da_autogen_import_model (im, member, p);

      if (DA_AUTOGEN_FAILED (im))
        return NULL;
      if (provider != NULL)
        json_object_set_member (agent, "provider", provider);
    }
  if (!json_object_has_member (agent, "provider"))
    {
      g_autofree char *quoted = _da_autogen_quote (name);

      _da_autogen_warn (im, path, "agent %s has no model here and answers with its default "
                        "auto reply until one is set", quoted);
    }

  {
    g_autoptr(JsonArray) tools = json_array_new ();

    member = json_object_get_member (c.config, "tools");
    if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
      {
        g_autofree char *p = config_member (path, "tools");

        if (!import_tool_list (im, member, p, tools))
          return NULL;
      }
    member = json_object_get_member (c.config, "workbench");
    if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
      {
        g_autofree char *p = config_member (path, "workbench");

        if (!import_workbenches (im, member, p, tools))
          return NULL;
      }
    if (json_array_get_length (tools) > 0)
      json_object_set_array_member (agent, "tools", g_steal_pointer (&tools));
  }

  member = json_object_get_member (c.config, "model_context");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autofree char *p = config_member (path, "model_context");

      if (!import_model_context (im, member, p, agent))
        return NULL;
    }

  member = json_object_get_member (c.config, "handoffs");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autofree char *p = config_member (path, "handoffs");

      import_handoffs (im, member, p, agent);
    }

  check_defaults (im, c.config, path);
  {
    g_autofree char *config_path = _da_autogen_path_member (path, "config");

    _da_autogen_check_keys (im, c.config, config_path, assistant_keys);
  }
  return g_steal_pointer (&agent);
}

static gboolean
same_text (const char *a,
           const char *b)
{
  g_autofree char *x = g_strstrip (g_strdup (a));
  g_autofree char *y = g_strstrip (g_strdup (b));

  return g_str_equal (x, y);
}

/* SelectorGroupChat's settings → team.selector and
 * team.allow_repeat_speaker. */
static void
import_selector (DaAutogenImport *im,
                 JsonObject      *config,
                 JsonObject      *team)
{
  g_autoptr(JsonObject) selector = json_object_new ();
  JsonNode *node;
  const char *prompt;

  if ((node = json_object_get_member (config, "model_client")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonNode *provider = _da_autogen_import_model (im, node, "$.config.model_client");

      if (DA_AUTOGEN_FAILED (im))
        return;
      if (provider != NULL)
        json_object_set_member (selector, "provider", provider);
      else
        _da_autogen_warn (im, "$.config.model_client", "the speaker selector has no model here; "
                          "the runner picks one");
    }

  if ((node = json_object_get_member (config, "selector_prompt")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      prompt = _da_autogen_get_string (config, "selector_prompt");
      if (prompt == NULL || prompt[0] == '\0')
        _da_autogen_warn (im, "$.config.selector_prompt", "expected a non-empty text; the default "
                          "prompt is used");
      else if (!same_text (prompt, DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT))
        json_object_set_string_member (selector, "prompt", prompt);
    }

  if ((node = json_object_get_member (config, "max_selector_attempts")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
          json_node_get_int (node) >= 1 && json_node_get_int (node) <= 20)
        {
          if (json_node_get_int (node) != DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS)
            json_object_set_int_member (selector, "max_attempts", json_node_get_int (node));
        }
      else
        _da_autogen_warn (im, "$.config.max_selector_attempts", "a team file allows 1 to 20 "
                          "attempts; the default (%d) is used", DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS);
    }

  if ((node = json_object_get_member (config, "allow_repeated_speaker")) != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        json_object_set_boolean_member (team, "allow_repeat_speaker", json_node_get_boolean (node));
      else
        _da_autogen_warn (im, "$.config.allow_repeated_speaker", "expected true or false; left out");
    }

  if (json_object_get_size (selector) > 0)
    json_object_set_object_member (team, "selector", g_steal_pointer (&selector));
}

static JsonNode *
import_team (DaAutogenImport *im,
             JsonNode        *root)
{
  g_autoptr(JsonObject) team_file = json_object_new ();
  g_autoptr(JsonObject) team = json_object_new ();
  g_autoptr(JsonArray) agents = json_array_new ();
  g_autoptr(GPtrArray) agent_paths = g_ptr_array_new_with_free_func (g_free);
  DaAutogenComponent c;
  const char *kind;
  const char *text;
  JsonNode *node;
  JsonArray *participants;
  JsonNode *result;

  if (!_da_autogen_component (im, root, "$", "team", &c))
    return NULL;

  if (g_str_equal (c.name, "RoundRobinGroupChat"))
    kind = "round_robin";
  else if (g_str_equal (c.name, "SelectorGroupChat"))
    kind = "selector";
  else if (g_str_equal (c.name, "Swarm"))
    kind = "swarm";
  else
    {
      g_autofree char *quoted = _da_autogen_quote (c.provider);

      _da_autogen_fail (im, "$.provider", "team %s cannot be imported (expected "
                        "RoundRobinGroupChat, SelectorGroupChat or Swarm)", quoted);
      return NULL;
    }

  /* The name a person gave in AutoGen Studio first. */
  text = _da_autogen_get_string (json_node_get_object (root), "label");
  if (text == NULL || text[0] == '\0')
    text = _da_autogen_get_string (c.config, "name");
  json_object_set_string_member (team_file, "name", text != NULL && text[0] != '\0' ? text : "Imported team");
  text = _da_autogen_get_string (c.config, "description");
  if (text == NULL || text[0] == '\0')
    text = _da_autogen_get_string (json_node_get_object (root), "description");
  if (text != NULL && text[0] != '\0')
    json_object_set_string_member (team_file, "description", text);

  node = json_object_get_member (c.config, "participants");
  if (node == NULL)
    {
      _da_autogen_fail (im, "$.config", "missing key \"participants\"");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _da_autogen_fail (im, "$.config.participants", "expected an array of agent components");
      return NULL;
    }
  participants = json_node_get_array (node);
  if (json_array_get_length (participants) > DA_AUTOGEN_MAX_PARTICIPANTS)
    {
      _da_autogen_fail (im, "$.config.participants", "at most %d agents can be imported",
                        DA_AUTOGEN_MAX_PARTICIPANTS);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      g_autofree char *path = _da_autogen_path_index ("$.config.participants", i);
      JsonObject *agent = import_agent (im, json_array_get_element (participants, i), path);

      if (DA_AUTOGEN_FAILED (im))
        return NULL;
      if (agent != NULL)
        {
          g_hash_table_add (im->agent_names, g_strdup (json_object_get_string_member (agent, "name")));
          json_array_add_object_element (agents, agent);
          g_ptr_array_add (agent_paths, g_steal_pointer (&path));
        }
    }

  for (guint i = 0; i < json_array_get_length (agents); i++)
    check_handoffs (im, json_array_get_object_element (agents, i),
                    g_ptr_array_index (agent_paths, i), g_str_equal (kind, "swarm"));

  if (json_array_get_length (agents) < 2)
    {
      _da_autogen_fail (im, "$.config.participants", "a team here needs at least two agents "
                        "that can be imported, got %u (add a UserProxyAgent for the person)",
                        json_array_get_length (agents));
      return NULL;
    }

  json_object_set_string_member (team, "kind", kind);

  node = json_object_get_member (c.config, "max_turns");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1 || json_node_get_int (node) > G_MAXINT32)
        {
          _da_autogen_fail (im, "$.config.max_turns", "expected a positive number of turns");
          return NULL;
        }
      json_object_set_int_member (team, "max_round", json_node_get_int (node));
    }

  node = json_object_get_member (c.config, "termination_condition");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonNode *termination = _da_autogen_import_termination (im, node, "$.config.termination_condition");

      if (DA_AUTOGEN_FAILED (im))
        return NULL;
      if (termination != NULL)
        json_object_set_member (team, "termination", termination);
      else
        _da_autogen_warn (im, "$.config.termination_condition", "no condition could be imported; "
                          "the team stops at its round limit");
    }

  if (g_str_equal (kind, "selector"))
    {
      import_selector (im, c.config, team);
      if (DA_AUTOGEN_FAILED (im))
        return NULL;
    }

  _da_autogen_check_keys (im, c.config, "$.config", team_keys);

  json_object_set_array_member (team_file, "agents", g_steal_pointer (&agents));
  json_object_set_object_member (team_file, "team", g_steal_pointer (&team));

  result = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (result, team_file);
  return result;
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

static JsonParser *
load_json (const char  *data,
           gsize        len,
           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;

  if (len > DA_TEAM_CONFIG_MAX_SIZE)
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM,
                   "$: a team file is at most %d bytes", DA_TEAM_CONFIG_MAX_SIZE);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, "$: not valid UTF-8 text");
      return NULL;
    }
  if (!check_depth (data, len))
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM,
                   "$: nested deeper than %d levels", DA_TEAM_CONFIG_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &json_error))
    {
      const char *message = json_error->message;
      g_autoptr(GString) line = g_string_new (NULL);

      /* json-glib echoes tokens of the input: keep them on one line. */
      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      for (const char *c = message; *c != '\0'; c++)
        {
          if ((guchar)*c < 0x20 || *c == 0x7f)
            g_string_append_printf (line, "\\u%04x", (guchar)*c);
          else
            g_string_append_c (line, *c);
        }
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, "$: invalid JSON: %s", line->str);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM, "$: empty document");
      return NULL;
    }

  return g_steal_pointer (&parser);
}

JsonNode *
_da_autogen_import (const char  *data,
                    gsize        len,
                    GPtrArray   *warnings,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) agent_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  DaAutogenImport im = { warnings, &local_error, agent_names };
  JsonNode *result;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (warnings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(parser = load_json (data, len, error)))
    return NULL;

  result = import_team (&im, json_parser_get_root (parser));
  if (local_error != NULL)
    {
      g_clear_pointer (&result, json_node_unref);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_assert (result != NULL);
  return result;
}

static gboolean
is_component_root (JsonNode *root)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  /* Our team files have neither key at the top. */
  return json_object_has_member (object, "component_type") ||
         json_object_has_member (object, "provider");
}

/**
 * da_autogen_is_component:
 * @data: a file's contents
 * @len: the length of @data, or -1 if it is nul-terminated
 *
 * Returns: whether @data holds an AutoGen component (JSON with
 *   "provider" or "component_type" at the top) rather than a team file
 */
gboolean
da_autogen_is_component (const char *data,
                         gssize      len)
{
  g_autoptr(JsonParser) parser = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len < 0)
    len = strlen (data);
  /* Cheap first: every AutoGen export names its component type or an
   * autogen_ class; our own files need no second parse. */
  if (g_strstr_len (data, len, "component_type") == NULL && g_strstr_len (data, len, "autogen") == NULL)
    return FALSE;
  if (!(parser = load_json (data, len, NULL)))
    return FALSE;
  return is_component_root (json_parser_get_root (parser));
}

static char *
convert (const char  *data,
         gsize        len,
         GPtrArray   *warnings,
         GError     **error)
{
  g_autoptr(JsonNode) node = _da_autogen_import (data, len, warnings, error);
  g_autoptr(JsonGenerator) generator = NULL;

  if (node == NULL)
    return NULL;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

DaTeamConfig *
_da_team_config_load_data (const char  *data,
                           gssize       len,
                           GError     **error)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *converted = NULL;
  DaTeamConfig *config;

  if (len < 0)
    len = strlen (data);
  if (!da_autogen_is_component (data, len))
    return _da_team_config_parse (data, len, error);

  warnings = g_ptr_array_new_with_free_func (g_free);
  if (!(converted = convert (data, len, warnings, error)))
    return NULL;

  config = _da_team_config_parse (converted, -1, &local_error);
  if (config == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "imported from AutoGen, the team is not valid: ");
      return NULL;
    }

  g_ptr_array_add (warnings, NULL);
  config->warnings = (GStrv)g_ptr_array_free (g_steal_pointer (&warnings), FALSE);
  return config;
}

/**
 * da_autogen_convert:
 * @data: an AutoGen team component, as AutoGen Studio exports it
 * @len: the length of @data, or -1 if it is nul-terminated
 * @warnings: (out) (optional) (transfer full): what could not be mapped,
 *   one "JSON.path: what and why" line each
 *
 * Converts an AutoGen team into a team file and checks the result with
 * the team file parser.
 *
 * Returns: (transfer full): the team file, pretty printed, or %NULL with
 *   a %DA_AGENT_ERROR_INVALID_TEAM error whose message starts with the
 *   JSON path at fault
 */
char *
da_autogen_convert (const char  *data,
                    gssize       len,
                    GStrv       *warnings,
                    GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DaTeamConfig) config = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *converted = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (data);
  if (!(converted = convert (data, len, list, error)))
    return NULL;

  if (!(config = _da_team_config_parse (converted, -1, &local_error)))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "imported from AutoGen, the team is not valid: ");
      return NULL;
    }

  if (warnings != NULL)
    {
      g_ptr_array_add (list, NULL);
      *warnings = (GStrv)g_ptr_array_free (g_steal_pointer (&list), FALSE);
    }
  return g_steal_pointer (&converted);
}
