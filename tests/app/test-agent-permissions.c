/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The agent editor's tools and permissions, driven as a person would:
 * folders added through the function the folder chooser's answer calls,
 * hosts and variables typed (the wrong ones explained as they are typed),
 * a program bound to its path and hash, limits; saved to the history
 * database and read back; the saved permissions applied by the broker
 * the tools ask; and an "always" grant revoked, undone and revoked. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "da-agent-library.h"
#include "da-agent-permissions.h"
#include "da-app-security.h"
#include "da-application.h"
#include "da-assistant-agent.h"
#include "da-grant-list.h"
#include "da-provider-factory.h"
#include "da-test-util.h"

static DaAgentLibrary *
find_library (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (DA_IS_AGENT_LIBRARY (w))
        return DA_AGENT_LIBRARY (w);
    }
  return NULL;
}

static const char *
label_text (DaAgentPermissions *perms,
            const char         *name)
{
  GtkWidget *label = da_agent_permissions_get_field (perms, name);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
type_into (DaAgentPermissions *perms,
           const char         *field,
           const char         *text)
{
  gtk_editable_set_text (GTK_EDITABLE (da_agent_permissions_get_field (perms, field)), text);
}

static void
apply (DaAgentPermissions *perms,
       const char         *field)
{
  g_signal_emit_by_name (da_agent_permissions_get_field (perms, field), "apply");
}

static guint
n_items (DaAgentPermissions     *perms,
         DaPermissionsDraftList  list)
{
  return g_strv_length ((char **) da_permissions_draft_get_items (da_agent_permissions_get_draft (perms), list));
}

static void
scroll_to (DaAgentPermissions *perms,
           double              fraction)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (perms)));
  GtkWidget *scrolled = da_test_find_widget (GTK_WIDGET (perms), GTK_TYPE_SCROLLED_WINDOW, NULL);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, fraction * (gtk_adjustment_get_upper (adjustment) -
                                                    gtk_adjustment_get_page_size (adjustment)));
  da_test_wait_drawn (root);
}

static void
shoot (GtkWidget  *root,
       const char *name)
{
  g_free (da_test_screenshot (root, name));
}

static char *
expected_sha256 (const char *program)
{
  g_autofree char *contents = NULL;
  char *real = realpath (program, NULL);
  gsize len;

  g_assert_nonnull (real);
  g_assert_true (g_file_get_contents (real, &contents, &len, NULL));
  free (real);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

/* What the broker decides for the saved agent once a chat equips it. */
static DaPermissionDecision
decide (DaApplication    *app,
        DaPermissionKind  kind,
        const char       *target)
{
  DaAppSecurity *security = da_app_security_get_default ();
  g_autoptr(DaAgentSpec) spec = da_application_find_agent (app, "Reader", NULL);
  g_autoptr(DaProvider) provider = NULL;
  g_autoptr(DaAssistantAgent) agent = NULL;
  g_autoptr(JsonObject) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (spec);
  provider = da_provider_new_for_kind (spec->provider_kind, spec->base_url, &error);
  g_assert_no_error (error);
  agent = da_assistant_agent_new (spec->name, provider);
  config = da_agent_spec_to_object (spec);
  g_assert_true (da_app_security_equip_agent (security, DA_CONVERSABLE_AGENT (agent), config, &error));
  g_assert_no_error (error);
  return da_permission_broker_check (da_app_security_get_broker (security), "Reader", kind, target, NULL);
}

static guint
stored_grants (const char *agent)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  g_autoptr(GPtrArray) grants = NULL;

  g_assert_no_error (error);
  grants = da_store_list_grants (store, agent, &error);
  g_assert_no_error (error);
  return grants->len;
}

static void
test_permissions (DaApplication *app,
                  GtkWindow     *window)
{
  g_autofree char *projects = g_build_filename (g_get_home_dir (), "Projects", NULL);
  g_autofree char *out = g_build_filename (g_get_home_dir (), "Out", NULL);
  g_autofree char *inside = g_build_filename (projects, "plan.txt", NULL);
  g_autofree char *sha = expected_sha256 ("/bin/sh");
  g_autoptr(GFile) projects_file = g_file_new_for_path (projects);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(GFile) remote = g_file_new_for_uri ("https://example.com/files/");
  g_autoptr(GFile) sh = g_file_new_for_path ("/bin/sh");
  g_autoptr(DaAgentSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_json = NULL;
  DaAgentPermissions *perms;
  DaPermissionsDraft *draft;
  DaAgentLibrary *library;
  DaGrantList *grants;
  GtkWidget *row;
  const char *text;
  gint64 id = -1, grant_id;

  g_assert_cmpint (g_mkdir_with_parents (projects, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (out, 0700), ==, 0);
  g_assert_cmpint (da_application_add_provider (app, "openai", "http://127.0.0.1:9/v1", "echo"), >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.agents", NULL));
  library = find_library ();
  g_assert_nonnull (library);
  gtk_window_set_default_size (GTK_WINDOW (library), 640, 1100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.new", NULL));
  gtk_editable_set_text (GTK_EDITABLE (da_agent_library_get_field (library, "name")), "Reader");
  perms = DA_AGENT_PERMISSIONS (da_agent_library_get_field (library, "permissions"));
  draft = da_agent_permissions_get_draft (perms);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.permissions", NULL));
  da_test_wait_drawn (GTK_WIDGET (library));
  shoot (GTK_WIDGET (library), "permissions-01-new-agent");

  /* The Add button's chooser (GTK's own dialog here, no portal): its
   * answer adds the folder; then removed again with the row's button. */
  {
    g_autofree char *docs = g_build_filename (g_get_home_dir (), "Docs", NULL);
    g_autoptr(GFile) docs_file = g_file_new_for_path (docs);
    GtkWidget *dialog = NULL;

    g_assert_cmpint (g_mkdir_with_parents (docs, 0700), ==, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (perms), "permissions.add-folder", "b", FALSE));
    for (guint tries = 0; tries < 100 && dialog == NULL; tries++)
      {
        GListModel *toplevels = gtk_window_get_toplevels ();

        da_test_wait_ms (20);
        for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
          {
            g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

            if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
              dialog = GTK_WIDGET (w);
          }
      }
    g_assert_nonnull (dialog);
    g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)), ==, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
    g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), docs_file, &error));
    g_assert_no_error (error);
    da_test_wait_drawn (dialog);
    shoot (dialog, "permissions-01b-folder-chooser");
    gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
    da_test_wait_ms (50);
    g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_READ)[0], ==, "~/Docs");
    g_assert_true (gtk_widget_activate_action (da_agent_permissions_get_item_row (perms, DA_PERMISSIONS_DRAFT_READ, 0),
                                               "permissions.remove", "(ums)", (guint32) DA_PERMISSIONS_DRAFT_READ, "~/Docs"));
    g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_READ), ==, 0);
  }

  /* Tools, isolation, folders. */
  gtk_switch_set_active (GTK_SWITCH (da_agent_permissions_get_field (perms, "tool:read_file")), TRUE);
  gtk_switch_set_active (GTK_SWITCH (da_agent_permissions_get_field (perms, "tool:list_directory")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (da_agent_permissions_get_field (perms, "isolation")), DA_ISOLATION_MODERATE);
  g_assert_cmpint (da_permissions_draft_get_isolation (draft), ==, DA_ISOLATION_MODERATE);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (da_agent_permissions_get_field (perms, "isolation"))),
                            "proxy"));
  g_assert_true (da_agent_permissions_add_folder (perms, FALSE, projects_file));
  g_assert_true (da_agent_permissions_add_folder (perms, TRUE, out_file));
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_READ)[0], ==, "~/Projects");
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_WRITE)[0], ==, "~/Out");
  g_assert_nonnull (da_agent_permissions_get_item_row (perms, DA_PERMISSIONS_DRAFT_READ, 0));
  g_assert_false (da_agent_permissions_add_folder (perms, FALSE, remote));
  g_assert_nonnull (label_text (perms, "read-error"));
  g_assert_false (da_agent_permissions_add_folder (perms, FALSE, projects_file));
  g_assert_cmpstr (label_text (perms, "read-error"), ==, "This is in the list already.");
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_READ), ==, 1);
  g_assert_true (da_agent_permissions_add_folder (perms, FALSE, out_file));
  g_assert_null (label_text (perms, "read-error"));

  /* Hosts: what is wrong is said while it is typed, and not added. */
  type_into (perms, "net-allow", "https://example.com");
  text = label_text (perms, "net-allow-error");
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "https://"));
  g_assert_true (gtk_widget_has_css_class (da_agent_permissions_get_field (perms, "net-allow"), "error"));
  shoot (GTK_WIDGET (library), "permissions-02-invalid-host");
  apply (perms, "net-allow");
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_NET_ALLOW), ==, 0);
  type_into (perms, "net-allow", "api.example.com:99999");
  g_assert_nonnull (strstr (label_text (perms, "net-allow-error"), "65535"));
  type_into (perms, "net-allow", "api.*.com");
  g_assert_nonnull (strstr (label_text (perms, "net-allow-error"), "*.example.com"));
  type_into (perms, "net-allow", "api.example.com:443");
  g_assert_null (label_text (perms, "net-allow-error"));
  g_assert_false (gtk_widget_has_css_class (da_agent_permissions_get_field (perms, "net-allow"), "error"));
  apply (perms, "net-allow");
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_NET_ALLOW)[0], ==, "api.example.com:443");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (da_agent_permissions_get_field (perms, "net-allow"))), ==, "");
  type_into (perms, "net-deny", "*.ads.example.com");
  apply (perms, "net-deny");
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_NET_DENY), ==, 1);

  /* Variables. */
  type_into (perms, "env", "LD_PRELOAD");
  g_assert_nonnull (strstr (label_text (perms, "env-error"), "never passed"));
  apply (perms, "env");
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_ENV), ==, 0);
  type_into (perms, "env", "MY APP");
  g_assert_nonnull (label_text (perms, "env-error"));
  type_into (perms, "env", "MY_APP_*");
  g_assert_null (label_text (perms, "env-error"));
  apply (perms, "env");
  g_assert_cmpstr (da_permissions_draft_get_items (draft, DA_PERMISSIONS_DRAFT_ENV)[0], ==, "MY_APP_*");

  /* A program, shown with the file and hash the rule binds. */
  g_assert_true (da_agent_permissions_add_command (perms, sh));
  row = da_agent_permissions_get_item_row (perms, DA_PERMISSIONS_DRAFT_RUN, 0);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), sha));

  /* Limits. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (da_agent_permissions_get_field (perms, "quota:memory_mb")), 512);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (da_agent_permissions_get_field (perms, "quota:cpu_seconds")), 30);
  g_assert_cmpuint (da_permissions_draft_get_quota (draft, DA_QUOTA_MEMORY_MB), ==, 512);

  scroll_to (perms, 0.0);
  shoot (GTK_WIDGET (library), "permissions-03-filled-top");
  scroll_to (perms, 0.55);
  shoot (GTK_WIDGET (library), "permissions-04-filled-middle");
  scroll_to (perms, 1.0);
  shoot (GTK_WIDGET (library), "permissions-05-filled-bottom");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.permissions-done", NULL));
  da_test_wait_drawn (GTK_WIDGET (library));
  shoot (GTK_WIDGET (library), "permissions-06-editor");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));

  /* Saved with the agent, in the team-file form, and read back from the
   * database file by a second connection. */
  spec = da_application_find_agent (app, "Reader", &id);
  g_assert_nonnull (spec);
  g_assert_true (g_strv_contains ((const char * const *) spec->tools, "read_file"));
  g_assert_nonnull (spec->permissions);
  saved_json = json_to_string (spec->permissions, FALSE);
  g_test_message ("saved: %s", saved_json);
  {
    /* The program is saved with the hash the row showed. */
    g_autofree char *expected = g_strdup_printf ("{\"isolation\":\"moderate\","
                                                 "\"fs\":{\"read\":[\"~/Projects\",\"~/Out\"],\"write\":[\"~/Out\"]},"
                                                 "\"net\":{\"allow\":[\"api.example.com:443\"]},"
                                                 "\"env\":{\"allow\":[\"MY_APP_*\"]},"
                                                 "\"run\":{\"allow\":[{\"path\":\"/bin/sh\",\"sha256\":\"%s\"}]},"
                                                 "\"resources\":{\"memory_mb\":512,\"cpu_seconds\":30},"
                                                 "\"deny\":{\"net\":[\"*.ads.example.com\"]}}", sha);

    g_assert_cmpstr (saved_json, ==, expected);
  }
  {
    g_autofree char *path = da_store_default_path ();
    g_autoptr(DaStore) store = da_store_new (path, &error);
    g_autoptr(GPtrArray) agents = NULL;
    gboolean found = FALSE;

    g_assert_no_error (error);
    agents = da_store_list_agents (store, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < agents->len; i++)
      {
        DaStoredAgent *stored = g_ptr_array_index (agents, i);
        g_autoptr(DaAgentSpec) back = NULL;
        g_autofree char *back_json = NULL;

        if (g_strcmp0 (stored->name, "Reader") != 0)
          continue;
        back = da_agent_spec_from_json (stored->config_json, &error);
        g_assert_no_error (error);
        back_json = json_to_string (back->permissions, FALSE);
        g_assert_cmpstr (back_json, ==, saved_json);
        g_assert_cmpstr (back->tools[0], ==, "read_file");
        g_assert_cmpstr (back->tools[1], ==, "list_directory");
        found = TRUE;
      }
    g_assert_true (found);
  }

  /* The broker applies what was saved. */
  g_assert_cmpint (decide (app, DA_PERMISSION_READ, inside), ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (decide (app, DA_PERMISSION_WRITE, inside), ==, DA_PERMISSION_DECISION_ASK);
  g_assert_cmpint (decide (app, DA_PERMISSION_NET, "api.example.com:443"), ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (decide (app, DA_PERMISSION_NET, "tracker.ads.example.com"), ==, DA_PERMISSION_DECISION_DENY);
  g_assert_cmpint (decide (app, DA_PERMISSION_ENV, "MY_APP_TOKEN"), ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (decide (app, DA_PERMISSION_RUN, "/bin/sh"), ==, DA_PERMISSION_DECISION_ALLOW);
  {
    g_autoptr(DaPermissions) built = da_permissions_draft_build (draft, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (da_permissions_get_quota (built, DA_QUOTA_MEMORY_MB), ==, 512);
  }

  /* Opened again, the editor shows it; removing the folder and saving
   * changes what the broker decides. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.edit", "x", id));
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_READ), ==, 2);
  g_assert_cmpint (da_permissions_draft_get_isolation (draft), ==, DA_ISOLATION_MODERATE);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (da_agent_permissions_get_field (perms, "quota:memory_mb"))), ==, 512);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (da_agent_permissions_get_field (perms, "tool:read_file"))));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (da_agent_permissions_get_field (perms, "tool:fetch_url"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (perms), "permissions.remove", "(ums)",
                                             (guint32) DA_PERMISSIONS_DRAFT_READ, "~/Projects"));
  g_assert_cmpuint (n_items (perms, DA_PERMISSIONS_DRAFT_READ), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
  g_assert_cmpint (decide (app, DA_PERMISSION_READ, inside), ==, DA_PERMISSION_DECISION_ASK);

  /* An "always" grant made at a prompt: listed, revoked (gone from the
   * database and from the broker's answer), undone, revoked again. */
  grant_id = da_store_add_grant (da_app_security_get_store (da_app_security_get_default ()),
                                 "Reader", "net", "news.example.org", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decide (app, DA_PERMISSION_NET, "news.example.org"), ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.edit", "x", id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.permissions", NULL));
  grants = DA_GRANT_LIST (da_agent_permissions_get_field (perms, "grants"));
  g_assert_cmpuint (da_grant_list_get_n_grants (grants), ==, 1);
  scroll_to (perms, 1.0);
  shoot (GTK_WIDGET (library), "permissions-07-grants");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (grants), "grants.revoke", "x", grant_id));
  g_assert_cmpuint (da_grant_list_get_n_grants (grants), ==, 0);
  g_assert_cmpuint (stored_grants ("Reader"), ==, 0);
  g_assert_cmpint (decide (app, DA_PERMISSION_NET, "news.example.org"), ==, DA_PERMISSION_DECISION_ASK);
  da_test_wait_drawn (GTK_WIDGET (library));
  shoot (GTK_WIDGET (library), "permissions-08-revoked-toast");
  g_assert_true (da_grant_list_undo_revoke (grants));
  g_assert_cmpuint (stored_grants ("Reader"), ==, 1);
  g_assert_cmpuint (da_grant_list_get_n_grants (grants), ==, 1);
  g_assert_cmpint (decide (app, DA_PERMISSION_NET, "news.example.org"), ==, DA_PERMISSION_DECISION_ALLOW);
  {
    g_autoptr(GPtrArray) listed = da_store_list_grants (da_app_security_get_store (da_app_security_get_default ()),
                                                        "Reader", &error);

    g_assert_no_error (error);
    grant_id = ((DaGrant *) g_ptr_array_index (listed, 0))->id;
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (grants), "grants.revoke", "x", grant_id));
  g_assert_cmpuint (stored_grants ("Reader"), ==, 0);

  /* A saved program whose file changed since is shown as changed. */
  {
    g_autofree char *tool = g_build_filename (g_get_home_dir (), "tool.sh", NULL);
    g_autofree char *granted = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "#!/bin/sh\necho granted\n", -1);
    g_autofree char *json = NULL;
    g_autoptr(JsonNode) node = NULL;
    const char *subtitle;

    g_file_set_contents (tool, "#!/bin/sh\necho changed\n", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_chmod (tool, 0755), ==, 0);
    json = g_strdup_printf ("{\"run\": {\"allow\": [{\"path\": \"%s\", \"sha256\": \"%s\"}]}}", tool, granted);
    node = json_from_string (json, &error);
    g_assert_no_error (error);
    da_agent_permissions_load (perms, "Reader", NULL, node);
    row = da_agent_permissions_get_item_row (perms, DA_PERMISSIONS_DRAFT_RUN, 0);
    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
    g_assert_nonnull (strstr (subtitle, "Changed since granted"));
    g_assert_nonnull (strstr (subtitle, granted));
    g_assert_true (gtk_widget_has_css_class (row, "error"));
    scroll_to (perms, 0.55);
    shoot (GTK_WIDGET (library), "permissions-09-changed-program");
    g_assert_cmpstr (da_permissions_draft_get_sha256 (draft, tool), ==, granted);
  }

  /* Renamed, the agent takes its grants along (the broker reads them
   * again); a new agent under the old name has none; deleted, the
   * agent's grants go with it. */
  {
    DaPermissionBroker *broker = da_app_security_get_broker (da_app_security_get_default ());
    gint64 newcomer = -1;

    da_store_add_grant (da_app_security_get_store (da_app_security_get_default ()),
                        "Reader", "net", "news.example.org", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (decide (app, DA_PERMISSION_NET, "news.example.org"), ==, DA_PERMISSION_DECISION_ALLOW);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.edit", "x", id));
    gtk_editable_set_text (GTK_EDITABLE (da_agent_library_get_field (library, "name")), "Archivist");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
    {
      g_autoptr(DaAgentSpec) archivist = da_application_find_agent (app, "Archivist", NULL);

      g_assert_nonnull (archivist);
    }
    g_assert_cmpuint (stored_grants ("Reader"), ==, 0);
    g_assert_cmpuint (stored_grants ("Archivist"), ==, 1);
    g_assert_cmpint (da_permission_broker_check (broker, "Reader", DA_PERMISSION_NET, "news.example.org", NULL),
                     ==, DA_PERMISSION_DECISION_ASK);
    g_assert_cmpint (da_permission_broker_check (broker, "Archivist", DA_PERMISSION_NET, "news.example.org", NULL),
                     ==, DA_PERMISSION_DECISION_ALLOW);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.new", NULL));
    gtk_editable_set_text (GTK_EDITABLE (da_agent_library_get_field (library, "name")), "Reader");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
    g_clear_pointer (&spec, da_agent_spec_free);
    spec = da_application_find_agent (app, "Reader", &newcomer);
    g_assert_nonnull (spec);
    g_assert_cmpint (newcomer, !=, id);
    g_assert_cmpuint (stored_grants ("Reader"), ==, 0);
    g_assert_cmpint (decide (app, DA_PERMISSION_NET, "news.example.org"), ==, DA_PERMISSION_DECISION_ASK);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.delete", "x", id));
    g_assert_null (da_application_find_agent (app, "Archivist", NULL));
    g_assert_cmpuint (stored_grants ("Archivist"), ==, 0);
    g_assert_cmpint (da_permission_broker_check (broker, "Archivist", DA_PERMISSION_NET, "news.example.org", NULL),
                     ==, DA_PERMISSION_DECISION_ASK);
  }

  gtk_window_destroy (GTK_WINDOW (library));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/agents/permissions", test_permissions);

  return g_test_run ();
}
