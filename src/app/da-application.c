/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-application.h"
#include "da-chat-session.h"
#include "da-resources.h"
#include "da-team-actions.h"
#include "da-window.h"

struct _DaApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GListStore     *sessions;
};

G_DEFINE_FINAL_TYPE (DaApplication, da_application, ADW_TYPE_APPLICATION)

#define SCHEMA_ID "io.github.denoagents.DenoAgents"

static void
apply_color_scheme (DaApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwStyleManager *manager = adw_style_manager_get_default ();
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (manager, value);
}

static void
color_scheme_changed_cb (DaApplication *self,
                         const char    *key,
                         GSettings     *settings)
{
  apply_color_scheme (self);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DaApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets each save its state and stop its streams. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }

  g_application_quit (G_APPLICATION (self));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  DaApplication *self = user_data;
  DaWindow *window = da_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DaApplication *self = user_data;
  static const char *developers[] = { "The DenoAgents developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("DenoAgents"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Run teams of language-model agents safely"),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "about", about_action },
};

static void
da_application_startup (GApplication *app)
{
  DaApplication *self = DA_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_chat_accels[] = { "<Control>n", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *stop_accels[] = { "Escape", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  g_autoptr(GAction) scheme_action = NULL;

  da_register_resource ();
  g_application_set_resource_base_path (app, "/io/github/denoagents/DenoAgents");

  G_APPLICATION_CLASS (da_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  da_team_actions_install (GTK_APPLICATION (self));
  scheme_action = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), scheme_action);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-chat", new_chat_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.stop", stop_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static void
da_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (da_window_new (DA_APPLICATION (app)));

  gtk_window_present (window);
}

static void
da_application_finalize (GObject *object)
{
  DaApplication *self = DA_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (da_application_parent_class)->finalize (object);
}

static void
da_application_class_init (DaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = da_application_finalize;
  app_class->startup = da_application_startup;
  app_class->activate = da_application_activate;
}

static void
da_application_init (DaApplication *self)
{
  self->settings = g_settings_new (SCHEMA_ID);
  self->sessions = g_list_store_new (DA_TYPE_CHAT_SESSION);
}

DaApplication *
da_application_new (void)
{
  return g_object_new (DA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

GSettings *
da_application_get_settings (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* Open conversations live in the application so that several windows can
 * show the same one, and a reply keeps streaming while another is shown. */
GListModel *
da_application_get_sessions (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->sessions);
}

void
da_application_add_session (DaApplication *self,
                            gpointer       session)
{
  g_return_if_fail (DA_IS_APPLICATION (self));
  g_return_if_fail (DA_IS_CHAT_SESSION (session));

  g_list_store_insert (self->sessions, 0, session);
}

void
da_application_remove_session (DaApplication *self,
                               gpointer       session)
{
  guint position;

  g_return_if_fail (DA_IS_APPLICATION (self));

  if (g_list_store_find (self->sessions, session, &position))
    g_list_store_remove (self->sessions, position);
}

gboolean
da_application_get_default_provider (DaApplication  *self,
                                     char          **kind,
                                     char          **base_url,
                                     char          **model)
{
  g_autoptr(GVariant) providers = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  providers = g_settings_get_value (self->settings, "providers");
  if (g_variant_n_children (providers) == 0)
    return FALSE;

  g_variant_get_child (providers, 0, "(sss)", kind, base_url, model);

  return TRUE;
}

void
da_application_add_provider (DaApplication *self,
                             const char    *kind,
                             const char    *base_url,
                             const char    *model)
{
  g_autoptr(GVariant) providers = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *u, *m;

  g_return_if_fail (DA_IS_APPLICATION (self));

  /* The same server again replaces the old entry. */
  providers = g_settings_get_value (self->settings, "providers");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_iter_init (&iter, providers);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &k, &u, &m))
    if (!(g_str_equal (k, kind) && g_str_equal (u, base_url)))
      g_variant_builder_add (&builder, "(sss)", k, u, m);
  g_variant_builder_add (&builder, "(sss)", kind, base_url, model ? model : "");
  g_settings_set_value (self->settings, "providers", g_variant_builder_end (&builder));
}
