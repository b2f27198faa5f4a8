/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-agent-spec.h"

static void
test_round_trip (void)
{
  g_autoptr(DaAgentSpec) spec = da_agent_spec_new ("planner");
  g_autoptr(DaAgentSpec) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  spec->description = g_strdup ("Plans trips.");
  spec->system_message = g_strdup ("You plan trips.\nBe brief.");
  spec->provider_kind = g_strdup ("openai");
  spec->base_url = g_strdup ("http://127.0.0.1:11434/v1");
  spec->model = g_strdup ("llama3.2");
  spec->temperature = 0.5;
  spec->max_tokens = 512;

  json = da_agent_spec_to_json (spec);
  g_assert_null (strstr (json, "api_key"));
  back = da_agent_spec_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "planner");
  g_assert_cmpstr (back->description, ==, "Plans trips.");
  g_assert_cmpstr (back->system_message, ==, "You plan trips.\nBe brief.");
  g_assert_cmpstr (back->provider_kind, ==, "openai");
  g_assert_cmpstr (back->base_url, ==, "http://127.0.0.1:11434/v1");
  g_assert_cmpstr (back->model, ==, "llama3.2");
  g_assert_cmpfloat (back->temperature, ==, 0.5);
  g_assert_cmpint (back->max_tokens, ==, 512);
  g_assert_null (back->tools);
  g_assert_null (back->permissions);
}

static void
test_tools_and_permissions (void)
{
  g_autoptr(DaAgentSpec) spec = da_agent_spec_new ("reader");
  g_autoptr(DaAgentSpec) back = NULL;
  g_autoptr(DaAgentSpec) copy = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *permissions = NULL;

  spec->provider_kind = g_strdup ("openai");
  spec->tools = g_strsplit ("read_file,fetch_url", ",", -1);
  spec->permissions = json_from_string ("{\"isolation\":\"moderate\",\"net\":{\"allow\":[\"example.com\"]}}", NULL);

  json = da_agent_spec_to_json (spec);
  g_assert_nonnull (strstr (json, "\"tools\":[\"read_file\",\"fetch_url\"]"));
  back = da_agent_spec_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (back->tools, spec->tools);
  permissions = json_to_string (back->permissions, FALSE);
  g_assert_cmpstr (permissions, ==, "{\"isolation\":\"moderate\",\"net\":{\"allow\":[\"example.com\"]}}");

  copy = da_agent_spec_copy (back);
  g_assert_cmpstrv (copy->tools, spec->tools);
  g_assert_true (json_node_equal (copy->permissions, back->permissions));

  /* The object the security layer equips an agent from. */
  object = da_agent_spec_to_object (spec);
  g_assert_true (json_object_has_member (object, "tools"));
  g_assert_true (json_object_has_member (object, "permissions"));
}

static void
test_defaults (void)
{
  g_autoptr(DaAgentSpec) spec = da_agent_spec_new ("user");
  g_autoptr(DaAgentSpec) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  /* An agent named like the parser's helper proxy still reads back. */
  spec->provider_kind = g_strdup ("ollama");
  json = da_agent_spec_to_json (spec);
  back = da_agent_spec_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "user");
  g_assert_cmpfloat (back->temperature, <, 0);
  g_assert_cmpint (back->max_tokens, ==, 0);
  g_assert_null (back->model);
}

static void
test_rejects (void)
{
  static const char *bad[] = {
    "",
    "[]",
    "{\"kind\":\"assistant\"}",
    "{\"name\":\"a\",\"provider\":{\"kind\":\"openai\",\"api_key\":\"sk-secret\"}}",
    "{\"name\":\"a\",\"provider\":{\"kind\":\"nope\"}}",
    "{\"name\":\"a\",\"provider\":{\"kind\":\"openai\",\"temperature\":7}}",
    "{\"name\":\"a\"}],\"team\":{\"kind\":\"swarm\"},\"x\":[{\"name\":\"b\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaAgentSpec) spec = da_agent_spec_from_json (bad[i], &error);

      g_test_message ("%s → %s", bad[i], error ? error->message : "(accepted)");
      g_assert_null (spec);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "sk-secret"));
    }
}

static void
test_validate (void)
{
  const char *taken[] = { "Assistant", "Critic", NULL };
  double temperature;
  gint64 max_tokens;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL, *p5 = NULL, *p6 = NULL;

  p1 = da_agent_spec_validate ("  ", "", "", TRUE, taken, NULL, NULL);
  g_assert_cmpstr (p1, ==, "Give the agent a name.");

  p2 = da_agent_spec_validate ("Critic", "", "", TRUE, taken, NULL, NULL);
  g_assert_cmpstr (p2, ==, "Another agent already has this name.");

  p3 = da_agent_spec_validate ("Writer", "2.5", "0", FALSE, taken, NULL, NULL);
  g_assert_cmpstr (p3, ==, "Temperature must be a number from 0 to 2.\n"
                           "Max tokens must be a positive whole number.\n"
                           "Choose a provider (add one in Preferences first).");

  p4 = da_agent_spec_validate ("Writer", "warm", "12.5", TRUE, taken, NULL, NULL);
  g_assert_nonnull (strstr (p4, "Temperature"));
  g_assert_nonnull (strstr (p4, "Max tokens"));

  p5 = da_agent_spec_validate ("Writer", "-0.1", "-3", TRUE, taken, NULL, NULL);
  g_assert_nonnull (strstr (p5, "Temperature"));
  g_assert_nonnull (strstr (p5, "Max tokens"));

  p6 = da_agent_spec_validate (" Writer ", "1.25", " 800 ", TRUE, taken, &temperature, &max_tokens);
  g_assert_null (p6);
  g_assert_cmpfloat (temperature, ==, 1.25);
  g_assert_cmpint (max_tokens, ==, 800);

  g_assert_null (da_agent_spec_validate ("Writer", "", "", TRUE, NULL, &temperature, &max_tokens));
  g_assert_cmpfloat (temperature, <, 0);
  g_assert_cmpint (max_tokens, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/agent-spec/round-trip", test_round_trip);
  g_test_add_func ("/app/agent-spec/tools-and-permissions", test_tools_and_permissions);
  g_test_add_func ("/app/agent-spec/defaults", test_defaults);
  g_test_add_func ("/app/agent-spec/rejects", test_rejects);
  g_test_add_func ("/app/agent-spec/validate", test_validate);

  return g_test_run ();
}
