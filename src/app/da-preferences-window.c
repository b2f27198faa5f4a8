/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-keyring.h"
#include "da-preferences-window.h"
#include "da-llm-error.h"
#include "da-provider-factory.h"
#include "da-store-jobs.h"

struct _DaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  DaApplication        *app;
  GSettings            *settings;
  GtkFileChooserNative *export_chooser;
  GCancellable         *cancellable;
  GPtrArray            *provider_rows;

  AdwPreferencesGroup  *providers_group;
  AdwComboRow          *kind_row;
  AdwEntryRow          *url_row;
  AdwEntryRow          *model_row;
  AdwPasswordEntryRow  *key_row;
  AdwActionRow         *test_row;
  GtkWidget            *test_button;
  AdwComboRow          *style_row;
  AdwActionRow         *history_row;
};

G_DEFINE_FINAL_TYPE (DaPreferencesWindow, da_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  EXPORT_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *schemes[] = { "default", "light", "dark" };

static char *
selected_kind (DaPreferencesWindow *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->kind_row);

  return g_strdup (item ? gtk_string_object_get_string (item) : "openai");
}

/* Product names, the same in every language. */
static char *
kind_display_name (GtkStringObject *item,
                   gpointer         user_data)
{
  static const struct { const char *kind; const char *name; } names[] = {
    { "openai", "OpenAI" },
    { "ollama", "Ollama" },
    { "anthropic", "Anthropic" },
    { "gemini", "Gemini" },
  };
  const char *kind = gtk_string_object_get_string (item);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_str_equal (kind, names[i].kind))
        return g_strdup (names[i].name);
    }
  return g_strdup (kind);
}

static void
kind_changed_cb (DaPreferencesWindow *self)
{
  g_autofree char *kind = selected_kind (self);
  const char *url = da_provider_get_default_base_url (kind);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
}

static void
style_changed_cb (DaPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->style_row);

  if (self->settings != NULL && selected < G_N_ELEMENTS (schemes))
    g_settings_set_string (self->settings, "color-scheme", schemes[selected]);
}

static void
remove_provider_response_cb (AdwMessageDialog    *dialog,
                             const char          *response,
                             DaPreferencesWindow *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "provider-id");

  if (g_strcmp0 (response, "remove") == 0)
    da_application_remove_provider (self->app, id);
}

/* Agents chat through a provider: removing it is confirmed, naming them,
 * since they then need another one. */
static void
remove_provider_cb (GtkButton           *button,
                    DaPreferencesWindow *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "provider-id");
  g_auto(GStrv) users = da_application_list_agents_using_provider (self->app, id);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  for (guint i = 0; users[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (names, _(", "));
      /* TRANSLATORS: an agent's name in a list of agents */
      g_string_append_printf (names, _("“%s”"), users[i]);
    }

  if (users[0] == NULL)
    body = g_strdup (_("No agent uses this provider. Its API key is removed from the keyring."));
  else
    /* TRANSLATORS: %s is a list of agent names */
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The agent %s uses this provider. It will need another "
                                         "provider before it can chat again.",
                                         "The agents %s use this provider. They will need another "
                                         "provider before they can chat again.",
                                         g_strv_length (users)),
                            names->str);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Provider?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "provider-id", g_memdup2 (&id, sizeof id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_provider_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rebuild_providers (DaPreferencesWindow *self)
{
  g_autoptr(GPtrArray) providers = da_application_list_providers (self->app);

  for (guint i = 0; i < self->provider_rows->len; i++)
    adw_preferences_group_remove (self->providers_group, g_ptr_array_index (self->provider_rows, i));
  g_ptr_array_set_size (self->provider_rows, 0);

  for (guint i = 0; i < providers->len; i++)
    {
      DaStoredProvider *provider = g_ptr_array_index (providers, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      const char *model = provider->default_model && *provider->default_model
                          ? provider->default_model : _("server default model");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", provider->kind, model);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), provider->base_url);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove Provider"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove Provider"), -1);
      g_object_set_data_full (G_OBJECT (remove), "provider-id",
                              g_memdup2 (&provider->id, sizeof provider->id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_provider_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->providers_group, row);
      g_ptr_array_add (self->provider_rows, row);
    }

  if (providers->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No provider yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add one below to start chatting."));
      adw_preferences_group_add (self->providers_group, row);
      g_ptr_array_add (self->provider_rows, row);
    }
}

static DaProvider *
provider_from_form (DaPreferencesWindow  *self,
                    GError              **error)
{
  g_autofree char *kind = selected_kind (self);
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  DaProvider *provider;

  if (*url == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Enter the server’s base URL"));
      return NULL;
    }

  provider = da_provider_new_for_kind (kind, url, error);
  if (provider != NULL && *key != '\0')
    da_provider_set_api_key (provider, key);
  if (provider != NULL)
    da_provider_set_max_retries (provider, 0);

  return provider;
}

static void
test_models_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DaPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = da_provider_list_models_finish (DA_PROVIDER (object), result, &error);

  if (g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (self->test_button, TRUE);

  if (models == NULL)
    {
      adw_action_row_set_subtitle (self->test_row, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "error");
      return;
    }

  {
    g_autofree char *list = g_strjoinv (", ", models);
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %u model (%s)",
                                                          "Connected: %u models (%s)", g_strv_length (models)),
                                             g_strv_length (models), list);

    adw_action_row_set_subtitle (self->test_row, text);
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
    if (*gtk_editable_get_text (GTK_EDITABLE (self->model_row)) == '\0' && models[0] != NULL)
      gtk_editable_set_text (GTK_EDITABLE (self->model_row), models[0]);
  }
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = provider_from_form (self, &error);

  if (provider == NULL)
    {
      adw_action_row_set_subtitle (self->test_row, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "error");
      return;
    }

  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  gtk_widget_set_sensitive (self->test_button, FALSE);
  da_provider_list_models_async (provider, self->cancellable, test_models_cb, g_object_ref (self));
}

static void
clear_form (DaPreferencesWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), "");
  kind_changed_cb (self);
}

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DaPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!da_keyring_store_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The key could not be saved: %s"), error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
      return;
    }

  da_application_add_provider (self->app,
                               g_object_get_data (G_OBJECT (self), "pending-kind"),
                               g_object_get_data (G_OBJECT (self), "pending-url"),
                               gtk_editable_get_text (GTK_EDITABLE (self->model_row)));
  clear_form (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Provider added")));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (widget);
  g_autofree char *kind = selected_kind (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = provider_from_form (self, &error);
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  if (provider == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }

  if (*key == '\0')
    {
      da_application_add_provider (self->app, kind, da_provider_get_base_url (provider),
                                   gtk_editable_get_text (GTK_EDITABLE (self->model_row)));
      clear_form (self);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Provider added")));
      return;
    }

  g_object_set_data_full (G_OBJECT (self), "pending-kind", g_strdup (kind), g_free);
  g_object_set_data_full (G_OBJECT (self), "pending-url", g_strdup (da_provider_get_base_url (provider)), g_free);
  da_keyring_store_async (kind, da_provider_get_base_url (provider), key, self->cancellable,
                          key_stored_cb, g_object_ref (self));
}

/* Data */

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (widget);
  DaStore *store = da_application_get_store (self->app);
  g_autofree char *dir = g_path_get_dirname (da_store_get_path (store));
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autofree char *uri = g_file_get_uri (file);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
export_all_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DaPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (da_store_jobs_export_finish (result, &error))
    text = g_strdup (_("History exported"));
  else
    text = g_strdup_printf (_("Export failed: %s"), error->message);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
  g_signal_emit (self, signals[EXPORT_FINISHED], 0, error == NULL);
}

/* Every conversation as one JSON array, written in a worker thread. */
void
da_preferences_window_export_all (DaPreferencesWindow *self,
                                  GFile               *file)
{
  DaStore *store;

  g_return_if_fail (DA_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  store = da_application_get_store (self->app);
  g_return_if_fail (store != NULL);

  da_store_flush (store);
  da_store_jobs_export_async (da_store_get_path (store), -1, DA_EXPORT_FORMAT_JSON, file,
                              self->cancellable, export_all_done_cb, g_object_ref (self));
}

static void
export_all_response_cb (DaPreferencesWindow  *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      da_preferences_window_export_all (self, file);
    }

  g_clear_object (&self->export_chooser);
}

static void
export_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (widget);

  g_clear_object (&self->export_chooser);
  self->export_chooser = gtk_file_chooser_native_new (_("Export All Conversations"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), "denoagents-history.json");
  g_signal_connect_object (self->export_chooser, "response", G_CALLBACK (export_all_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
}

static void
delete_all_response_cb (AdwMessageDialog    *dialog,
                        const char          *response,
                        DaPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;

  if (da_application_delete_everything (self->app, &error))
    text = g_strdup (_("All conversations deleted"));
  else
    text = g_strdup_printf (_("Could not delete the history: %s"), error->message);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
delete_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete All Conversations?"),
                                   _("Every conversation and message is removed for good. "
                                     "Agents and providers stay."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete Everything"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_all_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
da_preferences_window_dispose (GObject *object)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->export_chooser);
  g_clear_object (&self->app);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (da_preferences_window_parent_class)->dispose (object);
}

static void
da_preferences_window_finalize (GObject *object)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (object);

  g_ptr_array_unref (self->provider_rows);

  G_OBJECT_CLASS (da_preferences_window_parent_class)->finalize (object);
}

static void
da_preferences_window_class_init (DaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_preferences_window_dispose;
  object_class->finalize = da_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, providers_group);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, test_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DaPreferencesWindow, history_row);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_changed_cb);

  gtk_widget_class_install_action (widget_class, "prefs.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "prefs.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "prefs.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "prefs.export-all", NULL, export_all_action);
  gtk_widget_class_install_action (widget_class, "prefs.delete-all", NULL, delete_all_action);

  signals[EXPORT_FINISHED] = g_signal_new ("export-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
da_preferences_window_init (DaPreferencesWindow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new ((const char * const *) da_provider_get_kinds ());
  g_autoptr(GtkExpression) kind_name = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                                    G_CALLBACK (kind_display_name),
                                                                    NULL, NULL);

  self->provider_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_expression (self->kind_row, kind_name);
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  kind_changed_cb (self);
}

GtkWidget *
da_preferences_window_new (DaApplication *application)
{
  DaPreferencesWindow *self;
  g_autofree char *scheme = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (application), NULL);

  self = g_object_new (DA_TYPE_PREFERENCES_WINDOW, NULL);
  self->app = g_object_ref (application);
  self->settings = g_object_ref (da_application_get_settings (application));

  scheme = g_settings_get_string (self->settings, "color-scheme");
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i]))
      adw_combo_row_set_selected (self->style_row, i);

  g_signal_connect_object (application, "providers-changed", G_CALLBACK (rebuild_providers),
                           self, G_CONNECT_SWAPPED);
  if (da_application_get_store (application) != NULL)
    {
      const char *path = da_store_get_path (da_application_get_store (application));

      adw_action_row_set_subtitle (self->history_row, path);
    }
  else
    {
      adw_action_row_set_subtitle (self->history_row, da_application_get_store_error (application));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.export-all", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.delete-all", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.open-folder", FALSE);
    }
  rebuild_providers (self);

  return GTK_WIDGET (self);
}
