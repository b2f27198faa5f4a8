/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-application.h"
#include "da-autogen-import.h"
#include "da-group-chat.h"
#include "da-team-actions.h"
#include "da-team-editor.h"

/* The visual team editor. The team is a DaTeamDraft: the participants'
 * team-file objects (from the agent library, or made here), the
 * transitions as a grid of check buttons (rows speak, columns may answer),
 * and the stop conditions. Export writes the team file that
 * da_team_config parses; import reads one, or an AutoGen team, converted,
 * with what could not be mapped listed by name and JSON path. Save puts
 * it in $XDG_DATA_HOME/denoagents/teams/NAME.json, where the gallery
 * lists it. */

struct _DaTeamEditor
{
  AdwApplicationWindow  parent_instance;

  DaStore              *store;
  DaTeamDraft          *draft;
  GPtrArray            *library;        /* JsonObject, the store's agents */
  GtkFileChooserNative *chooser;
  GtkWindow            *import_report;  /* weak */

  AdwToastOverlay      *toast_overlay;
  AdwEntryRow          *name_row;
  AdwComboRow          *selection_row;
  AdwActionRow         *repeat_row;
  GtkSwitch            *repeat_switch;
  AdwPreferencesGroup  *selector_group;
  GtkSpinButton        *selector_attempts_spin;
  GtkTextView          *selector_prompt_view;
  GtkSpinButton        *max_round_spin;
  GtkMenuButton        *library_button;
  GtkPopover           *library_popover;
  GtkListBox           *library_list;
  GtkListBox           *participants_list;
  AdwEntryRow          *new_name_row;
  AdwEntryRow          *new_reply_row;
  GtkGrid              *transitions_grid;
  AdwComboRow          *combine_row;
  GtkSpinButton        *max_messages_spin;
  AdwEntryRow          *mention_row;
  AdwEntryRow          *sources_row;
  GtkSpinButton        *tokens_spin;
  GtkSpinButton        *timeout_spin;
  GtkLabel             *custom_label;
};

G_DEFINE_FINAL_TYPE (DaTeamEditor, da_team_editor, ADW_TYPE_APPLICATION_WINDOW)

static void rebuild (DaTeamEditor *self);
static void selection_changed_cb (DaTeamEditor *self);

static void
toast (DaTeamEditor *self,
       const char   *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* Widgets → draft */
static void
read_widgets (DaTeamEditor *self)
{
  DaTeamDraft *d = self->draft;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  const char *sources = gtk_editable_get_text (GTK_EDITABLE (self->sources_row));
  gint64 max_messages = gtk_spin_button_get_value_as_int (self->max_messages_spin);
  const char *mention = gtk_editable_get_text (GTK_EDITABLE (self->mention_row));
  gint64 tokens = (gint64)gtk_spin_button_get_value (self->tokens_spin);
  gint64 timeout = gtk_spin_button_get_value_as_int (self->timeout_spin);
  gboolean all = adw_combo_row_get_selected (self->combine_row) == 1;

  g_free (d->name);
  d->name = g_steal_pointer (&name);
  d->kind = (DaTeamKind)adw_combo_row_get_selected (self->selection_row);
  d->max_round = gtk_spin_button_get_value_as_int (self->max_round_spin);
  d->allow_repeat_speaker = gtk_switch_get_active (self->repeat_switch);

  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->selector_prompt_view);
    GtkTextIter start, end;
    g_autofree char *prompt = NULL;
    gint64 attempts = gtk_spin_button_get_value_as_int (self->selector_attempts_spin);

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    prompt = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_free (d->selector_prompt);
    d->selector_prompt = *g_strstrip (prompt) != '\0' ? g_steal_pointer (&prompt) : NULL;
    /* The default stays unwritten unless the file had it. */
    if (d->selector_max_attempts > 0 || attempts != DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS)
      d->selector_max_attempts = attempts;
  }

  /* A termination kept as written stays until a field is changed. */
  if (d->custom_termination != NULL &&
      (max_messages != 0 || *mention != '\0' || tokens != 0 || timeout != 0))
    {
      g_clear_pointer (&d->custom_termination, json_node_unref);
      gtk_widget_set_visible (GTK_WIDGET (self->custom_label), FALSE);
    }

  d->max_messages = max_messages;
  d->max_tokens = tokens;
  d->timeout = timeout;
  d->all = all;
  g_free (d->mention);
  d->mention = *mention ? g_strdup (mention) : NULL;
  g_clear_pointer (&d->mention_sources, g_strfreev);
  if (*sources != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (sources, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; parts[i] != NULL; i++)
        if (*g_strstrip (parts[i]) != '\0')
          g_strv_builder_add (builder, parts[i]);
      d->mention_sources = g_strv_builder_end (builder);
    }
}

/* Draft → widgets */
static void
load_widgets (DaTeamEditor *self)
{
  DaTeamDraft *d = self->draft;
  g_autofree char *sources = d->mention_sources ? g_strjoinv (", ", d->mention_sources) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), d->name);
  adw_combo_row_set_selected (self->selection_row, d->kind);
  gtk_spin_button_set_value (self->max_round_spin, d->max_round > 0 ? d->max_round : 10);
  gtk_switch_set_active (self->repeat_switch, d->allow_repeat_speaker);
  gtk_spin_button_set_value (self->selector_attempts_spin,
                             d->selector_max_attempts > 0 ? d->selector_max_attempts
                                                          : DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->selector_prompt_view),
                            d->selector_prompt ? d->selector_prompt : "", -1);
  adw_combo_row_set_selected (self->combine_row, d->all ? 1 : 0);
  gtk_spin_button_set_value (self->max_messages_spin, d->max_messages);
  gtk_editable_set_text (GTK_EDITABLE (self->mention_row), d->mention ? d->mention : "");
  gtk_editable_set_text (GTK_EDITABLE (self->sources_row), sources);
  gtk_spin_button_set_value (self->tokens_spin, d->max_tokens);
  gtk_spin_button_set_value (self->timeout_spin, d->timeout);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_label), d->custom_termination != NULL);
  selection_changed_cb (self);
  rebuild (self);
}

/* Only what the way of picking speakers uses is shown. */
static void
selection_changed_cb (DaTeamEditor *self)
{
  DaTeamKind kind = (DaTeamKind)adw_combo_row_get_selected (self->selection_row);

  if (self->draft == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->repeat_row), da_team_kind_has_repeat_speaker (kind));
  gtk_widget_set_visible (GTK_WIDGET (self->selector_group), kind == DA_TEAM_KIND_SELECTOR);
}

static void
transition_toggled_cb (DaTeamEditor   *self,
                       GtkCheckButton *check)
{
  da_team_draft_set_transition (self->draft,
                                g_object_get_data (G_OBJECT (check), "from"),
                                g_object_get_data (G_OBJECT (check), "to"),
                                gtk_check_button_get_active (check));
}

static void
remove_clicked_cb (DaTeamEditor *self,
                   GtkButton    *button)
{
  const char *name = g_object_get_data (G_OBJECT (button), "name");

  for (guint i = 0; i < self->draft->agents->len; i++)
    if (g_str_equal (da_team_draft_agent_name (self->draft, i), name))
      {
        da_team_draft_remove_agent (self->draft, i);
        break;
      }
  rebuild (self);
}

static const char *
describe_agent (JsonObject *agent)
{
  if (json_object_has_member (agent, "description"))
    return json_object_get_string_member_with_default (agent, "description", "");
  if (json_object_has_member (agent, "default_auto_reply") && !json_object_has_member (agent, "provider"))
    return json_object_get_string_member_with_default (agent, "default_auto_reply", "");
  return json_object_get_string_member_with_default (agent, "kind", "");
}

static void
rebuild (DaTeamEditor *self)
{
  GtkWidget *child;
  guint n = self->draft->agents->len;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->participants_list))) != NULL)
    gtk_list_box_remove (self->participants_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->transitions_grid))) != NULL)
    gtk_grid_remove (self->transitions_grid, child);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *agent = g_ptr_array_index (self->draft->agents, i);
      const char *name = da_team_draft_agent_name (self->draft, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove %s"), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), describe_agent (agent));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), adw_avatar_new (32, name, TRUE));
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (remove), "name", g_strdup (name), g_free);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->participants_list, row);

      /* Grid: names across the top and down the side. */
      gtk_grid_attach (self->transitions_grid, gtk_label_new (name), (int)i + 1, 0, 1, 1);
      child = gtk_label_new (name);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_grid_attach (self->transitions_grid, child, 0, (int)i + 1, 1, 1);
    }

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        const char *from = da_team_draft_agent_name (self->draft, i);
        const char *to = da_team_draft_agent_name (self->draft, j);
        GtkWidget *check = gtk_check_button_new ();
        g_autofree char *label = g_strdup_printf (_("%s may follow %s"), to, from);

        gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                     da_team_draft_get_transition (self->draft, from, to));
        gtk_widget_set_tooltip_text (check, label);
        gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        g_object_set_data_full (G_OBJECT (check), "from", g_strdup (from), g_free);
        g_object_set_data_full (G_OBJECT (check), "to", g_strdup (to), g_free);
        g_signal_connect_object (check, "toggled", G_CALLBACK (transition_toggled_cb), self, G_CONNECT_SWAPPED);
        gtk_grid_attach (self->transitions_grid, check, (int)j + 1, (int)i + 1, 1, 1);
      }
}

static void
add_agent (DaTeamEditor *self,
           JsonObject   *agent)
{
  g_autoptr(GError) error = NULL;

  if (!da_team_draft_add_agent (self->draft, agent, &error))
    {
      toast (self, error->message);
      return;
    }
  rebuild (self);
}

static void
library_row_activated_cb (DaTeamEditor  *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  guint i = (guint)gtk_list_box_row_get_index (row);

  gtk_popover_popdown (self->library_popover);
  if (self->library != NULL && i < self->library->len)
    add_agent (self, g_ptr_array_index (self->library, i));
}

/* The agent library: each stored agent's config_json is its team-file
 * object. The table is small; it is read when the editor opens. */
static void
load_library (DaTeamEditor *self)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->library, g_ptr_array_unref);
  self->library = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  if (self->store != NULL)
    stored = da_store_list_agents (self->store, &error);
  if (error != NULL)
    g_warning ("Could not read the agent library: %s", error->message);

  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      DaStoredAgent *entry = g_ptr_array_index (stored, i);
      g_autoptr(JsonNode) node = json_from_string (entry->config_json, NULL);
      JsonObject *object;
      GtkWidget *row;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (!json_object_has_member (object, "name"))
        json_object_set_string_member (object, "name", entry->name);
      g_ptr_array_add (self->library, json_object_ref (object));

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), describe_agent (object));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->library_list, row);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->library_button), self->library->len > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->library_button),
                               self->library->len > 0 ? NULL : _("The agent library is empty"));
}

static void
add_participant_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DaTeamEditor *self = DA_TEAM_EDITOR (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_name_row))));
  const char *reply = gtk_editable_get_text (GTK_EDITABLE (self->new_reply_row));
  g_autoptr(JsonObject) agent = json_object_new ();
  g_autoptr(GError) error = NULL;

  if (*name == '\0')
    {
      toast (self, _("A participant needs a name"));
      return;
    }
  json_object_set_string_member (agent, "name", name);
  if (*reply != '\0')
    {
      /* An agent without a model answers with its fixed reply. */
      json_object_set_string_member (agent, "kind", "conversable");
      json_object_set_string_member (agent, "default_auto_reply", reply);
    }
  else
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
      g_autofree char *kind = NULL, *base_url = NULL, *model = NULL;
      JsonObject *provider;

      if (!DA_IS_APPLICATION (app) ||
          !da_application_get_default_provider (DA_APPLICATION (app), &kind, &base_url, &model))
        {
          toast (self, _("Add a provider in Preferences, or give a fixed reply"));
          return;
        }
      json_object_set_string_member (agent, "kind", "assistant");
      provider = json_object_new ();
      json_object_set_string_member (provider, "kind", kind);
      if (base_url != NULL && *base_url != '\0')
        json_object_set_string_member (provider, "base_url", base_url);
      if (model != NULL && *model != '\0')
        json_object_set_string_member (provider, "model", model);
      json_object_set_object_member (agent, "provider", provider);
    }

  if (!da_team_draft_add_agent (self->draft, agent, &error))
    {
      toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_reply_row), "");
  rebuild (self);
}

/* Import and export */

/* Lists what an AutoGen import left out: what and why as the title, the
 * JSON path as the subtitle, as the CLI prints "PATH: what and why". */
static void
show_import_report (DaTeamEditor       *self,
                    const char * const *warnings)
{
  guint n = g_strv_length ((char **)warnings);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkWidget *list;

  if (self->import_report != NULL)
    gtk_window_destroy (self->import_report);

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u part of the AutoGen team has no equivalent here and was left out or changed:",
                                       "%u parts of the AutoGen team have no equivalent here and were left out or changed:",
                                       n), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Imported with Omissions"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What was left out"), -1);
  for (guint i = 0; i < n; i++)
    {
      const char *sep = strstr (warnings[i], ": ");
      g_autofree char *path = sep ? g_strndup (warnings[i], sep - warnings[i]) : g_strdup ("$");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sep ? sep + 2 : warnings[i]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), path);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  self->import_report = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->import_report);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * da_team_editor_import_autogen:
 * @data: an AutoGen AgentChat team component, as AutoGen Studio exports it
 *
 * Converts the team and edits it; what could not be mapped is listed in
 * a dialog (da_team_editor_get_import_report()).
 *
 * Returns: %TRUE, or %FALSE with the importer's error (the JSON path at
 *   fault first) and the team unchanged
 */
gboolean
da_team_editor_import_autogen (DaTeamEditor  *self,
                               const char    *data,
                               gssize         len,
                               GError       **error)
{
  g_auto(GStrv) warnings = NULL;
  g_autofree char *converted = NULL;

  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  converted = da_autogen_convert (data, len, &warnings, error);
  if (converted == NULL || !da_team_editor_load_json (self, converted, -1, error))
    return FALSE;

  if (warnings[0] != NULL)
    show_import_report (self, (const char * const *)warnings);
  else
    toast (self, _("AutoGen team imported"));
  return TRUE;
}

/**
 * da_team_editor_get_import_report:
 *
 * Returns: (nullable) (transfer none): the dialog listing what the last
 *   AutoGen import left out, while it is open
 */
GtkWindow *
da_team_editor_get_import_report (DaTeamEditor *self)
{
  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), NULL);
  return self->import_report;
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DaTeamEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  gboolean ok;

  ok = g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error);
  /* Either way in, an AutoGen export is recognised by its content. */
  if (ok && da_autogen_is_component (contents, (gssize)len))
    ok = da_team_editor_import_autogen (self, contents, (gssize)len, &error);
  else if (ok)
    ok = da_team_editor_load_json (self, contents, (gssize)len, &error);

  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot import: %s"), error->message);

      toast (self, text);
    }
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DaTeamEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save: %s"), error->message);

      toast (self, text);
    }
  else
    toast (self, _("Team saved"));
}

static void
write_team (DaTeamEditor *self,
            GFile        *file)
{
  g_autofree char *json = da_team_editor_to_json (self);
  g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

  g_steal_pointer (&json);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, export_written_cb, g_object_ref (self));
}

static void
chooser_response_cb (DaTeamEditor         *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (file != NULL)
    {
      if (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_OPEN)
        g_file_load_contents_async (file, NULL, import_loaded_cb, g_object_ref (self));
      else
        write_team (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_chooser (DaTeamEditor         *self,
              GtkFileChooserAction  action,
              gboolean              autogen)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gboolean open = action == GTK_FILE_CHOOSER_ACTION_OPEN;
  const char *title = autogen ? _("Import an AutoGen Team") : open ? _("Import a Team") : _("Export the Team");

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                               open ? _("_Import") : _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, autogen ? _("AutoGen team components (JSON)") : _("Team files"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (!open)
    {
      g_autofree char *name = NULL;

      read_widgets (self);
      name = g_strdup_printf ("%s.json", *self->draft->name ? self->draft->name : "team");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_chooser (DA_TEAM_EDITOR (widget), GTK_FILE_CHOOSER_ACTION_OPEN, FALSE);
}

static void
import_autogen_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_chooser (DA_TEAM_EDITOR (widget), GTK_FILE_CHOOSER_ACTION_OPEN, TRUE);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_chooser (DA_TEAM_EDITOR (widget), GTK_FILE_CHOOSER_ACTION_SAVE, FALSE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaTeamEditor *self = DA_TEAM_EDITOR (widget);
  g_autofree char *dir = da_team_draft_user_dir ();
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(DaTeamConfig) config = NULL;

  read_widgets (self);
  json = da_team_draft_to_json (self->draft);
  config = da_team_config_new_from_data (json, -1, &error);
  if (config == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save: %s"), error->message);

      toast (self, text);
      return;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      toast (self, _("Cannot create the teams folder"));
      return;
    }
  base = g_strdup_printf ("%s.json", self->draft->name);
  g_strdelimit (base, "/\\", '_');
  path = g_build_filename (dir, base, NULL);
  file = g_file_new_for_path (path);
  write_team (self, file);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DaTeamEditor *self = DA_TEAM_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (da_team_editor_run (self, &error) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot run: %s"), error->message);

      toast (self, text);
    }
}

static void
da_team_editor_dispose (GObject *object)
{
  DaTeamEditor *self = DA_TEAM_EDITOR (object);

  if (self->import_report != NULL)
    gtk_window_destroy (self->import_report);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_TEAM_EDITOR);

  G_OBJECT_CLASS (da_team_editor_parent_class)->dispose (object);
}

static void
da_team_editor_finalize (GObject *object)
{
  DaTeamEditor *self = DA_TEAM_EDITOR (object);

  g_clear_pointer (&self->draft, da_team_draft_free);
  g_clear_pointer (&self->library, g_ptr_array_unref);

  G_OBJECT_CLASS (da_team_editor_parent_class)->finalize (object);
}

static void
da_team_editor_class_init (DaTeamEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_team_editor_dispose;
  object_class->finalize = da_team_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-team-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, selection_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, repeat_switch);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, selector_group);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, selector_attempts_spin);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, selector_prompt_view);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, max_round_spin);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, library_button);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, library_popover);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, library_list);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, participants_list);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, new_name_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, new_reply_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, transitions_grid);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, combine_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, max_messages_spin);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, mention_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, sources_row);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, DaTeamEditor, custom_label);
  gtk_widget_class_bind_template_callback (widget_class, library_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.add-participant", NULL, add_participant_action);
  gtk_widget_class_install_action (widget_class, "editor.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "editor.import-autogen", NULL, import_autogen_action);
  gtk_widget_class_install_action (widget_class, "editor.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.run", NULL, run_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "editor.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.run", NULL);
}

static void
da_team_editor_init (DaTeamEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->draft = da_team_draft_new (_("New Team"));
  load_widgets (self);
}

/**
 * da_team_editor_new:
 * @application: the application
 * @store: (nullable): the store whose agent library is offered
 */
DaTeamEditor *
da_team_editor_new (GtkApplication *application,
                    DaStore        *store)
{
  DaTeamEditor *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (DA_TYPE_TEAM_EDITOR, "application", application, NULL);
  g_set_object (&self->store, store);
  load_library (self);
  return self;
}

/**
 * da_team_editor_set_draft:
 * @draft: (transfer full): the team to edit
 */
void
da_team_editor_set_draft (DaTeamEditor *self,
                          DaTeamDraft  *draft)
{
  g_return_if_fail (DA_IS_TEAM_EDITOR (self));
  g_return_if_fail (draft != NULL);

  g_clear_pointer (&self->draft, da_team_draft_free);
  self->draft = draft;
  load_widgets (self);
}

/**
 * da_team_editor_get_draft:
 *
 * Returns: (transfer none): the team as the widgets show it now
 */
DaTeamDraft *
da_team_editor_get_draft (DaTeamEditor *self)
{
  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), NULL);

  read_widgets (self);
  return self->draft;
}

char *
da_team_editor_to_json (DaTeamEditor *self)
{
  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), NULL);

  return da_team_draft_to_json (da_team_editor_get_draft (self));
}

gboolean
da_team_editor_load_json (DaTeamEditor  *self,
                          const char    *data,
                          gssize         len,
                          GError       **error)
{
  DaTeamDraft *draft;

  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), FALSE);

  draft = da_team_draft_new_from_json (data, len, error);
  if (draft == NULL)
    return FALSE;
  da_team_editor_set_draft (self, draft);
  return TRUE;
}

/**
 * da_team_editor_get_transition_button:
 *
 * Returns: (nullable) (transfer none): the check button saying whether
 *   @to may speak after @from
 */
GtkCheckButton *
da_team_editor_get_transition_button (DaTeamEditor *self,
                                      const char   *from,
                                      const char   *to)
{
  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->transitions_grid));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child) &&
        g_strcmp0 (g_object_get_data (G_OBJECT (child), "from"), from) == 0 &&
        g_strcmp0 (g_object_get_data (G_OBJECT (child), "to"), to) == 0)
      return GTK_CHECK_BUTTON (child);

  return NULL;
}

/**
 * da_team_editor_run:
 *
 * Opens a group-chat window for the team as edited.
 *
 * Returns: (nullable) (transfer none): the window, or %NULL with @error
 *   set when the team file would not be valid
 */
GtkWindow *
da_team_editor_run (DaTeamEditor  *self,
                    GError       **error)
{
  g_autofree char *json = NULL;
  g_autoptr(DaTeamConfig) config = NULL;

  g_return_val_if_fail (DA_IS_TEAM_EDITOR (self), NULL);

  json = da_team_editor_to_json (self);
  config = da_team_config_new_from_data (json, -1, error);
  if (config == NULL)
    return NULL;
  if (config->team_kind == DA_TEAM_KIND_DIRECT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("this window runs group teams; choose another way to pick speakers"));
      return NULL;
    }

  return da_team_actions_run_team (gtk_window_get_application (GTK_WINDOW (self)), config);
}
