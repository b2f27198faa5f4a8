/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-test-agents.h"
#include "da-team-config-private.h"
#include "da-group-chat.h"
#include "da-termination.h"

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "agents", name, NULL);
}

static DaTeamConfig *
load_fixture (const char  *name,
              GError     **error)
{
  g_autofree char *path = fixture_path (name);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return _da_team_config_parse (contents, len, error);
}

static void
test_team_design_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-design-example.json", &error);
  const DaAgentConfig *planner;
  const DaAgentConfig *critic;
  const DaAgentConfig *user;
  g_autoptr(DaTermination) cond = NULL;
  const char * const *next;

  g_assert_no_error (error);
  g_assert_nonnull (team);
  g_assert_cmpstr (team->name, ==, "travel");
  g_assert_cmpuint (team->agents->len, ==, 3);

  planner = da_team_config_get_agent (team, "planner");
  g_assert_true (planner == g_ptr_array_index (team->agents, 0));
  g_assert_cmpint (planner->kind, ==, DA_AGENT_KIND_ASSISTANT);
  g_assert_cmpstr (planner->description, ==, "Plans trips.");
  g_assert_cmpstr (planner->system_message, ==, "You plan trips.");
  g_assert_null (planner->default_auto_reply);
  g_assert_false (planner->has_human_input);
  g_assert_cmpint (planner->max_consecutive_auto_reply, ==, -1);
  g_assert_cmpint (planner->termination_mode, ==, DA_TERMINATION_MODE_EXACT);
  g_assert_cmpstr (planner->termination_pattern, ==, "TERMINATE");
  g_assert_nonnull (planner->provider);
  g_assert_cmpstr (planner->provider->kind, ==, "openai");
  g_assert_cmpstr (planner->provider->base_url, ==, "http://127.0.0.1:11434/v1");
  g_assert_cmpstr (planner->provider->model, ==, "llama3.2");
  g_assert_cmpstr (planner->provider->api_key_env, ==, "OPENAI_API_KEY");
  g_assert_cmpfloat (planner->provider->temperature, <, 0);
  g_assert_cmpint (planner->provider->max_tokens, ==, 0);
  g_assert_cmpuint (planner->provider->timeout, ==, 0);
  g_assert_cmpint (planner->provider->max_retries, ==, -1);
  g_assert_cmpuint (g_strv_length (planner->tools), ==, 1);
  g_assert_cmpstr (planner->tools[0], ==, "read_file");
  g_assert_nonnull (planner->permissions);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (planner->permissions), "isolation"),
                   ==, "strict");

  critic = da_team_config_get_agent (team, "critic");
  g_assert_cmpint (critic->kind, ==, DA_AGENT_KIND_CONVERSABLE);
  g_assert_cmpstr (critic->default_auto_reply, ==, "Looks good. TERMINATE");
  g_assert_null (critic->provider);
  g_assert_cmpuint (g_strv_length (critic->tools), ==, 0);
  g_assert_null (critic->permissions);

  user = da_team_config_get_agent (team, "user");
  g_assert_cmpint (user->kind, ==, DA_AGENT_KIND_USER_PROXY);
  g_assert_true (user->has_human_input);
  g_assert_cmpint (user->human_input, ==, DA_HUMAN_INPUT_NEVER);
  g_assert_null (da_team_config_get_agent (team, "nobody"));

  g_assert_cmpint (team->team_kind, ==, DA_TEAM_KIND_ROUND_ROBIN);
  g_assert_cmpint (team->max_round, ==, 10);
  g_assert_cmpint (team->max_turns, ==, 0);

  /* The runtime condition is built from the validated JSON. */
  cond = da_termination_new_from_json (team->termination, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da_termination_get_kind (cond), ==, DA_TERMINATION_ANY);
  g_assert_cmpuint (da_termination_get_children (cond)->len, ==, 2);
  g_assert_cmpint (da_termination_get_kind (g_ptr_array_index (da_termination_get_children (cond), 0)), ==,
                   DA_TERMINATION_TEXT_MENTION);
  g_assert_cmpint (da_termination_get_kind (g_ptr_array_index (da_termination_get_children (cond), 1)), ==,
                   DA_TERMINATION_MAX_MESSAGES);

  next = da_team_config_get_transitions (team, "planner");
  g_assert_nonnull (next);
  g_assert_cmpstr (next[0], ==, "critic");
  g_assert_null (next[1]);
  g_assert_null (da_team_config_get_transitions (team, "user"));
}

static void
test_team_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-full.json", &error);
  const DaAgentConfig *writer;
  const DaAgentConfig *reviewer;
  const DaAgentConfig *boss;
  g_autoptr(DaTermination) all = NULL;
  static const DaTerminationKind kinds[] = {
    DA_TERMINATION_ANY, DA_TERMINATION_TOKEN_USAGE, DA_TERMINATION_TOKEN_USAGE,
    DA_TERMINATION_TIMEOUT, DA_TERMINATION_TIMEOUT, DA_TERMINATION_SOURCE_MATCH,
    DA_TERMINATION_SOURCE_MATCH, DA_TERMINATION_HANDOFF, DA_TERMINATION_EXTERNAL,
  };

  g_assert_no_error (error);
  g_assert_cmpstr (team->description, ==, "Every key a team file knows.");

  writer = da_team_config_get_agent (team, "writer");
  g_assert_cmpstr (writer->default_auto_reply, ==, "");
  g_assert_cmpint (writer->human_input, ==, DA_HUMAN_INPUT_NEVER);
  g_assert_cmpint (writer->max_consecutive_auto_reply, ==, 5);
  g_assert_cmpint (writer->context_max_tokens, ==, 4000);
  g_assert_cmpint (writer->termination_mode, ==, DA_TERMINATION_MODE_REGEX);
  g_assert_cmpstr (writer->termination_pattern, ==, "^(DONE|TERMINATE)\\b");
  g_assert_cmpstr (writer->provider->kind, ==, "ollama");
  g_assert_cmpstr (writer->provider->base_url, ==, "https://models.example.org:8443/api");
  g_assert_cmpfloat (writer->provider->temperature, ==, 0.2);
  g_assert_cmpint (writer->provider->max_tokens, ==, 512);
  g_assert_cmpuint (writer->provider->timeout, ==, 120);
  g_assert_cmpint (writer->provider->max_retries, ==, 0);
  g_assert_cmpuint (g_strv_length (writer->tools), ==, 2);

  reviewer = da_team_config_get_agent (team, "reviewer");
  g_assert_cmpint (reviewer->human_input, ==, DA_HUMAN_INPUT_TERMINATE);
  g_assert_cmpint (reviewer->termination_mode, ==, DA_TERMINATION_MODE_CONTAINS);
  g_assert_cmpstr (reviewer->termination_pattern, ==, "TERMINATE");
  g_assert_cmpstr (reviewer->provider->kind, ==, "anthropic");
  g_assert_cmpfloat (reviewer->provider->temperature, ==, 1.0);
  g_assert_null (reviewer->provider->base_url);

  boss = da_team_config_get_agent (team, "boss");
  g_assert_cmpint (boss->human_input, ==, DA_HUMAN_INPUT_ALWAYS);
  g_assert_cmpint (boss->termination_mode, ==, DA_TERMINATION_MODE_EXACT);
  g_assert_cmpstr (boss->termination_pattern, ==, "STOP");
  g_assert_cmpstr (da_team_config_get_agent (team, "gem")->provider->kind, ==, "gemini");

  g_assert_cmpint (team->team_kind, ==, DA_TEAM_KIND_GRAPH);
  g_assert_cmpint (team->max_round, ==, 20);
  g_assert_cmpint (team->max_turns, ==, 4);
  g_assert_cmpuint (g_hash_table_size (team->transitions), ==, 4);
  g_assert_cmpstr (da_team_config_get_transitions (team, "boss")[1], ==, "gem");

  all = da_termination_new_from_json (team->termination, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da_termination_get_kind (all), ==, DA_TERMINATION_ALL);
  g_assert_cmpuint (da_termination_get_children (all)->len, ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_assert_cmpint (da_termination_get_kind (g_ptr_array_index (da_termination_get_children (all), i)), ==,
                     kinds[i]);
  g_assert_cmpuint (da_termination_get_children (g_ptr_array_index (da_termination_get_children (all), 0))->len,
                    ==, 3);

  g_assert_cmpstr (da_team_kind_to_string (team->team_kind), ==, "graph");
  g_assert_cmpstr (da_agent_kind_to_string (boss->kind), ==, "user_proxy");
}

static void
test_team_unicode_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-unicode-names.json", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (team->name, ==, "équipe");
  g_assert_cmpint (team->team_kind, ==, DA_TEAM_KIND_SELECTOR);
  g_assert_cmpstr (da_team_config_get_transitions (team, "Reise Planer")[0], ==, "ユーザー");
}

static void
test_team_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-direct-minimal.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (team->team_kind, ==, DA_TEAM_KIND_DIRECT);
  g_assert_null (team->termination);
  g_assert_null (team->transitions);
  g_assert_cmpint (team->max_round, ==, 0);
}

typedef struct
{
  const char *file;
  const char *message;   /* a trailing '*' matches any rest */
} Expected;

static const Expected expected_errors[] = {
  { "invalid-agent-kind.json",
    "$.agents[0].kind: unknown agent kind \"robot\" (expected assistant, user_proxy or conversable)" },
  { "invalid-agent-missing-kind.json",
    "$.agents[1]: missing key \"kind\"" },
  { "invalid-agent-name-control.json",
    "$.agents[0].name: an agent name has no control characters" },
  { "invalid-agent-name-empty.json",
    "$.agents[0].name: an agent name has 1 to 64 characters" },
  { "invalid-agent-name-long.json",
    "$.agents[0].name: an agent name has 1 to 64 characters" },
  { "invalid-agent-name-type.json",
    "$.agents[0].name: expected a string, got an integer" },
  { "invalid-agent-not-object.json",
    "$.agents[1]: expected an object, got a string" },
  { "invalid-agent-unknown-key.json",
    "$.agents[0]: unknown key \"temprature\" (expected name, kind, description, system_message, default_auto_reply, human_input, max_consecutive_auto_reply, termination, context_max_tokens, provider, tools, permissions or handoffs)" },
  { "invalid-agents-not-array.json",
    "$.agents: expected an array of agents, got an object" },
  { "invalid-condition-any-empty.json",
    "$.team.termination.any: expected a non-empty array of conditions" },
  { "invalid-condition-any-type.json",
    "$.team.termination.any: expected a non-empty array of conditions" },
  { "invalid-condition-external.json",
    "$.team.termination.external: expected true" },
  { "invalid-condition-handoff-type.json",
    "$.team.termination.handoff: expected the name handed over to" },
  { "invalid-condition-max-messages-type.json",
    "$.team.termination.max_messages: expected a positive message count" },
  { "invalid-condition-nested.json",
    "$.team.termination.any[1].all[0].max_messages: expected a positive message count" },
  { "invalid-condition-no-key.json",
    "$.team.termination: no condition given" },
  { "invalid-condition-source-match.json",
    "$.team.termination.source_match[0]: unknown agent \"ghost\"" },
  { "invalid-condition-sources-agent.json",
    "$.team.termination.any[1].sources[0]: unknown agent \"ghost\"" },
  { "invalid-condition-text-mention-empty.json",
    "$.team.termination.text_mention: expected a non-empty text" },
  { "invalid-condition-text-mention-sources.json",
    "$.team.termination.sources: element 1 must be a non-empty string" },
  { "invalid-condition-timeout.json",
    "$.team.termination.timeout: expected a number of seconds, more than 0 and at most a year" },
  { "invalid-condition-token-usage-key.json",
    "$.team.termination.token_usage: unknown key \"max_tokens\" (expected max_total_tokens, max_prompt_tokens or max_completion_tokens)" },
  { "invalid-condition-token-usage.json",
    "$.team.termination.token_usage: needs max_total_tokens, max_prompt_tokens or max_completion_tokens" },
  { "invalid-condition-two-keys.json",
    "$.team.termination: one condition per object (\"max_messages\" and \"text_mention\"); combine them with \"all\" or \"any\"" },
  { "invalid-condition-unknown.json",
    "$.team.termination: unknown condition \"max_words\"" },
  { "invalid-context-max-tokens.json",
    "$.agents[0].context_max_tokens: must be at least 0, got -100" },
  { "invalid-duplicate-agent.json",
    "$.agents[2].name: duplicate agent name \"planner\"" },
  { "invalid-empty.json",
    "$: empty document" },
  { "invalid-graph-without-transitions.json",
    "$.team: a graph team needs \"transitions\"" },
  { "invalid-human-input.json",
    "$.agents[1].human_input: unknown human input mode \"sometimes\" (expected always, terminate or never)" },
  { "invalid-json-newline-in-token.json",
    "$: invalid JSON: 5:7: Parse error: unexpected string constant \"a  },\\u000a    {\\u000a      \", expected character `:'" },
  { "invalid-json-syntax.json",
    "$: invalid JSON: 1:26: Parse error: unexpected character `}', expected character `]'" },
  { "invalid-max-consecutive-float.json",
    "$.agents[0].max_consecutive_auto_reply: expected an integer, got a number" },
  { "invalid-max-consecutive-negative.json",
    "$.agents[0].max_consecutive_auto_reply: must be between 0 and 4294967295, got -1" },
  { "invalid-missing-agents.json",
    "$: missing key \"agents\"" },
  { "invalid-missing-name.json",
    "$: missing key \"name\"" },
  { "invalid-name-type.json",
    "$.name: expected a string, got null" },
  { "invalid-one-agent.json",
    "$.agents: a team needs at least two agents, got 1" },
  { "invalid-permissions-type.json",
    "$.agents[0].permissions: expected an object, got an array" },
  { "invalid-provider-api-key-env.json",
    "$.agents[0].provider.api_key_env: \"MY-KEY\" is not an environment variable name" },
  { "invalid-provider-api-key.json",
    "$.agents[0].provider: unknown key \"api_key\" (keys never go in team files: store it in the keyring or name a variable with api_key_env)" },
  { "invalid-provider-base-url-relative.json",
    "$.agents[0].provider.base_url: \"/v1\" is not an http or https URL" },
  { "invalid-provider-base-url.json",
    "$.agents[0].provider.base_url: \"ftp://example.com/v1\" is not an http or https URL" },
  { "invalid-provider-kind.json",
    "$.agents[1].provider.kind: unknown provider kind \"foo\" (expected openai, anthropic, gemini or ollama)" },
  { "invalid-provider-max-retries.json",
    "$.agents[0].provider.max_retries: must be between 0 and 20, got 50" },
  { "invalid-provider-max-tokens-type.json",
    "$.agents[0].provider.max_tokens: expected an integer, got a string" },
  { "invalid-provider-missing-kind.json",
    "$.agents[0].provider: missing key \"kind\"" },
  { "invalid-provider-model-empty.json",
    "$.agents[0].provider.model: must not be empty" },
  { "invalid-provider-not-object.json",
    "$.agents[0].provider: expected an object, got a string" },
  { "invalid-provider-temperature.json",
    "$.agents[0].provider.temperature: must be between 0 and 2" },
  { "invalid-provider-timeout.json",
    "$.agents[0].provider.timeout: must be between 1 and 3600, got 0" },
  { "invalid-quoted-unknown-key.json",
    "$.agents[2]: unknown key \"we\\\"ird\\u000a\" (expected name, kind, description, system_message, default_auto_reply, human_input, max_consecutive_auto_reply, termination, context_max_tokens, provider, tools, permissions or handoffs)" },
  { "invalid-root-array.json",
    "$: expected an object, got an array" },
  { "invalid-system-message-type.json",
    "$.agents[0].system_message: expected a string, got an array" },
  { "invalid-handoffs-not-swarm.json",
    "$.agents[0].handoffs: only the agents of a swarm team hand over" },
  { "invalid-handoffs-unknown.json",
    "$.agents[0].handoffs[0]: unknown agent \"c\"" },
  { "invalid-handoffs-self.json",
    "$.agents[0].handoffs: an agent cannot hand over to itself" },
  { "invalid-handoffs-person-case.json",
    "$.agents[0].handoffs[0]: unknown agent \"User\"" },
  { "invalid-handoffs-empty.json",
    "$.agents[0].handoffs: must name at least one agent or \"user\"" },
  { "invalid-selector-on-round-robin.json",
    "$.team.selector: only a selector team has a \"selector\"" },
  { "invalid-selector-provider.json",
    "$.team.selector.provider.kind: unknown provider kind \"oracle\" (expected openai, anthropic, gemini or ollama)" },
  { "invalid-allow-repeat-type.json",
    "$.team.allow_repeat_speaker: expected true or false, got a string" },
  { "invalid-team-kind.json",
    "$.team.kind: unknown team kind \"democracy\" (expected direct, round_robin, random, manual, selector, swarm or graph)" },
  { "invalid-team-max-round.json",
    "$.team.max_round: must be between 1 and 2147483647, got 0" },
  { "invalid-team-max-turns-type.json",
    "$.team.max_turns: expected an integer, got a string" },
  { "invalid-team-missing-kind.json",
    "$.team: missing key \"kind\"" },
  { "invalid-team-not-object.json",
    "$.team: expected an object, got a string" },
  { "invalid-team-unknown-key.json",
    "$.team: unknown key \"max_rounds\" (expected kind, max_round, max_turns, termination, transitions, allow_repeat_speaker or selector)" },
  { "invalid-termination-empty-pattern.json",
    "$.agents[0].termination.pattern: must not be empty" },
  { "invalid-termination-mode.json",
    "$.agents[0].termination.mode: unknown termination mode \"fuzzy\" (expected exact, contains or regex)" },
  { "invalid-termination-regex.json",
    "$.agents[0].termination.pattern: invalid regex: *" },
  { "invalid-termination-unknown-key.json",
    "$.agents[0].termination: unknown key \"text\" (expected mode or pattern)" },
  { "invalid-too-deep.json",
    "$: nested deeper than 64 levels" },
  { "invalid-tools-duplicate.json",
    "$.agents[0].tools[1]: duplicate tool \"read_file\"" },
  { "invalid-tools-item-type.json",
    "$.agents[0].tools[1]: expected a tool name, got an object" },
  { "invalid-tools-type.json",
    "$.agents[0].tools: expected an array of tool names, got a string" },
  { "invalid-transition-from.json",
    "$.team.transitions.ghost: unknown agent \"ghost\"" },
  { "invalid-transition-key-quoted.json",
    "$.team.transitions[\"two words\"]: unknown agent \"two words\"" },
  { "invalid-transition-to-empty.json",
    "$.team.transitions.planner: must name at least one agent" },
  { "invalid-transition-to-type.json",
    "$.team.transitions.planner: expected an array of agent names, got a string" },
  { "invalid-transition-to.json",
    "$.team.transitions.planner[1]: unknown agent \"ghost\"" },
  { "invalid-transitions-type.json",
    "$.team.transitions: expected an object, got an array" },
  { "invalid-unknown-top-key.json",
    "$: unknown key \"agent\" (expected name, description, agents or team)" },
  { "invalid-utf8.json",
    "$: not valid UTF-8 text" },
};

static void
test_team_selector (void)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "agents", "valid-selector.json", NULL);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  config = _da_team_config_parse (contents, len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_SELECTOR);
  g_assert_true (config->has_allow_repeat_speaker);
  g_assert_false (config->allow_repeat_speaker);
  g_assert_nonnull (config->selector_provider);
  g_assert_cmpstr (config->selector_provider->model, ==, "llama3.2");
  g_assert_cmpstr (config->selector_prompt, ==, "Pick who speaks next from {participants}.");
  g_assert_cmpint (config->selector_max_attempts, ==, 3);
}

/* A swarm agent is offered one transfer_to_NAME tool per handoff. */
static void
test_team_handoffs (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "agents", "valid-swarm-handoffs.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = da_team_config_new_from_file (path, &error);
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaRequest) request = NULL;
  JsonArray *tools;
  const char * const *handoffs;

  g_assert_no_error (error);
  agents = da_team_config_create_agents (config, NULL, NULL, &error);
  g_assert_no_error (error);

  handoffs = da_conversable_agent_get_handoffs (g_ptr_array_index (agents, 0));
  g_assert_nonnull (handoffs);
  g_assert_cmpstr (handoffs[0], ==, "billing");
  g_assert_cmpstr (handoffs[1], ==, "user");
  g_assert_null (da_conversable_agent_get_handoffs (g_ptr_array_index (agents, 2)));

  g_ptr_array_add (history, da_message_new (DA_ROLE_USER, "user", "My bill is wrong."));
  request = da_conversable_agent_build_request (g_ptr_array_index (agents, 0), history);
  g_assert_nonnull (request->tools);
  tools = json_node_get_array (request->tools);
  g_assert_cmpuint (json_array_get_length (tools), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_array_get_object_element (tools, 0), "function"),
                     "name"), ==, "transfer_to_billing");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_array_get_object_element (tools, 1), "function"),
                     "name"), ==, "transfer_to_user");
}

/* "user" in handoffs is the person when no agent has that name. */
static void
test_team_handoffs_person (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "agents", "valid-swarm-person.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = da_team_config_new_from_file (path, &error);
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaGroupChat) chat = NULL;
  const char * const *handoffs;

  g_assert_no_error (error);
  g_assert_null (da_team_config_get_agent (config, "user"));
  g_assert_cmpstr (da_team_config_get_agent (config, "triage")->handoffs[1], ==, "user");
  agents = da_team_config_create_agents (config, NULL, NULL, &error);
  g_assert_no_error (error);
  handoffs = da_conversable_agent_get_handoffs (g_ptr_array_index (agents, 1));
  g_assert_cmpstr (handoffs[0], ==, "triage");
  g_assert_cmpstr (handoffs[1], ==, "user");
  chat = da_group_chat_new_from_config (config, agents, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da_group_chat_get_selection (chat), ==, DA_SPEAKER_SELECTION_SWARM);
  g_assert_null (da_group_chat_find_participant (chat, "user"));
}

static void
test_team_invalid (void)
{
  g_autofree char *dir_path = fixture_path (".");
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir);

  for (guint i = 0; i < G_N_ELEMENTS (expected_errors); i++)
    {
      const Expected *e = &expected_errors[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(DaTeamConfig) team = load_fixture (e->file, &error);
      gsize n = strlen (e->message);

      g_test_message ("%s", e->file);
      g_assert_null (team);
      g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
      g_assert_true (g_str_has_prefix (error->message, "$"));
      g_assert_null (strchr (error->message, '\n'));
      if (e->message[n - 1] == '*')
        g_assert_cmpint (strncmp (error->message, e->message, n - 1), ==, 0);
      else
        g_assert_cmpstr (error->message, ==, e->message);
    }

  /* Every invalid fixture has its expected message above. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean listed = FALSE;

      if (!g_str_has_prefix (name, "invalid-"))
        continue;
      n_files++;
      for (guint i = 0; i < G_N_ELEMENTS (expected_errors); i++)
        listed |= g_str_equal (expected_errors[i].file, name);
      if (!listed)
        g_error ("%s has no expected message", name);
    }
  g_assert_cmpuint (n_files, ==, G_N_ELEMENTS (expected_errors));
}

static void
test_team_buffer_edges (void)
{
  static const char design_head[] = "{\"name\": \"t\", \"agents\": [{\"name\": \"a\", \"kind\": \"assistant\"}, "
                                    "{\"name\": \"b\", \"kind\": \"assistant\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = NULL;
  g_autofree char *huge = NULL;

  /* Not nul-terminated: only len bytes count. */
  team = _da_team_config_parse (design_head, sizeof design_head - 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&team, da_team_config_unref);
  team = da_team_config_new_from_data (design_head, -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&team, da_team_config_unref);

  team = _da_team_config_parse (design_head, 10, &error);
  g_assert_null (team);
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
  g_assert_true (g_str_has_prefix (error->message, "$: invalid JSON: "));
  g_clear_error (&error);

  /* An embedded nul is not text. */
  team = _da_team_config_parse ("{\"name\": \"a\0b\"}", 15, &error);
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
  g_assert_cmpstr (error->message, ==, "$: not valid UTF-8 text");
  g_clear_error (&error);

  huge = g_strnfill (DA_TEAM_CONFIG_MAX_SIZE + 1, ' ');
  team = _da_team_config_parse (huge, -1, &error);
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
  g_assert_cmpstr (error->message, ==, "$: a team file is at most 1048576 bytes");
  g_clear_error (&error);

  team = _da_team_config_parse ("   ", 3, &error);
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
  g_assert_cmpstr (error->message, ==, "$: empty document");
}

static void
test_team_from_file (void)
{
  g_autofree char *path = fixture_path ("valid-design-example.json");
  g_autoptr(DaTeamConfig) team = NULL;
  g_autoptr(GError) error = NULL;

  team = da_team_config_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (team->name, ==, "travel");

  g_assert_null (da_team_config_new_from_file ("/nonexistent/team.json", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static void
test_team_load_async (void)
{
  g_autofree char *path = fixture_path ("valid-full.json");
  g_autofree char *bad_path = fixture_path ("invalid-provider-kind.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DaTeamConfig) team = NULL;
  g_autoptr(GError) error = NULL;

  da_team_config_load_async (file, NULL, load_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  team = da_team_config_load_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (team->name, ==, "research");

  g_clear_object (&result);
  da_team_config_load_async (bad, NULL, load_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (da_team_config_load_finish (result, &error));
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM);
  g_assert_true (g_str_has_prefix (error->message, "$.agents[1].provider.kind: "));
}

typedef struct
{
  guint     calls;
  gboolean  fail;
} Resolver;

static DaProvider *
resolve_cb (const DaProviderConfig  *provider,
            const DaAgentConfig     *agent,
            gpointer                 user_data,
            GError                 **error)
{
  static const char * const chunks[] = { "Where ", "to?", NULL };
  Resolver *resolver = user_data;

  resolver->calls++;
  g_assert_cmpstr (agent->name, ==, "planner");
  g_assert_cmpstr (provider->kind, ==, "openai");

  if (resolver->fail)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no key for openai at %s", provider->base_url);
      return NULL;
    }

  return DA_PROVIDER (da_test_script_provider_new (chunks, 1, -1));
}

static void
test_team_create_agents (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-design-example.json", &error);
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaChat) chat = NULL;
  DaConversableAgent *planner;
  DaConversableAgent *critic;
  DaConversableAgent *user;
  DaAgent *initiator = NULL;
  DaAgent *recipient = NULL;
  Resolver resolver = { 0 };

  agents = da_team_config_create_agents (team, resolve_cb, &resolver, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 3);
  g_assert_cmpuint (resolver.calls, ==, 1);

  planner = g_ptr_array_index (agents, 0);
  critic = g_ptr_array_index (agents, 1);
  user = g_ptr_array_index (agents, 2);
  g_assert_true (DA_IS_ASSISTANT_AGENT (planner));
  g_assert_true (G_OBJECT_TYPE (critic) == DA_TYPE_CONVERSABLE_AGENT);
  g_assert_true (DA_IS_USER_PROXY_AGENT (user));

  g_assert_cmpstr (da_agent_get_name (DA_AGENT (planner)), ==, "planner");
  g_assert_cmpstr (da_agent_get_description (DA_AGENT (planner)), ==, "Plans trips.");
  g_assert_cmpstr (da_conversable_agent_get_system_message (planner), ==, "You plan trips.");
  g_assert_cmpstr (da_conversable_agent_get_model (planner), ==, "llama3.2");
  g_assert_true (DA_IS_TEST_SCRIPT_PROVIDER (da_conversable_agent_get_provider (planner)));
  g_assert_cmpstr (da_conversable_agent_get_default_auto_reply (critic), ==, "Looks good. TERMINATE");
  g_assert_null (da_conversable_agent_get_provider (critic));
  g_assert_cmpint (da_conversable_agent_get_human_input_mode (critic), ==, DA_HUMAN_INPUT_TERMINATE);
  g_assert_cmpint (da_conversable_agent_get_human_input_mode (user), ==, DA_HUMAN_INPUT_NEVER);

  /* A direct chat: the user proxy opens, the first other agent answers. */
  g_assert_true (da_team_pick_direct_pair (agents, &initiator, &recipient, &error));
  g_assert_true (initiator == DA_AGENT (user));
  g_assert_true (recipient == DA_AGENT (planner));

  chat = da_chat_new (initiator, recipient);
  da_chat_set_max_turns (chat, 1);
  g_assert_true (da_test_run_chat (chat, "A week in Lisbon.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (da_chat_get_messages (chat), 1)), ==,
                   "Where to?");
}

static void
test_team_create_agents_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = load_fixture ("valid-design-example.json", &error);
  Resolver resolver = { 0, TRUE };

  g_assert_null (da_team_config_create_agents (team, NULL, NULL, &error));
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_PROVIDER_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "$.agents[0].provider: no provider resolver for kind openai");
  g_clear_error (&error);

  g_assert_null (da_team_config_create_agents (team, resolve_cb, &resolver, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "$.agents[0].provider: no key for openai at http://127.0.0.1:11434/v1");
}

static void
test_team_pick_direct_pair (void)
{
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  DaAgent *initiator = NULL;
  DaAgent *recipient = NULL;

  g_ptr_array_add (agents, da_assistant_agent_new ("a", NULL));
  g_assert_false (da_team_pick_direct_pair (agents, &initiator, &recipient, &error));
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_ARGUMENTS);
  g_clear_error (&error);

  /* Without a user proxy: the first agent opens. */
  g_ptr_array_add (agents, da_conversable_agent_new ("b"));
  g_assert_true (da_team_pick_direct_pair (agents, &initiator, &recipient, &error));
  g_assert_cmpstr (da_agent_get_name (initiator), ==, "a");
  g_assert_cmpstr (da_agent_get_name (recipient), ==, "b");

  g_ptr_array_add (agents, da_user_proxy_agent_new ("me"));
  g_assert_true (da_team_pick_direct_pair (agents, &initiator, &recipient, &error));
  g_assert_cmpstr (da_agent_get_name (initiator), ==, "me");
  g_assert_cmpstr (da_agent_get_name (recipient), ==, "a");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/team-config/design-example", test_team_design_example);
  g_test_add_func ("/team-config/full", test_team_full);
  g_test_add_func ("/team-config/unicode-names", test_team_unicode_names);
  g_test_add_func ("/team-config/minimal", test_team_minimal);
  g_test_add_func ("/team-config/selector", test_team_selector);
  g_test_add_func ("/team-config/handoffs", test_team_handoffs);
  g_test_add_func ("/team-config/handoffs-person", test_team_handoffs_person);
  g_test_add_func ("/team-config/invalid", test_team_invalid);
  g_test_add_func ("/team-config/buffer-edges", test_team_buffer_edges);
  g_test_add_func ("/team-config/from-file", test_team_from_file);
  g_test_add_func ("/team-config/load-async", test_team_load_async);
  g_test_add_func ("/team-config/create-agents", test_team_create_agents);
  g_test_add_func ("/team-config/create-agents-errors", test_team_create_agents_errors);
  g_test_add_func ("/team-config/pick-direct-pair", test_team_pick_direct_pair);

  return g_test_run ();
}
