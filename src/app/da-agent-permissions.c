/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-agent-permissions.h"
#include "da-agent-permissions-private.h"
#include "da-builtin-tool.h"
#include "da-grant-list.h"

/* An agent's tools and permissions, edited: the widgets bind to a
 * DaPermissionsDraft, which checks every entry with the rule parser the
 * broker loads rules with, and gives back the `permissions` object of the
 * agent's team-file form. Hosts and variables are checked as they are
 * typed; folders and programs are picked with the file chooser, whose
 * answer goes through the same functions a test calls. */

typedef struct
{
  GtkWidget *group;
  GtkWidget *entry;     /* AdwEntryRow, or NULL for the chooser lists */
  GtkLabel  *error;
  GPtrArray *rows;
} ListUi;

struct _DaAgentPermissions
{
  AdwBin               parent_instance;

  DaPermissionsDraft  *draft;
  ListUi               lists[DA_PERMISSIONS_DRAFT_N_LISTS];
  GPtrArray           *tool_switches;       /* GtkSwitch, as da_builtin_tool_get_names() */
  GtkSpinButton       *quota_spins[DA_QUOTA_N_QUOTAS];
  GtkFileChooserNative *chooser;
  gboolean             loading;

  AdwPreferencesGroup *tools_group;
  GtkLabel            *load_error;
  AdwComboRow         *isolation_row;
  AdwPreferencesGroup *read_group;
  GtkLabel            *read_error;
  AdwPreferencesGroup *write_group;
  GtkLabel            *write_error;
  AdwPreferencesGroup *net_allow_group;
  AdwEntryRow         *net_allow_entry;
  GtkLabel            *net_allow_error;
  AdwPreferencesGroup *net_deny_group;
  AdwEntryRow         *net_deny_entry;
  GtkLabel            *net_deny_error;
  AdwPreferencesGroup *env_group;
  AdwEntryRow         *env_entry;
  GtkLabel            *env_error;
  AdwPreferencesGroup *run_group;
  GtkLabel            *run_error;
  AdwPreferencesGroup *limits_group;
  DaGrantList         *grant_list;
};

G_DEFINE_FINAL_TYPE (DaAgentPermissions, da_agent_permissions, ADW_TYPE_BIN)

static void
show_error (GtkLabel   *label,
            GtkWidget  *row,
            const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  if (row != NULL)
    {
      if (text != NULL)
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }
}

static char *
entry_problem (DaAgentPermissions     *self,
               DaPermissionsDraftList  list,
               const char             *typed)
{
  g_autofree char *text = g_strstrip (g_strdup (typed));
  g_autoptr(GError) error = NULL;
  const char * const *items = da_permissions_draft_get_items (self->draft, list);

  if (text[0] == '\0')
    return NULL;
  if (g_strv_contains (items, text))
    return g_strdup (_("This is in the list already."));

  if (list == DA_PERMISSIONS_DRAFT_NET_ALLOW || list == DA_PERMISSIONS_DRAFT_NET_DENY)
    return g_strdup (_da_agent_permissions_net_problem_text (da_permission_net_rule_diagnose (text)));

  if (!da_permission_rule_validate (da_permissions_draft_list_get_kind (list),
                                    FALSE, text, da_permissions_draft_get_workspace (self->draft), &error))
    {
      if (list == DA_PERMISSIONS_DRAFT_ENV &&
          g_error_matches (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE))
        return g_strdup (_("A variable name has no spaces, “=” or “*” in it; a single “*” at the end makes it a prefix, as in MY_APP_*."));
      return _da_agent_permissions_rule_error_text (error, text);
    }
  return NULL;
}

static DaPermissionsDraftList
list_of_entry (DaAgentPermissions *self,
               GtkWidget          *entry)
{
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    if (self->lists[i].entry == entry)
      return i;
  g_assert_not_reached ();
}

static void
entry_changed_cb (DaAgentPermissions *self,
                  GtkEditable        *entry)
{
  DaPermissionsDraftList list = list_of_entry (self, GTK_WIDGET (entry));
  g_autofree char *problem = entry_problem (self, list, gtk_editable_get_text (entry));

  show_error (self->lists[list].error, GTK_WIDGET (entry), problem);
}

static void
entry_apply_cb (DaAgentPermissions *self,
                AdwEntryRow        *entry)
{
  DaPermissionsDraftList list = list_of_entry (self, GTK_WIDGET (entry));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *problem = entry_problem (self, list, text);
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(GError) error = NULL;

  if (problem != NULL || stripped[0] == '\0')
    {
      show_error (self->lists[list].error, GTK_WIDGET (entry), problem);
      return;
    }
  if (!da_permissions_draft_add (self->draft, list, text, &error))
    {
      g_autofree char *message = _da_agent_permissions_rule_error_text (error, text);

      show_error (self->lists[list].error, GTK_WIDGET (entry), message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  show_error (self->lists[list].error, GTK_WIDGET (entry), NULL);
}

static void
rebuild_lists (DaAgentPermissions *self)
{
  for (guint l = 0; l < DA_PERMISSIONS_DRAFT_N_LISTS; l++)
    {
      ListUi *ui = &self->lists[l];
      const char * const *items = da_permissions_draft_get_items (self->draft, l);

      for (guint i = 0; i < ui->rows->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (ui->group), g_ptr_array_index (ui->rows, i));
      g_ptr_array_set_size (ui->rows, 0);

      if (da_permissions_draft_get_all (self->draft, l))
        g_ptr_array_add (ui->rows, _da_agent_permissions_all_row (l));
      for (guint i = 0; items[i] != NULL; i++)
        g_ptr_array_add (ui->rows,
                         _da_agent_permissions_item_row (l, items[i],
                                                         l == DA_PERMISSIONS_DRAFT_RUN
                                                           ? da_permissions_draft_get_sha256 (self->draft, items[i])
                                                           : NULL,
                                                         da_permissions_draft_get_workspace (self->draft)));
      if (ui->rows->len == 0 && ui->entry == NULL)
        g_ptr_array_add (ui->rows, _da_agent_permissions_empty_row (l));
      for (guint i = 0; i < ui->rows->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (ui->group), g_ptr_array_index (ui->rows, i));
    }
}

static void
sync_widgets (DaAgentPermissions *self)
{
  DaIsolationLevel isolation = da_permissions_draft_get_isolation (self->draft);

  self->loading = TRUE;
  adw_combo_row_set_selected (self->isolation_row, isolation);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->isolation_row), _da_agent_permissions_isolation_text (isolation));
  for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
    gtk_spin_button_set_value (self->quota_spins[q], (double) da_permissions_draft_get_quota (self->draft, q));
  self->loading = FALSE;
}

static void
isolation_changed_cb (DaAgentPermissions *self)
{
  guint selected = adw_combo_row_get_selected (self->isolation_row);

  if (selected > DA_ISOLATION_MINIMAL)
    return;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->isolation_row), _da_agent_permissions_isolation_text (selected));
  if (!self->loading)
    da_permissions_draft_set_isolation (self->draft, selected);
}

static void
quota_changed_cb (DaAgentPermissions *self,
                  GtkSpinButton      *spin)
{
  DaPermissionQuota quota = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "quota"));

  if (!self->loading)
    da_permissions_draft_set_quota (self->draft, quota, (guint64) gtk_spin_button_get_value (spin));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaAgentPermissions *self = DA_AGENT_PERMISSIONS (widget);
  const char *value = NULL;
  guint32 list;

  g_variant_get (parameter, "(um&s)", &list, &value);
  if (list >= DA_PERMISSIONS_DRAFT_N_LISTS)
    return;
  if (value == NULL)
    da_permissions_draft_set_all (self->draft, list, FALSE);
  else
    da_permissions_draft_remove (self->draft, list, value);
}

/**
 * da_agent_permissions_add_folder:
 * @write: whether to the write list (else the read list)
 *
 * What the folder chooser's answer does.
 */
gboolean
da_agent_permissions_add_folder (DaAgentPermissions *self,
                                 gboolean            write,
                                 GFile              *folder)
{
  DaPermissionsDraftList list = write ? DA_PERMISSIONS_DRAFT_WRITE : DA_PERMISSIONS_DRAFT_READ;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  path = g_file_get_path (folder);
  if (path == NULL)
    {
      show_error (self->lists[list].error, NULL, _("Only folders on this computer can be allowed."));
      return FALSE;
    }
  if (!da_permissions_draft_add (self->draft, list, path, &error))
    {
      g_autofree char *message = _da_agent_permissions_rule_error_text (error, path);

      show_error (self->lists[list].error, NULL, message);
      return FALSE;
    }
  show_error (self->lists[list].error, NULL, NULL);
  return TRUE;
}

/* What the program chooser's answer does. */
gboolean
da_agent_permissions_add_command (DaAgentPermissions *self,
                                  GFile              *file)
{
  ListUi *ui;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  ui = &self->lists[DA_PERMISSIONS_DRAFT_RUN];
  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (ui->error, NULL, _("Only programs on this computer can be allowed."));
      return FALSE;
    }
  if (!da_permissions_draft_add (self->draft, DA_PERMISSIONS_DRAFT_RUN, path, &error))
    {
      g_autofree char *message = _da_agent_permissions_rule_error_text (error, path);

      show_error (ui->error, NULL, message);
      return FALSE;
    }
  show_error (ui->error, NULL, NULL);
  return TRUE;
}

static void
chooser_response_cb (DaAgentPermissions   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  const char *what = g_object_get_data (G_OBJECT (chooser), "what");

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      if (g_str_equal (what, "command"))
        da_agent_permissions_add_command (self, file);
      else
        da_agent_permissions_add_folder (self, g_str_equal (what, "write"), file);
    }
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
open_chooser (DaAgentPermissions *self,
              const char         *title,
              GtkFileChooserAction action,
              const char         *what)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               action, _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "what", (gpointer) what);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gboolean write = g_variant_get_boolean (parameter);

  open_chooser (DA_AGENT_PERMISSIONS (widget),
                write ? _("Add a Folder to Write") : _("Add a Folder to Read"),
                GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, write ? "write" : "read");
}

static void
add_command_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_chooser (DA_AGENT_PERMISSIONS (widget), _("Add a Program"),
                GTK_FILE_CHOOSER_ACTION_OPEN, "command");
}

static void
build_tools (DaAgentPermissions *self)
{
  const char * const *names = da_builtin_tool_get_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _da_agent_permissions_tool_label (names[i]));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), names[i]);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _da_agent_permissions_tool_label (names[i]), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (self->tools_group, row);
      g_ptr_array_add (self->tool_switches, toggle);
    }
}

static void
build_limits (DaAgentPermissions *self)
{
  for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (1, (double) da_permission_quota_get_maximum (q), 1);
      g_autofree char *subtitle = NULL;
      g_autofree char *fallback = g_strdup_printf ("%" G_GUINT64_FORMAT, da_permission_quota_get_default (q));
      const char *title, *unit;

      _da_agent_permissions_quota_text (q, &title, &unit);
      /* TRANSLATORS: a limit's unit, then the sandbox's default value */
      subtitle = g_strdup_printf (_("%s; default %s"), unit, fallback);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
      gtk_editable_set_width_chars (GTK_EDITABLE (spin), 7);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) da_permission_quota_get_default (q));
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      g_object_set_data (G_OBJECT (spin), "quota", GUINT_TO_POINTER (q));
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (quota_changed_cb), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (self->limits_group, row);
      self->quota_spins[q] = GTK_SPIN_BUTTON (spin);
    }
}

static void
da_agent_permissions_dispose (GObject *object)
{
  DaAgentPermissions *self = DA_AGENT_PERMISSIONS (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_data (self->draft, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_AGENT_PERMISSIONS);

  G_OBJECT_CLASS (da_agent_permissions_parent_class)->dispose (object);
}

static void
da_agent_permissions_finalize (GObject *object)
{
  DaAgentPermissions *self = DA_AGENT_PERMISSIONS (object);

  g_clear_object (&self->draft);
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    g_clear_pointer (&self->lists[i].rows, g_ptr_array_unref);
  g_clear_pointer (&self->tool_switches, g_ptr_array_unref);

  G_OBJECT_CLASS (da_agent_permissions_parent_class)->finalize (object);
}

static void
da_agent_permissions_class_init (DaAgentPermissionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_agent_permissions_dispose;
  object_class->finalize = da_agent_permissions_finalize;

  g_type_ensure (DA_TYPE_GRANT_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-agent-permissions.ui");
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, tools_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, load_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, isolation_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, read_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, read_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, write_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, write_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_allow_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_allow_entry);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_allow_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_deny_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_deny_entry);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, net_deny_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, env_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, env_entry);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, env_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, run_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, run_error);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, limits_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentPermissions, grant_list);
  gtk_widget_class_bind_template_callback (widget_class, isolation_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_apply_cb);

  gtk_widget_class_install_action (widget_class, "permissions.remove", "(ums)", remove_action);
  gtk_widget_class_install_action (widget_class, "permissions.add-folder", "b", add_folder_action);
  gtk_widget_class_install_action (widget_class, "permissions.add-command", NULL, add_command_action);
}

static void
da_agent_permissions_init (DaAgentPermissions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->draft = da_permissions_draft_new (NULL);
  self->tool_switches = g_ptr_array_new ();
  self->lists[DA_PERMISSIONS_DRAFT_READ] = (ListUi) { GTK_WIDGET (self->read_group), NULL, self->read_error, NULL };
  self->lists[DA_PERMISSIONS_DRAFT_WRITE] = (ListUi) { GTK_WIDGET (self->write_group), NULL, self->write_error, NULL };
  self->lists[DA_PERMISSIONS_DRAFT_NET_ALLOW] = (ListUi) { GTK_WIDGET (self->net_allow_group),
                                                           GTK_WIDGET (self->net_allow_entry), self->net_allow_error, NULL };
  self->lists[DA_PERMISSIONS_DRAFT_NET_DENY] = (ListUi) { GTK_WIDGET (self->net_deny_group),
                                                          GTK_WIDGET (self->net_deny_entry), self->net_deny_error, NULL };
  self->lists[DA_PERMISSIONS_DRAFT_ENV] = (ListUi) { GTK_WIDGET (self->env_group),
                                                     GTK_WIDGET (self->env_entry), self->env_error, NULL };
  self->lists[DA_PERMISSIONS_DRAFT_RUN] = (ListUi) { GTK_WIDGET (self->run_group), NULL, self->run_error, NULL };
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    self->lists[i].rows = g_ptr_array_new ();

  build_tools (self);
  build_limits (self);
  g_signal_connect_object (self->draft, "changed", G_CALLBACK (rebuild_lists), self, G_CONNECT_SWAPPED);
  sync_widgets (self);
  rebuild_lists (self);
}

GtkWidget *
da_agent_permissions_new (void)
{
  return g_object_new (DA_TYPE_AGENT_PERMISSIONS, NULL);
}

/* Where the "always" grants are listed and revoked. */
void
da_agent_permissions_set_broker (DaAgentPermissions *self,
                                 DaPermissionBroker *broker)
{
  g_return_if_fail (DA_IS_AGENT_PERMISSIONS (self));

  da_grant_list_set_broker (self->grant_list, broker);
}

/**
 * da_agent_permissions_load:
 * @agent: (nullable): the saved agent's name, whose grants are listed;
 *   %NULL for a new agent
 * @tools: (nullable): the agent's tool names
 * @permissions: (nullable): its `permissions` object
 *
 * Shows an agent. Permissions that no longer load (a program that was
 * removed) are said to be unreadable, and the form starts empty.
 */
void
da_agent_permissions_load (DaAgentPermissions *self,
                           const char         *agent,
                           const char * const *tools,
                           JsonNode           *permissions)
{
  const char * const *names = da_builtin_tool_get_names ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DA_IS_AGENT_PERMISSIONS (self));

  for (guint i = 0; names[i] != NULL; i++)
    gtk_switch_set_active (g_ptr_array_index (self->tool_switches, i),
                           tools != NULL && g_strv_contains (tools, names[i]));

  if (!da_permissions_draft_load_json (self->draft, permissions, &error))
    {
      /* TRANSLATORS: %s is the reason, in English, from the rule parser */
      g_autofree char *text = g_strdup_printf (_("The saved permissions cannot be used and were left out: %s"),
                                               error->message);

      da_permissions_draft_load_json (self->draft, NULL, NULL);
      show_error (self->load_error, NULL, text);
    }
  else
    show_error (self->load_error, NULL, NULL);

  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    {
      if (self->lists[i].entry != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->lists[i].entry), "");
      show_error (self->lists[i].error, self->lists[i].entry, NULL);
    }
  sync_widgets (self);
  da_grant_list_set_agent (self->grant_list, agent);
}

DaPermissionsDraft *
da_agent_permissions_get_draft (DaAgentPermissions *self)
{
  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);
  return self->draft;
}

/* Returns: (transfer full): the `permissions` object to save */
JsonNode *
da_agent_permissions_dup_permissions (DaAgentPermissions *self)
{
  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);
  return da_permissions_draft_to_json (self->draft);
}

/* Returns: (transfer full) (nullable): the tools switched on, or %NULL */
GStrv
da_agent_permissions_dup_tools (DaAgentPermissions *self)
{
  const char * const *names = da_builtin_tool_get_names ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (gtk_switch_get_active (g_ptr_array_index (self->tool_switches, i)))
      {
        g_strv_builder_add (builder, names[i]);
        any = TRUE;
      }

  return any ? g_strv_builder_end (builder) : NULL;
}

/* One line for the editor's row: the tools and the isolation level. */
char *
da_agent_permissions_dup_summary (DaAgentPermissions *self)
{
  static const char * const levels[] = { N_("Strict"), N_("Moderate"), N_("Minimal") };
  g_auto(GStrv) tools = NULL;
  g_autofree char *list = NULL;

  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);

  tools = da_agent_permissions_dup_tools (self);
  if (tools == NULL)
    return g_strdup (_("No tools"));
  list = g_strjoinv (", ", tools);
  /* TRANSLATORS: the tool names, then the isolation level */
  return g_strdup_printf (_("%s · %s isolation"), list,
                          _(levels[da_permissions_draft_get_isolation (self->draft)]));
}

/* "isolation", "net-allow", "net-deny", "env" (entry rows), the same with
 * "-error", "read-error", "write-error", "run-error", "load-error" (labels),
 * "grants" (the DaGrantList), "tool:NAME" (a switch), "quota:KEY" (a spin
 * button): the widgets, for keyboard-free tests. */
GtkWidget *
da_agent_permissions_get_field (DaAgentPermissions *self,
                                const char         *name)
{
  static const struct { const char *name; DaPermissionsDraftList list; } lists[] = {
    { "read", DA_PERMISSIONS_DRAFT_READ }, { "write", DA_PERMISSIONS_DRAFT_WRITE },
    { "net-allow", DA_PERMISSIONS_DRAFT_NET_ALLOW }, { "net-deny", DA_PERMISSIONS_DRAFT_NET_DENY },
    { "env", DA_PERMISSIONS_DRAFT_ENV }, { "run", DA_PERMISSIONS_DRAFT_RUN },
  };

  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);

  if (g_str_equal (name, "isolation"))
    return GTK_WIDGET (self->isolation_row);
  if (g_str_equal (name, "grants"))
    return GTK_WIDGET (self->grant_list);
  if (g_str_equal (name, "load-error"))
    return GTK_WIDGET (self->load_error);
  if (g_str_has_prefix (name, "tool:"))
    {
      const char * const *names = da_builtin_tool_get_names ();

      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], name + 5))
          return g_ptr_array_index (self->tool_switches, i);
    }
  if (g_str_has_prefix (name, "quota:"))
    for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
      if (g_str_equal (da_permission_quota_to_string (q), name + 6))
        return GTK_WIDGET (self->quota_spins[q]);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      gsize len = strlen (lists[i].name);

      if (g_str_equal (name, lists[i].name) && self->lists[lists[i].list].entry != NULL)
        return self->lists[lists[i].list].entry;
      if (strncmp (name, lists[i].name, len) == 0 && g_str_equal (name + len, "-error"))
        return GTK_WIDGET (self->lists[lists[i].list].error);
    }

  g_return_val_if_reached (NULL);
}

/**
 * da_agent_permissions_get_item_row:
 *
 * Returns: (transfer none) (nullable): the row showing entry @index of
 *   @list (after the "Everything" row, when there is one)
 */
GtkWidget *
da_agent_permissions_get_item_row (DaAgentPermissions     *self,
                                   DaPermissionsDraftList  list,
                                   guint                   index)
{
  g_return_val_if_fail (DA_IS_AGENT_PERMISSIONS (self), NULL);
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, NULL);

  if (da_permissions_draft_get_all (self->draft, list))
    index++;
  if (index >= g_strv_length ((char **) da_permissions_draft_get_items (self->draft, list)) +
               (da_permissions_draft_get_all (self->draft, list) ? 1 : 0))
    return NULL;
  return g_ptr_array_index (self->lists[list].rows, index);
}
