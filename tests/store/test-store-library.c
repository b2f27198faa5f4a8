/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Agent library, providers, audit log and grants. */
#include "config.h"

#include "da-store-all.h"
#include "store-test-util.h"

typedef struct
{
  char    *dir;
  char    *path;
  DaStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "history.sqlite3", NULL);
  fixture->store = da_store_new (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  store_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
test_agents (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  DaStoredAgent *agent;
  gint64 planner, critic;

  planner = da_store_save_agent (fixture->store, -1, "planner", "{\"kind\":\"assistant\"}", &error);
  g_assert_no_error (error);
  critic = da_store_save_agent (fixture->store, -1, "Critic", "{\"kind\":\"conversable\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (planner, >, 0);
  g_assert_cmpint (critic, >, planner);

  /* Names are unique. */
  g_assert_cmpint (da_store_save_agent (fixture->store, -1, "planner", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "An agent named planner already exists");
  g_clear_error (&error);
  g_assert_cmpint (da_store_save_agent (fixture->store, critic, "planner", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The configuration is a JSON object. */
  g_assert_cmpint (da_store_save_agent (fixture->store, -1, "x", "[1,2]", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (da_store_save_agent (fixture->store, -1, "x", "{nope", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (da_store_save_agent (fixture->store, -1, "", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Update by id. */
  g_assert_cmpint (da_store_save_agent (fixture->store, planner, "trip-planner", "{\"kind\":\"assistant\",\"v\":2}", &error), ==, planner);
  g_assert_no_error (error);
  g_assert_cmpint (da_store_save_agent (fixture->store, 999, "ghost", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  agents = da_store_list_agents (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 2);
  agent = g_ptr_array_index (agents, 0);
  g_assert_cmpstr (agent->name, ==, "Critic");
  agent = g_ptr_array_index (agents, 1);
  g_assert_cmpint (agent->id, ==, planner);
  g_assert_cmpstr (agent->name, ==, "trip-planner");
  g_assert_cmpstr (agent->config_json, ==, "{\"kind\":\"assistant\",\"v\":2}");
  g_assert_cmpint (agent->updated_at, >=, agent->created_at);
  g_clear_pointer (&agents, g_ptr_array_unref);

  g_assert_true (da_store_delete_agent (fixture->store, critic, &error));
  g_assert_false (da_store_delete_agent (fixture->store, critic, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  agents = da_store_list_agents (fixture->store, &error);
  g_assert_cmpuint (agents->len, ==, 1);
}

static void
test_providers (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  DaStoredProvider *provider;
  gint64 local, cloud;

  local = da_store_save_provider (fixture->store, -1, "ollama", "http://127.0.0.1:11434",
                                  "llama3.2", "Local", &error);
  g_assert_no_error (error);
  cloud = da_store_save_provider (fixture->store, -1, "openai", "https://api.example.invalid/v1",
                                  NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (da_store_save_provider (fixture->store, -1, "ollama", "http://127.0.0.1:11434",
                                           "other", NULL, &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* Same URL, other kind: a different provider. */
  g_assert_cmpint (da_store_save_provider (fixture->store, -1, "openai", "http://127.0.0.1:11434",
                                           NULL, NULL, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (da_store_save_provider (fixture->store, cloud, "openai", "https://api.example.invalid/v1",
                                           "gpt-test", "Cloud", &error), ==, cloud);
  g_assert_no_error (error);

  providers = da_store_list_providers (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (providers->len, ==, 3);
  provider = g_ptr_array_index (providers, 0);
  g_assert_cmpint (provider->id, ==, local);
  g_assert_cmpstr (provider->default_model, ==, "llama3.2");
  g_assert_cmpstr (provider->label, ==, "Local");
  provider = g_ptr_array_index (providers, 2);
  g_assert_cmpint (provider->id, ==, cloud);
  g_assert_cmpstr (provider->default_model, ==, "gpt-test");
  g_clear_pointer (&providers, g_ptr_array_unref);

  g_assert_true (da_store_delete_provider (fixture->store, local, &error));
  g_assert_false (da_store_delete_provider (fixture->store, local, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* There is no column a key could go in. */
  {
    sqlite3 *raw = store_test_open_raw (fixture->path, TRUE);

    g_assert_cmpint (store_test_query_int (raw,
      "SELECT count(*) FROM pragma_table_info ('providers') WHERE name LIKE '%key%' OR name LIKE '%secret%' OR name LIKE '%token%'"),
      ==, 0);
    sqlite3_close (raw);
  }
}

static void
test_audit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  DaAuditEntry *entry;
  gint64 conversation;

  conversation = da_store_create_conversation (fixture->store, "c", NULL, &error);
  g_assert_cmpint (da_store_append_audit (fixture->store, "planner", "read_file", "read", "/home/u/Trips",
                                          "allow", "granted up front", conversation, &error), >, 0);
  g_assert_cmpint (da_store_append_audit (fixture->store, "planner", "fetch", "net", "example.org:443",
                                          "deny", NULL, -1, &error), >, 0);
  g_assert_cmpint (da_store_append_audit (fixture->store, "critic", "run", "run", "rm",
                                          "deny", "policy denies run", conversation, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (da_store_append_audit (fixture->store, "a", "t", "read", "x", "allow", NULL, 777, &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (da_store_append_audit (fixture->store, "a", "t", NULL, "x", "allow", NULL, -1, &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  entries = da_store_list_audit (fixture->store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->agent, ==, "critic");
  g_assert_cmpstr (entry->reason, ==, "policy denies run");
  g_assert_cmpint (entry->conversation_id, ==, conversation);
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->kind, ==, "net");
  g_assert_cmpstr (entry->target, ==, "example.org:443");
  g_assert_null (entry->reason);
  g_assert_cmpint (entry->conversation_id, ==, -1);
  g_assert_cmpint (entry->time, >, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries = da_store_list_audit (fixture->store, 0, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* The log outlives the conversation it was about. */
  g_assert_true (da_store_delete_conversation (fixture->store, conversation, &error));
  entries = da_store_list_audit (fixture->store, 0, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpint (((DaAuditEntry *)g_ptr_array_index (entries, 0))->conversation_id, ==, -1);
}

static void
test_grants (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(DaGrant) copy = NULL;
  gint64 a, b, c;

  a = da_store_add_grant (fixture->store, "planner", "read", "/home/u/Trips", NULL, &error);
  b = da_store_add_grant (fixture->store, "planner", "run", "/usr/bin/python3",
                          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", &error);
  c = da_store_add_grant (fixture->store, "critic", "net", "example.org", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, <, b);
  g_assert_cmpint (b, <, c);

  g_assert_cmpint (da_store_add_grant (fixture->store, "planner", "read", "", NULL, &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  grants = da_store_list_grants (fixture->store, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 2);
  g_assert_null (((DaGrant *)g_ptr_array_index (grants, 0))->sha256);
  copy = da_grant_copy (g_ptr_array_index (grants, 1));
  g_assert_cmpstr (copy->kind, ==, "run");
  g_assert_cmpuint (strlen (copy->sha256), ==, 64);
  g_clear_pointer (&grants, g_ptr_array_unref);

  grants = da_store_list_grants (fixture->store, NULL, &error);
  g_assert_cmpuint (grants->len, ==, 3);
  g_clear_pointer (&grants, g_ptr_array_unref);

  g_assert_true (da_store_delete_grant (fixture->store, b, &error));
  g_assert_false (da_store_delete_grant (fixture->store, b, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  grants = da_store_list_grants (fixture->store, "planner", &error);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpint (((DaGrant *)g_ptr_array_index (grants, 0))->id, ==, a);
  g_assert_null (((DaGrant *)g_ptr_array_index (grants, 0))->detail);
  g_assert_null (((DaGrant *)g_ptr_array_index (grants, 0))->detail_sha256);
}

/* A grant bound to one input of a program keeps the input's text and
 * digest. */
static void
test_grant_detail (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(DaGrant) copy = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "ls -la", -1);
  gint64 id;

  id = da_store_add_grant_full (fixture->store, "planner", "run", "sh",
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                "ls -la", digest, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  grants = da_store_list_grants (fixture->store, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  copy = da_grant_copy (g_ptr_array_index (grants, 0));
  g_assert_cmpstr (copy->target, ==, "sh");
  g_assert_cmpstr (copy->detail, ==, "ls -la");
  g_assert_cmpstr (copy->detail_sha256, ==, digest);
}

static guint
n_grants (DaStore    *store,
          const char *agent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = da_store_list_grants (store, agent, &error);

  g_assert_no_error (error);
  return grants->len;
}

/* "Always" grants are keyed by agent name: they follow a rename and go
 * with a deletion, so an agent later given the old name starts with none. */
static void
test_agent_grants (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) other = NULL;
  gint64 planner, critic, again;

  planner = da_store_save_agent (fixture->store, -1, "planner", "{}", &error);
  critic = da_store_save_agent (fixture->store, -1, "critic", "{}", &error);
  g_assert_no_error (error);
  da_store_add_grant (fixture->store, "planner", "read", "/home/u/Trips", NULL, &error);
  da_store_add_grant (fixture->store, "planner", "net", "example.org", NULL, &error);
  da_store_add_grant (fixture->store, "critic", "net", "example.com", NULL, &error);
  g_assert_no_error (error);

  /* Saving without a new name leaves the grants where they are. */
  g_assert_cmpint (da_store_save_agent (fixture->store, planner, "planner", "{\"v\":2}", &error), ==, planner);
  g_assert_no_error (error);
  g_assert_cmpuint (n_grants (fixture->store, "planner"), ==, 2);

  g_assert_cmpint (da_store_save_agent (fixture->store, planner, "trip-planner", "{}", &error), ==, planner);
  g_assert_no_error (error);
  g_assert_cmpuint (n_grants (fixture->store, "planner"), ==, 0);
  g_assert_cmpuint (n_grants (fixture->store, "trip-planner"), ==, 2);
  g_assert_cmpuint (n_grants (fixture->store, "critic"), ==, 1);

  /* A rename that fails moves nothing. */
  g_assert_cmpint (da_store_save_agent (fixture->store, planner, "critic", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n_grants (fixture->store, "trip-planner"), ==, 2);
  g_assert_cmpuint (n_grants (fixture->store, "critic"), ==, 1);
  g_assert_cmpint (da_store_save_agent (fixture->store, 999, "ghost", "{}", &error), ==, -1);
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A new agent under the old name inherits nothing. */
  again = da_store_save_agent (fixture->store, -1, "planner", "{}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, >, critic);
  g_assert_cmpuint (n_grants (fixture->store, "planner"), ==, 0);

  /* Deleting an agent deletes its grants, and only its own. */
  g_assert_true (da_store_delete_agent (fixture->store, planner, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_grants (fixture->store, "trip-planner"), ==, 0);
  g_assert_cmpuint (n_grants (fixture->store, "critic"), ==, 1);
  g_assert_false (da_store_delete_agent (fixture->store, planner, &error));
  g_assert_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* What a second connection to the file sees. */
  other = da_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_grants (other, NULL), ==, 1);
  g_assert_cmpuint (n_grants (other, "critic"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("library/agents", test_agents);
  ADD ("library/providers", test_providers);
  ADD ("library/audit", test_audit);
  ADD ("library/grants", test_grants);
  ADD ("library/grant-detail", test_grant_detail);
  ADD ("library/agent-grants", test_agent_grants);

#undef ADD

  return g_test_run ();
}
