/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-agent-library.h"
#include "da-agent-permissions.h"
#include "da-app-security.h"

/* The agent library: a list of saved agents, and an editor that checks the
 * form as it is typed and says what is wrong before anything is saved. */

struct _DaAgentLibrary
{
  AdwWindow        parent_instance;

  DaApplication   *app;
  GPtrArray       *rows;
  GPtrArray       *providers;
  gint64           editing_id;
  char            *problems;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwPreferencesGroup *agents_group;
  AdwWindowTitle  *editor_title;
  GtkWidget       *save_button;
  GtkLabel        *problems_label;
  AdwEntryRow     *name_row;
  AdwEntryRow     *description_row;
  GtkTextView     *system_view;
  AdwComboRow     *provider_row;
  AdwEntryRow     *model_row;
  AdwEntryRow     *temperature_row;
  AdwEntryRow     *max_tokens_row;
  AdwActionRow    *permissions_row;
  AdwWindowTitle  *permissions_title;
  DaAgentPermissions *permissions;
};

G_DEFINE_FINAL_TYPE (DaAgentLibrary, da_agent_library, ADW_TYPE_WINDOW)

static void
toast (DaAgentLibrary *self,
       const char     *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static GtkWidget *
icon_button (const char *icon,
             const char *label,
             const char *action,
             gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (id));

  return button;
}

static void
rebuild_list (DaAgentLibrary *self)
{
  g_autoptr(GPtrArray) agents = da_application_list_agents (self->app);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->agents_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);
      g_autoptr(DaAgentSpec) spec = da_agent_spec_from_json (agent->config_json, NULL);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;

      if (spec == NULL)
        subtitle = g_strdup (_("This entry cannot be read"));
      else if (!da_application_agent_has_provider (self->app, spec))
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          /* Its provider was removed: say so where the agent is listed. */
          subtitle = g_strdup (_("Needs a provider: choose one to chat with this agent"));
          gtk_widget_add_css_class (icon, "warning");
          gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Needs a provider"), -1);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          gtk_widget_add_css_class (row, "needs-provider");
        }
      else if (spec->description != NULL)
        subtitle = g_strdup (spec->description);
      else if (spec->provider_kind != NULL)
        subtitle = g_strdup_printf ("%s · %s", spec->provider_kind,
                                    spec->model ? spec->model : _("server default model"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), agent->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "agent.edit");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (agent->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("edit-copy-symbolic", _("Duplicate Agent"), "agent.duplicate", agent->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("user-trash-symbolic", _("Delete Agent"), "agent.delete", agent->id));
      adw_preferences_group_add (self->agents_group, row);
      g_ptr_array_add (self->rows, row);
    }

  if (agents->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No agents yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Create one with the + button."));
      adw_preferences_group_add (self->agents_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
rebuild_providers (DaAgentLibrary *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = da_application_list_providers (self->app);
  for (guint i = 0; i < self->providers->len; i++)
    {
      DaStoredProvider *provider = g_ptr_array_index (self->providers, i);
      g_autofree char *label = g_strdup_printf ("%s · %s", provider->kind, provider->base_url);

      gtk_string_list_append (labels, label);
    }
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (labels));
}

static DaStoredProvider *
selected_provider (DaAgentLibrary *self)
{
  guint selected = adw_combo_row_get_selected (self->provider_row);

  if (self->providers == NULL || selected == GTK_INVALID_LIST_POSITION || selected >= self->providers->len)
    return NULL;

  return g_ptr_array_index (self->providers, selected);
}

static GStrv
taken_names (DaAgentLibrary *self)
{
  g_autoptr(GPtrArray) agents = da_application_list_agents (self->app);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);

      if (agent->id != self->editing_id)
        g_strv_builder_add (builder, agent->name);
    }

  return g_strv_builder_end (builder);
}

static void
mark_row (gpointer  row,
          gboolean  wrong)
{
  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Called on every keystroke of the checked fields. */
static void
validate (DaAgentLibrary *self)
{
  g_auto(GStrv) taken = taken_names (self);
  g_autofree char *problems = NULL;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "editor") != 0 &&
      self->editing_id == G_MININT64)
    return;

  problems = da_agent_spec_validate (gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                     gtk_editable_get_text (GTK_EDITABLE (self->temperature_row)),
                                     gtk_editable_get_text (GTK_EDITABLE (self->max_tokens_row)),
                                     selected_provider (self) != NULL,
                                     (const char * const *) taken, NULL, NULL);

  g_free (self->problems);
  self->problems = g_steal_pointer (&problems);
  gtk_label_set_label (self->problems_label, self->problems ? self->problems : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), self->problems != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "agent.save", self->problems == NULL);

  mark_row (self->name_row, self->problems && (strstr (self->problems, _("Give the agent a name.")) ||
                                               strstr (self->problems, _("Another agent already has this name."))));
  mark_row (self->temperature_row, self->problems && strstr (self->problems, _("Temperature must be a number from 0 to 2.")));
  mark_row (self->max_tokens_row, self->problems && strstr (self->problems, _("Max tokens must be a positive whole number.")));
  mark_row (self->provider_row, self->problems && selected_provider (self) == NULL);
}

static void
set_text (gpointer    editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text ? text : "");
}

static void
update_permissions_row (DaAgentLibrary *self)
{
  g_autofree char *summary = da_agent_permissions_dup_summary (self->permissions);

  adw_action_row_set_subtitle (self->permissions_row, summary);
}

static void
open_editor (DaAgentLibrary    *self,
             gint64             id,
             const DaAgentSpec *spec)
{
  g_autofree char *temperature = NULL;
  g_autofree char *max_tokens = NULL;
  guint provider = GTK_INVALID_LIST_POSITION;

  self->editing_id = id;
  rebuild_providers (self);
  adw_window_title_set_title (self->editor_title, id < 0 ? _("New Agent") : _("Edit Agent"));

  if (spec != NULL && spec->temperature >= 0)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      temperature = g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%g", spec->temperature));
    }
  if (spec != NULL && spec->max_tokens > 0)
    max_tokens = g_strdup_printf ("%" G_GINT64_FORMAT, spec->max_tokens);
  for (guint i = 0; spec != NULL && i < self->providers->len; i++)
    {
      DaStoredProvider *stored = g_ptr_array_index (self->providers, i);

      if (g_strcmp0 (stored->kind, spec->provider_kind) == 0 &&
          g_strcmp0 (stored->base_url, spec->base_url) == 0)
        provider = i;
    }
  /* A new agent starts with the first provider; an agent whose provider
   * was removed starts with none, and the form says to choose one. */
  if (spec == NULL && self->providers->len > 0)
    provider = 0;

  gtk_stack_set_visible_child_name (self->stack, "editor");
  set_text (self->name_row, spec ? spec->name : "");
  set_text (self->description_row, spec ? spec->description : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->system_view),
                            spec && spec->system_message ? spec->system_message : "", -1);
  adw_combo_row_set_selected (self->provider_row, provider);
  set_text (self->model_row, spec ? spec->model : "");
  set_text (self->temperature_row, temperature);
  set_text (self->max_tokens_row, max_tokens);
  da_agent_permissions_load (self->permissions, id < 0 || spec == NULL ? NULL : spec->name,
                             spec ? (const char * const *) spec->tools : NULL,
                             spec ? spec->permissions : NULL);
  update_permissions_row (self);
  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static DaAgentSpec *
find_spec (DaAgentLibrary *self,
           gint64          id)
{
  g_autoptr(GPtrArray) agents = da_application_list_agents (self->app);

  for (guint i = 0; i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);

      if (agent->id == id)
        return da_agent_spec_from_json (agent->config_json, NULL);
    }

  return NULL;
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (DA_AGENT_LIBRARY (widget), -1, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(DaAgentSpec) spec = find_spec (self, id);

  if (spec != NULL)
    open_editor (self, id, spec);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);

  self->editing_id = G_MININT64;
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);
  g_auto(GStrv) taken = taken_names (self);
  g_autoptr(DaAgentSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = NULL;
  g_autofree char *system = NULL;
  DaStoredProvider *provider = selected_provider (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->system_view);
  GtkTextIter start, end;
  const char *text;
  double temperature;
  gint64 max_tokens;

  problems = da_agent_spec_validate (gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                     gtk_editable_get_text (GTK_EDITABLE (self->temperature_row)),
                                     gtk_editable_get_text (GTK_EDITABLE (self->max_tokens_row)),
                                     provider != NULL, (const char * const *) taken,
                                     &temperature, &max_tokens);
  if (problems != NULL)
    {
      validate (self);
      return;
    }

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  system = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  spec = da_agent_spec_new (NULL);
  spec->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  text = gtk_editable_get_text (GTK_EDITABLE (self->description_row));
  spec->description = *text ? g_strdup (text) : NULL;
  spec->system_message = *system ? g_steal_pointer (&system) : NULL;
  spec->provider_kind = g_strdup (provider->kind);
  spec->base_url = g_strdup (provider->base_url);
  text = gtk_editable_get_text (GTK_EDITABLE (self->model_row));
  spec->model = *text ? g_strdup (text) : NULL;
  spec->temperature = temperature;
  spec->max_tokens = max_tokens;
  spec->tools = da_agent_permissions_dup_tools (self->permissions);
  spec->permissions = da_agent_permissions_dup_permissions (self->permissions);

  if (da_application_save_agent (self->app, self->editing_id, spec, &error) < 0)
    {
      g_autofree char *message = g_strdup_printf (_("The agent could not be saved: %s"), error->message);

      toast (self, message);
      return;
    }

  toast (self, _("Agent saved"));
  back_action (widget, NULL, NULL);
}

static void
permissions_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  adw_window_title_set_subtitle (self->permissions_title, name);
  gtk_stack_set_visible_child_name (self->stack, "permissions");
}

static void
permissions_done_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);

  update_permissions_row (self);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);
  g_autoptr(DaAgentSpec) spec = find_spec (self, g_variant_get_int64 (parameter));
  g_auto(GStrv) taken = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  if (spec == NULL)
    return;

  self->editing_id = -1;
  taken = taken_names (self);
  self->editing_id = G_MININT64;
  base = g_steal_pointer (&spec->name);
  /* TRANSLATORS: the name of a copy of an agent */
  spec->name = g_strdup_printf (_("%s (copy)"), base);
  for (guint n = 2; g_strv_contains ((const char * const *) taken, spec->name); n++)
    {
      g_free (spec->name);
      /* TRANSLATORS: the name of the nth copy of an agent */
      spec->name = g_strdup_printf (_("%s (copy %u)"), base, n);
    }

  if (da_application_save_agent (self->app, -1, spec, &error) < 0)
    {
      g_autofree char *message = g_strdup_printf (_("The agent could not be saved: %s"), error->message);

      toast (self, message);
    }
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (widget);
  g_autoptr(GError) error = NULL;

  if (!da_application_delete_agent (self->app, g_variant_get_int64 (parameter), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The agent could not be deleted: %s"), error->message);

      toast (self, message);
      return;
    }

  toast (self, _("Agent deleted"));
}

static void
da_agent_library_dispose (GObject *object)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (object);

  g_clear_object (&self->app);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_AGENT_LIBRARY);

  G_OBJECT_CLASS (da_agent_library_parent_class)->dispose (object);
}

static void
da_agent_library_finalize (GObject *object)
{
  DaAgentLibrary *self = DA_AGENT_LIBRARY (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_free (self->problems);

  G_OBJECT_CLASS (da_agent_library_parent_class)->finalize (object);
}

static void
da_agent_library_class_init (DaAgentLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_agent_library_dispose;
  object_class->finalize = da_agent_library_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-agent-library.ui");
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, stack);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, agents_group);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, editor_title);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, save_button);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, problems_label);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, name_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, description_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, system_view);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, provider_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, model_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, max_tokens_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, permissions_row);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, permissions_title);
  gtk_widget_class_bind_template_child (widget_class, DaAgentLibrary, permissions);
  gtk_widget_class_bind_template_callback (widget_class, validate);

  gtk_widget_class_install_action (widget_class, "agent.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "agent.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "agent.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "agent.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "agent.permissions", NULL, permissions_action);
  gtk_widget_class_install_action (widget_class, "agent.permissions-done", NULL, permissions_done_action);
  gtk_widget_class_install_action (widget_class, "agent.duplicate", "x", duplicate_action);
  gtk_widget_class_install_action (widget_class, "agent.delete", "x", delete_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
da_agent_library_init (DaAgentLibrary *self)
{
  self->rows = g_ptr_array_new ();
  self->editing_id = G_MININT64;
  g_type_ensure (DA_TYPE_AGENT_PERMISSIONS);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
da_agent_library_new (DaApplication *application)
{
  DaAgentLibrary *self;

  g_return_val_if_fail (DA_IS_APPLICATION (application), NULL);

  self = g_object_new (DA_TYPE_AGENT_LIBRARY, "application", application, NULL);
  self->app = g_object_ref (application);
  g_signal_connect_object (application, "agents-changed", G_CALLBACK (rebuild_list),
                           self, G_CONNECT_SWAPPED);
  rebuild_list (self);
  rebuild_providers (self);
  da_agent_permissions_set_broker (self->permissions,
                                   da_app_security_get_broker (da_app_security_get_default ()));

  return GTK_WIDGET (self);
}

/* NULL while the editor's form is valid. */
const char *
da_agent_library_get_problems (DaAgentLibrary *self)
{
  g_return_val_if_fail (DA_IS_AGENT_LIBRARY (self), NULL);

  return self->problems;
}

/* "name", "description", "system", "provider", "model", "temperature",
 * "max-tokens", "permissions" (the DaAgentPermissions page): the editor's
 * fields, for keyboard-free tests. */
GtkWidget *
da_agent_library_get_field (DaAgentLibrary *self,
                            const char     *name)
{
  g_return_val_if_fail (DA_IS_AGENT_LIBRARY (self), NULL);

  if (g_str_equal (name, "name"))
    return GTK_WIDGET (self->name_row);
  if (g_str_equal (name, "description"))
    return GTK_WIDGET (self->description_row);
  if (g_str_equal (name, "system"))
    return GTK_WIDGET (self->system_view);
  if (g_str_equal (name, "provider"))
    return GTK_WIDGET (self->provider_row);
  if (g_str_equal (name, "model"))
    return GTK_WIDGET (self->model_row);
  if (g_str_equal (name, "temperature"))
    return GTK_WIDGET (self->temperature_row);
  if (g_str_equal (name, "max-tokens"))
    return GTK_WIDGET (self->max_tokens_row);
  if (g_str_equal (name, "permissions"))
    return GTK_WIDGET (self->permissions);

  g_return_val_if_reached (NULL);
}
