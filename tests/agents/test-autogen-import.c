/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AutoGen importer against fixtures shaped like AutoGen Studio's
 * exports: every valid one against a reviewed team file and warning list,
 * every broken one against its error, plus the transparent loading of an
 * AutoGen file as a team file and the shipped team gallery. */
#include "config.h"

#include <string.h>

#include "da-agent-error.h"
#include "da-autogen-import-private.h"
#include "da-team-config-private.h"

static const char * const valid_fixtures[] = {
  "anthropic", "api-key", "function-tool", "ollama", "round-robin", "selector", "swarm",
  "terminations", NULL,
};

static char *
fixture_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);

  return g_test_build_filename (G_TEST_DIST, "data", "autogen", file, NULL);
}

static char *
read_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static JsonNode *
import_fixture (const char  *name,
                GPtrArray  **warnings,
                GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = read_fixture (name, &len);
  *warnings = g_ptr_array_new_with_free_func (g_free);
  return _da_autogen_import (data, len, *warnings, error);
}

static void
test_expected (void)
{
  for (guint i = 0; valid_fixtures[i] != NULL; i++)
    {
      const char *name = valid_fixtures[i];
      g_autoptr(GPtrArray) warnings = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = import_fixture (name, &warnings, &error);
      g_autofree char *expected_name = g_strconcat (name, ".json", NULL);
      g_autofree char *expected_path = g_test_build_filename (G_TEST_DIST, "data", "autogen", "expected", expected_name, NULL);
      g_autofree char *warnings_name = g_strconcat (name, ".warnings", NULL);
      g_autofree char *warnings_path = g_test_build_filename (G_TEST_DIST, "data", "autogen", "expected", warnings_name, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *expected_warnings = NULL;
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(DaTeamConfig) config = NULL;
      guint n_lines;

      g_test_message ("fixture %s", name);
      g_assert_no_error (error);
      g_assert_nonnull (node);

      json_parser_load_from_file (parser, expected_path, &error);
      g_assert_no_error (error);
      if (!json_node_equal (node, json_parser_get_root (parser)))
        {
          g_autofree char *got = json_to_string (node, TRUE);

          g_test_message ("got:\n%s", got);
          g_assert_not_reached ();
        }

      g_file_get_contents (warnings_path, &expected_warnings, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (expected_warnings, "\n", -1);
      n_lines = g_strv_length (lines);
      if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
        n_lines--;
      g_assert_cmpuint (warnings->len, ==, n_lines);
      for (guint j = 0; j < warnings->len; j++)
        g_assert_cmpstr (g_ptr_array_index (warnings, j), ==, lines[j]);

      /* What the importer writes, our parser takes. */
      text = json_to_string (node, FALSE);
      config = _da_team_config_parse (text, -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (config);
    }
}

static void
test_invalid (void)
{
  static const struct
  {
    const char *name;
    const char *message;
  } cases[] = {
    { "invalid-not-json", "$: invalid JSON: " },
    { "invalid-component-type", "$.component_type: expected a 'team' component, got 'agent'" },
    { "invalid-unknown-team", "$.provider: team 'autogen_agentchat.teams.MagenticOneGroupChat' cannot be imported" },
    { "invalid-missing-config", "$: missing key \"config\"" },
    { "invalid-participant-provider", "$.config.participants[0]: missing key \"provider\"" },
    { "invalid-one-agent", "$.config.participants: a team here needs at least two agents" },
    { "invalid-duplicate-name", "$.config.participants[1].config.name: duplicate agent name 'twin'" },
    { "invalid-base-url", "$.config.participants[0].config.model_client.config.base_url: 'ftp://example.org/v1' is not an http or https URL" },
    { "invalid-max-messages", "$.config.termination_condition.config.conditions[0].config.max_messages: expected a positive number of messages" },
    { "invalid-model-type", "$.config.participants[0].config.model_client.component_type: expected a 'model' component, got 'tool'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) warnings = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = import_fixture (cases[i].name, &warnings, &error);
      g_autofree char *path = fixture_path (cases[i].name);
      g_autoptr(DaTeamConfig) config = NULL;
      g_autoptr(GError) load_error = NULL;

      g_test_message ("fixture %s", cases[i].name);
      g_assert_null (node);
      g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
      g_assert_null (strchr (error->message, '\n'));

      /* The same error through the team file loader. */
      config = da_team_config_new_from_file (path, &load_error);
      g_assert_null (config);
      g_assert_error (load_error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
      if (!g_str_equal (cases[i].name, "invalid-not-json"))
        g_assert_cmpstr (load_error->message, ==, error->message);
    }
}

static void
test_api_key_never_copied (void)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = import_fixture ("api-key", &warnings, &error);
  g_autofree char *text = NULL;
  g_autofree char *converted = NULL;
  g_auto(GStrv) convert_warnings = NULL;
  g_autofree char *data = NULL;
  JsonObject *provider;
  gsize len = 0;

  g_assert_no_error (error);
  text = json_to_string (node, FALSE);
  g_assert_null (strstr (text, "LEAK-CHECK"));
  g_assert_null (strstr (text, "\"api_key\""));
  for (guint i = 0; i < warnings->len; i++)
    g_assert_null (strstr (g_ptr_array_index (warnings, i), "LEAK-CHECK"));

  provider = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "agents"), 0),
    "provider");
  g_assert_cmpstr (json_object_get_string_member (provider, "api_key_env"), ==, "OPENAI_API_KEY");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0),
                                   "$.config.participants[0].config.model_client.config.api_key: "
                                   "API keys are never copied into a team file"));

  data = read_fixture ("api-key", &len);
  converted = da_autogen_convert (data, len, &convert_warnings, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (converted, "LEAK-CHECK"));
  g_assert_cmpuint (g_strv_length (convert_warnings), ==, warnings->len);
}

static void
test_python_tool_warning (void)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = import_fixture ("function-tool", &warnings, &error);
  JsonArray *agents;
  JsonArray *tools;
  gboolean found = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; i < warnings->len; i++)
    found |= g_str_equal (g_ptr_array_index (warnings, i),
                          "$.config.participants[0].config.workbench[0].config.tools[0]: "
                          "Python tool code cannot run here (tool 'get_weather')");
  g_assert_true (found);

  /* The Python tool is gone; the one named like a built-in stays. */
  agents = json_object_get_array_member (json_node_get_object (node), "agents");
  tools = json_object_get_array_member (json_array_get_object_element (agents, 0), "tools");
  g_assert_cmpuint (json_array_get_length (tools), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (tools, 0), ==, "read_file");
}

/* Handoffs a swarm cannot follow are reported by name and path; those to
 * agents of the team and to the person stay. */
static void
test_handoff_targets (void)
{
  static const char data[] =
    "{\"provider\": \"autogen_agentchat.teams.Swarm\", \"component_type\": \"team\", \"config\": {"
    " \"participants\": ["
    "  {\"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\","
    "   \"config\": {\"name\": \"alice\", \"handoffs\": [\"bob\", \"manager\", \"alice\", \"user\", \"User\"]}},"
    "  {\"provider\": \"autogen_agentchat.agents.AssistantAgent\", \"component_type\": \"agent\","
    "   \"config\": {\"name\": \"bob\", \"handoffs\": [{\"target\": \"user\"}]}}],"
    " \"termination_condition\": {\"provider\": \"autogen_agentchat.conditions.HandoffTermination\","
    "   \"component_type\": \"termination\", \"config\": {\"target\": \"user\"}}}}";
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _da_autogen_import (data, sizeof data - 1, warnings, &error);
  g_autofree char *text = NULL;
  g_autofree char *team_text = NULL;
  g_autoptr(DaTeamConfig) config = NULL;

  g_assert_no_error (error);
  text = json_to_string (json_object_get_member (json_node_get_object (node), "agents"), FALSE);
  g_assert_nonnull (strstr (text, "\"name\":\"alice\",\"kind\":\"assistant\",\"handoffs\":[\"bob\",\"user\"]"));
  g_assert_nonnull (strstr (text, "\"handoffs\":[\"user\"]"));
  team_text = json_to_string (json_object_get_member (json_node_get_object (node), "team"), FALSE);
  g_assert_cmpstr (team_text, ==, "{\"kind\":\"swarm\",\"termination\":{\"handoff\":\"user\"}}");

  /* Two more say that the agents have no model. */
  g_assert_cmpuint (warnings->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (warnings, 2), ==,
                   "$.config.participants[0].config.handoffs[1]: handoff to 'manager' left out: "
                   "not an agent of this team nor the person (\"user\")");
  g_assert_cmpstr (g_ptr_array_index (warnings, 3), ==,
                   "$.config.participants[0].config.handoffs[2]: handoff to 'alice' left out: "
                   "an agent cannot hand over to itself");
  g_assert_cmpstr (g_ptr_array_index (warnings, 4), ==,
                   "$.config.participants[0].config.handoffs[4]: handoff to 'User' left out: "
                   "not an agent of this team nor the person (\"user\")");

  /* The result is a valid team file. */
  g_free (text);
  text = json_to_string (node, FALSE);
  config = da_team_config_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (da_team_config_get_agent (config, "bob")->handoffs[0], ==, "user");
}

static void
test_load_file (void)
{
  g_autofree char *path = fixture_path ("selector");
  g_autofree char *ours = g_test_build_filename (G_TEST_DIST, "..", "data", "teams", "travel-planner.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = da_team_config_new_from_file (path, &error);
  g_autoptr(DaTeamConfig) own = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char * const *got;
  const DaAgentConfig *planner;

  g_assert_no_error (error);
  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_SELECTOR);
  g_assert_cmpuint (config->agents->len, ==, 3);
  g_assert_cmpstr (config->name, ==, "Research team");
  planner = da_team_config_get_agent (config, "planner");
  g_assert_nonnull (planner);
  g_assert_cmpstr (planner->provider->kind, ==, "openai");
  g_assert_cmpuint (planner->provider->timeout, ==, 31);
  g_assert_cmpint (planner->provider->max_retries, ==, 2);
  g_assert_cmpint (da_team_config_get_agent (config, "user_proxy")->kind, ==, DA_AGENT_KIND_USER_PROXY);
  g_assert_cmpint (da_team_config_get_agent (config, "user_proxy")->human_input, ==, DA_HUMAN_INPUT_ALWAYS);

  node = import_fixture ("selector", &warnings, &error);
  g_assert_no_error (error);
  got = da_team_config_get_warnings (config);
  g_assert_cmpuint (g_strv_length ((char **)got), ==, warnings->len);
  for (guint i = 0; i < warnings->len; i++)
    g_assert_cmpstr (got[i], ==, g_ptr_array_index (warnings, i));

  own = da_team_config_new_from_file (ours, &error);
  g_assert_no_error (error);
  g_assert_nonnull (da_team_config_get_warnings (own));
  g_assert_null (da_team_config_get_warnings (own)[0]);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DaTeamConfig **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = da_team_config_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_load_async (void)
{
  g_autofree char *path = fixture_path ("swarm");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(DaTeamConfig) config = NULL;
  const char * const *warnings;

  da_team_config_load_async (file, NULL, loaded_cb, &config);
  while (config == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_SWARM);
  g_assert_cmpint (config->max_round, ==, 12);
  g_assert_cmpint (da_team_config_get_agent (config, "billing")->context_max_tokens, ==, 6000);
  warnings = da_team_config_get_warnings (config);
  g_assert_cmpuint (g_strv_length ((char **)warnings), ==, 1);
  /* Handoffs to agents of the team and to the person ("user") are kept;
   * HandoffTermination(target="user") is the team's handoff condition. */
  g_assert_cmpstr (da_team_config_get_agent (config, "triage")->handoffs[0], ==, "billing");
  g_assert_cmpstr (da_team_config_get_agent (config, "triage")->handoffs[1], ==, "user");
  g_assert_null (da_team_config_get_agent (config, "triage")->handoffs[2]);
  g_assert_cmpstr (da_team_config_get_agent (config, "billing")->handoffs[0], ==, "triage");
  g_assert_true (g_str_has_prefix (warnings[0], "$.config.termination_condition.config.conditions[1]"));
}

static void
test_detect (void)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = read_fixture ("terminations", &len);
  g_assert_true (da_autogen_is_component (data, len));
  g_assert_false (da_autogen_is_component ("{\"name\": \"autogen\", \"agents\": []}", -1));
  g_assert_false (da_autogen_is_component ("not json at all, component_type", -1));
  g_assert_false (da_autogen_is_component ("", 0));
  g_assert_true (da_autogen_is_component ("{\"component_type\": \"agent\"}", -1));
}

static void
test_gallery (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "..", "data", "teams", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(DaTeamConfig) config = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      g_test_message ("gallery %s", name);
      config = da_team_config_new_from_file (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (config->description);
      g_assert_null (da_team_config_get_warnings (config)[0]);
      n++;
    }
  g_assert_cmpuint (n, >=, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autogen/expected", test_expected);
  g_test_add_func ("/autogen/invalid", test_invalid);
  g_test_add_func ("/autogen/api-key-never-copied", test_api_key_never_copied);
  g_test_add_func ("/autogen/python-tool-warning", test_python_tool_warning);
  g_test_add_func ("/autogen/handoff-targets", test_handoff_targets);
  g_test_add_func ("/autogen/load-file", test_load_file);
  g_test_add_func ("/autogen/load-async", test_load_async);
  g_test_add_func ("/autogen/detect", test_detect);
  g_test_add_func ("/autogen/gallery", test_gallery);

  return g_test_run ();
}
