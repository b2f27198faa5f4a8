/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The editable form of an agent's permissions: the host-rule diagnosis an
 * editor explains with, the draft's round trip through the file format,
 * and what the loaded result decides. */
#include "config.h"

#include <glib/gstdio.h>

#include "da-permission-broker.h"
#include "da-permissions-draft.h"
#include "da-security-error.h"
#include "da-sandbox-policy-private.h"

static void
test_net_diagnose (void)
{
  static const struct { const char *rule; DaNetRuleProblem problem; } cases[] = {
    { "example.com", DA_NET_RULE_PROBLEM_NONE },
    { "api.example.com:443", DA_NET_RULE_PROBLEM_NONE },
    { "*.example.com", DA_NET_RULE_PROBLEM_NONE },
    { "*.example.com:8080", DA_NET_RULE_PROBLEM_NONE },
    { "10.0.0.0/8", DA_NET_RULE_PROBLEM_NONE },
    { "[::1]:8080", DA_NET_RULE_PROBLEM_NONE },
    { "::1", DA_NET_RULE_PROBLEM_NONE },
    { "127.0.0.1", DA_NET_RULE_PROBLEM_NONE },
    { "", DA_NET_RULE_PROBLEM_EMPTY },
    { "https://example.com", DA_NET_RULE_PROBLEM_SCHEME },
    { "example.com/api", DA_NET_RULE_PROBLEM_PATH },
    { "exa mple.com", DA_NET_RULE_PROBLEM_SPACE },
    { "example.com:http", DA_NET_RULE_PROBLEM_PORT },
    { "example.com:70000", DA_NET_RULE_PROBLEM_PORT },
    { "example.com:", DA_NET_RULE_PROBLEM_PORT },
    { "[::1]:0", DA_NET_RULE_PROBLEM_PORT },
    { "*example.com", DA_NET_RULE_PROBLEM_WILDCARD },
    { "api.*.com", DA_NET_RULE_PROBLEM_WILDCARD },
    { "*.10.0.0.1", DA_NET_RULE_PROBLEM_WILDCARD },
    { "10.0.0.0/33", DA_NET_RULE_PROBLEM_CIDR },
    { "10.0.0.0/x", DA_NET_RULE_PROBLEM_CIDR },
    { "300.1.2.3", DA_NET_RULE_PROBLEM_ADDRESS },
    { "[::g]", DA_NET_RULE_PROBLEM_ADDRESS },
    { "exa$mple.com", DA_NET_RULE_PROBLEM_NAME },
    { "example..com", DA_NET_RULE_PROBLEM_NAME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].rule);
      g_assert_cmpint (da_permission_net_rule_diagnose (cases[i].rule), ==, cases[i].problem);
      /* The diagnosis agrees with the loader about what is valid (an
       * empty rule there means every host). */
      if (cases[i].rule[0] != '\0')
        g_assert_cmpint (da_permission_rule_validate (DA_PERMISSION_NET, FALSE, cases[i].rule, "/", NULL), ==,
                         (cases[i].problem == DA_NET_RULE_PROBLEM_NONE));
    }
}

static void
test_quota_defaults (void)
{
  /* The editor shows the defaults the sandbox helper really applies. */
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_MEMORY_MB), ==, DA_SANDBOX_DEFAULT_MEMORY_MB);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_CPU_SECONDS), ==, DA_SANDBOX_DEFAULT_CPU_SECONDS);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_WALL_SECONDS), ==, DA_SANDBOX_DEFAULT_WALL_SECONDS);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_MAX_PROCESSES), ==, DA_SANDBOX_DEFAULT_MAX_PROCESSES);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_MAX_FILE_MB), ==, DA_SANDBOX_DEFAULT_MAX_FILE_MB);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_MAX_OUTPUT_KB), ==, DA_SANDBOX_DEFAULT_MAX_OUTPUT_KB);
  g_assert_cmpuint (da_permission_quota_get_default (DA_QUOTA_NET_MAX_CONNECTIONS), ==, DA_SANDBOX_DEFAULT_MAX_CONNECTIONS);
  g_assert_cmpstr (da_permission_quota_to_string (DA_QUOTA_MAX_OUTPUT_KB), ==, "max_output_kb");
}

static char *
node_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("da-draft-XXXXXX", NULL);
  g_autofree char *docs = g_build_filename (dir, "docs", NULL);
  g_autoptr(DaPermissionsDraft) draft = da_permissions_draft_new (dir);
  g_autoptr(DaPermissionsDraft) back = da_permissions_draft_new (dir);
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sh = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *input_text = NULL;
  const char * const *items;

  g_assert_cmpint (g_mkdir (docs, 0700), ==, 0);
  /* Members the editor does not show survive it. */
  input = json_from_string ("{\"isolation\": \"moderate\","
                            " \"fs\": {\"read\": [\"docs\"], \"temp\": true},"
                            " \"net\": {\"allow\": [\"example.com\"], \"max_connections\": 4},"
                            " \"env\": {\"allow\": [\"LANG\"], \"set\": {\"MODE\": \"test\"}},"
                            " \"resources\": {\"memory_mb\": 256},"
                            " \"deny\": {\"read\": [\"docs/secret\"], \"net\": [\"ads.example.com\"]},"
                            " \"cwd\": \"docs\"}", &error);
  g_assert_no_error (error);
  input_text = node_to_string (input);
  g_assert_true (da_permissions_draft_load_json (draft, input, &error));
  g_assert_no_error (error);
  /* The caller's node is left as it was. */
  text = node_to_string (input);
  g_assert_cmpstr (text, ==, input_text);
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (da_permissions_draft_get_isolation (draft), ==, DA_ISOLATION_MODERATE);
  items = da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_READ);
  g_assert_cmpstr (items[0], ==, "docs");
  g_assert_null (items[1]);
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_NET_DENY)[0], ==, "ads.example.com");
  g_assert_cmpuint (da_permissions_draft_get_quota (draft, DA_QUOTA_MEMORY_MB), ==, 256);
  g_assert_cmpuint (da_permissions_draft_get_quota (draft, DA_QUOTA_NET_MAX_CONNECTIONS), ==, 4);
  g_assert_cmpuint (da_permissions_draft_get_quota (draft, DA_QUOTA_CPU_SECONDS), ==, 60);

  /* Edits are checked by the rule parser. */
  g_assert_false (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW, "https://x.org", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);
  g_clear_error (&error);
  g_assert_false (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_ENV, "LD_PRELOAD", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE);
  g_clear_error (&error);
  g_assert_false (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW, " example.com ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_RUN, "/nonexistent/tool", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW, "*.example.org:443", &error));
  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_ENV, "MY_APP_*", &error));
  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_RUN, "sh", &error));
  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_WRITE, docs, &error));
  g_assert_no_error (error);
  g_assert_true (da_permissions_draft_remove (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW, "example.com"));
  g_assert_false (da_permissions_draft_remove (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW, "example.com"));
  da_permissions_draft_set_isolation (draft, DA_ISOLATION_MINIMAL);
  da_permissions_draft_set_quota (draft, DA_QUOTA_CPU_SECONDS, 5);
  da_permissions_draft_set_quota (draft, DA_QUOTA_MEMORY_MB, 1024);  /* the default: unset */
  da_permissions_draft_set_quota (draft, DA_QUOTA_MAX_PROCESSES, G_MAXUINT64);

  output = da_permissions_draft_to_json (draft);
  text = node_to_string (output);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "\"isolation\":\"minimal\""));
  g_assert_nonnull (strstr (text, "\"temp\":true"));
  g_assert_nonnull (strstr (text, "\"MODE\":\"test\""));
  g_assert_nonnull (strstr (text, "\"docs/secret\""));
  g_assert_nonnull (strstr (text, "\"cwd\":\"docs\""));
  g_assert_nonnull (strstr (text, "\"allow\":[\"*.example.org:443\"]"));
  g_assert_nonnull (strstr (text, "\"max_connections\":4"));
  g_assert_nonnull (strstr (text, "\"cpu_seconds\":5"));
  g_assert_nonnull (strstr (text, "\"max_processes\":65536"));
  g_assert_null (strstr (text, "memory_mb"));

  /* What the edited permissions decide, loaded as an agent's would be. */
  {
    g_autoptr(DaPermissions) permissions = da_permissions_draft_build (draft, &error);
    g_autofree char *inside = g_build_filename (docs, "a.txt", NULL);

    g_assert_no_error (error);
    g_assert_cmpint (da_permissions_check (permissions, DA_PERMISSION_NET, "www.example.org:443", NULL), ==,
                     DA_PERMISSION_DECISION_ALLOW);
    g_assert_cmpint (da_permissions_check (permissions, DA_PERMISSION_NET, "example.com", NULL), ==,
                     DA_PERMISSION_DECISION_ASK);
    g_assert_cmpint (da_permissions_check (permissions, DA_PERMISSION_NET, "ads.example.com", NULL), ==,
                     DA_PERMISSION_DECISION_DENY);
    g_assert_cmpint (da_permissions_check (permissions, DA_PERMISSION_ENV, "MY_APP_TOKEN", NULL), ==,
                     DA_PERMISSION_DECISION_ALLOW);
    g_assert_cmpint (da_permissions_check (permissions, DA_PERMISSION_WRITE, inside, NULL), ==,
                     DA_PERMISSION_DECISION_ALLOW);
    g_assert_cmpint (da_permissions_get_isolation (permissions), ==, DA_ISOLATION_MINIMAL);
    g_assert_cmpuint (da_permissions_get_quota (permissions, DA_QUOTA_CPU_SECONDS), ==, 5);
  }

  /* The program is bound to its canonical path and content. */
  g_assert_true (da_permission_run_resolve ("sh", dir, &sh, &sha, &error));
  g_assert_no_error (error);
  g_assert_true (g_path_is_absolute (sh));
  g_assert_cmpuint (strlen (sha), ==, 64);
  {
    g_autofree char *contents = NULL;
    gsize len;
    g_autofree char *expected = NULL;

    g_assert_true (g_file_get_contents (sh, &contents, &len, NULL));
    expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
    g_assert_cmpstr (sha, ==, expected);
  }

  g_assert_true (da_permissions_draft_load_json (back, output, &error));
  g_assert_no_error (error);
  again = da_permissions_draft_to_json (back);
  g_clear_pointer (&text, g_free);
  text = node_to_string (again);
  {
    g_autofree char *first = node_to_string (output);

    g_assert_cmpstr (text, ==, first);
  }

  /* An invalid object leaves the draft as it was. */
  {
    g_autoptr(JsonNode) bad = json_from_string ("{\"net\": {\"allow\": [\"a b\"]}}", NULL);

    g_assert_false (da_permissions_draft_load_json (back, bad, &error));
    g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);
    g_clear_error (&error);
    g_assert_cmpint (da_permissions_draft_get_isolation (back), ==, DA_ISOLATION_MINIMAL);
  }

  g_rmdir (docs);
  g_rmdir (dir);
}

static void
test_home_and_all (void)
{
  g_autoptr(DaPermissionsDraft) draft = da_permissions_draft_new (NULL);
  g_autoptr(JsonNode) input = json_from_string ("{\"fs\": {\"read\": true}}", NULL);
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (da_permissions_draft_load_json (draft, input, &error));
  g_assert_true (da_permissions_draft_get_all (draft, DA_PERMISSIONS_DRAFT_READ));
  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_WRITE, g_get_home_dir (), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_WRITE)[0], ==, "~");
  da_permissions_draft_set_all (draft, DA_PERMISSIONS_DRAFT_READ, FALSE);
  output = da_permissions_draft_to_json (draft);
  text = json_to_string (output, FALSE);
  g_assert_cmpstr (text, ==, "{\"isolation\":\"strict\",\"fs\":{\"write\":[\"~\"]}}");
}

static void
write_program (const char *path,
               const char *script)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
}

/* A program is saved with the hash the editor showed when it was added;
 * the saved agent does not follow the file's later content. */
static void
test_run_bound (void)
{
  g_autofree char *dir = g_dir_make_tmp ("da-draft-XXXXXX", NULL);
  g_autofree char *tool = g_build_filename (dir, "tool", NULL);
  g_autofree char *granted = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "#!/bin/sh\necho one\n", -1);
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sh = g_find_program_in_path ("sh");
  g_autofree char *sh_sha = NULL;
  g_autoptr(DaPermissionsDraft) draft = da_permissions_draft_new (dir);
  g_autoptr(DaPermissionsDraft) plain = da_permissions_draft_new (dir);
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(DaPermissions) built = NULL;
  g_autoptr(GError) error = NULL;

  write_program (tool, "#!/bin/sh\necho one\n");
  g_assert_true (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_RUN, tool, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_RUN)[0], ==, tool);
  g_assert_cmpstr (da_permissions_draft_get_sha256 (draft, tool), ==, granted);
  g_assert_false (da_permissions_draft_add (draft, DA_PERMISSIONS_DRAFT_RUN, tool, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  /* The file changes after it was shown: the saved object keeps the hash
   * that was shown, and what it builds asks again. */
  write_program (tool, "#!/bin/sh\necho two\n");
  saved = da_permissions_draft_to_json (draft);
  text = json_to_string (saved, FALSE);
  expected = g_strdup_printf ("{\"isolation\":\"strict\",\"run\":{\"allow\":[{\"path\":\"%s\",\"sha256\":\"%s\"}]}}",
                              tool, granted);
  g_assert_cmpstr (text, ==, expected);
  built = da_permissions_draft_build (draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da_permissions_check (built, DA_PERMISSION_RUN, tool, NULL), ==, DA_PERMISSION_DECISION_ASK);
  write_program (tool, "#!/bin/sh\necho one\n");
  g_assert_cmpint (da_permissions_check (built, DA_PERMISSION_RUN, tool, NULL), ==, DA_PERMISSION_DECISION_ALLOW);

  /* Loaded back, it is the same entry with the same hash. */
  g_assert_true (da_permissions_draft_load_json (plain, saved, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_permissions_draft_get_sha256 (plain, tool), ==, granted);

  /* A plain name from a hand-written file is bound when it is loaded. */
  g_assert_nonnull (sh);
  input = json_from_string ("{\"run\": {\"allow\": [\"sh\"]}}", &error);
  g_assert_no_error (error);
  g_assert_true (da_permissions_draft_load_json (plain, input, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_permissions_draft_get_items (plain, DA_PERMISSIONS_DRAFT_RUN)[0], ==, sh);
  g_assert_true (da_permission_run_resolve ("sh", dir, NULL, &sh_sha, &error));
  g_assert_cmpstr (da_permissions_draft_get_sha256 (plain, sh), ==, sh_sha);
  g_assert_null (da_permissions_draft_get_sha256 (plain, tool));
  g_assert_true (da_permissions_draft_remove (plain, DA_PERMISSIONS_DRAFT_RUN, sh));
  g_assert_null (da_permissions_draft_get_sha256 (plain, sh));

  g_unlink (tool);
  g_rmdir (dir);
}

static void
test_restore_grant (void)
{
  g_autoptr(DaPermissionBroker) broker = da_permission_broker_new (NULL);
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  DaGrant grant = { .agent = (char *) "reader", .kind = (char *) "net", .target = (char *) "example.com" };
  DaGrant bad = { .agent = (char *) "reader", .kind = (char *) "fly", .target = (char *) "moon" };
  gint64 id;

  g_assert_cmpint (da_permission_broker_check (broker, "reader", DA_PERMISSION_NET, "example.com", NULL), ==,
                   DA_PERMISSION_DECISION_ASK);
  id = da_permission_broker_restore_grant (broker, &grant, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (da_permission_broker_check (broker, "reader", DA_PERMISSION_NET, "example.com", NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_true (da_permission_broker_revoke (broker, id, &error));
  g_assert_cmpint (da_permission_broker_check (broker, "reader", DA_PERMISSION_NET, "example.com", NULL), ==,
                   DA_PERMISSION_DECISION_ASK);
  g_assert_cmpint (da_permission_broker_restore_grant (broker, &bad, &error), ==, -1);
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  grants = da_permission_broker_list_grants (broker, NULL, NULL);
  g_assert_cmpuint (grants->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/permissions-draft/net-diagnose", test_net_diagnose);
  g_test_add_func ("/permissions-draft/quota-defaults", test_quota_defaults);
  g_test_add_func ("/permissions-draft/round-trip", test_round_trip);
  g_test_add_func ("/permissions-draft/home-and-all", test_home_and_all);
  g_test_add_func ("/permissions-draft/restore-grant", test_restore_grant);
  g_test_add_func ("/permissions-draft/run-bound", test_run_bound);

  return g_test_run ();
}
