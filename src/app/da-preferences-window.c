/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-keyring.h"
#include "da-preferences-window.h"
#include "da-llm-error.h"
#include "da-provider-factory.h"

struct _DaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  DaApplication        *app;
  GSettings            *settings;
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
};

G_DEFINE_FINAL_TYPE (DaPreferencesWindow, da_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *schemes[] = { "default", "light", "dark" };

static char *
selected_kind (DaPreferencesWindow *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->kind_row);

  return g_strdup (item ? gtk_string_object_get_string (item) : "openai");
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
remove_provider_cb (GtkButton           *button,
                    DaPreferencesWindow *self)
{
  g_autoptr(GVariant) providers = g_settings_get_value (self->settings, "providers");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  GVariantBuilder builder;
  const char *kind, *url, *model;
  GVariantIter iter;
  guint i = 0;

  /* The key goes with the provider. */
  g_variant_get_child (providers, index, "(&s&s&s)", &kind, &url, &model);
  da_keyring_delete_async (kind, url, NULL, NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_iter_init (&iter, providers);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &kind, &url, &model))
    if (i++ != index)
      g_variant_builder_add (&builder, "(sss)", kind, url, model);
  g_settings_set_value (self->settings, "providers", g_variant_builder_end (&builder));
}

static void
rebuild_providers (DaPreferencesWindow *self)
{
  g_autoptr(GVariant) providers = g_settings_get_value (self->settings, "providers");
  const char *kind, *url, *model;
  GVariantIter iter;
  guint index = 0;

  for (guint i = 0; i < self->provider_rows->len; i++)
    adw_preferences_group_remove (self->providers_group, g_ptr_array_index (self->provider_rows, i));
  g_ptr_array_set_size (self->provider_rows, 0);

  g_variant_iter_init (&iter, providers);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &kind, &url, &model))
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", kind, *model ? model : _("server default model"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), url);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove Provider"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove Provider"), -1);
      g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (index++));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_provider_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->providers_group, row);
      g_ptr_array_add (self->provider_rows, row);
    }

  if (index == 0)
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

static void
da_preferences_window_dispose (GObject *object)
{
  DaPreferencesWindow *self = DA_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
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
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_changed_cb);

  gtk_widget_class_install_action (widget_class, "prefs.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "prefs.add", NULL, add_action);
}

static void
da_preferences_window_init (DaPreferencesWindow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new ((const char * const *) da_provider_get_kinds ());

  self->provider_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
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

  g_signal_connect_object (self->settings, "changed::providers", G_CALLBACK (rebuild_providers),
                           self, G_CONNECT_SWAPPED);
  rebuild_providers (self);

  return GTK_WIDGET (self);
}
