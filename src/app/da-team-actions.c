/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-application.h"
#include "da-group-chat-window.h"
#include "da-team-actions.h"
#include "da-team-editor.h"
#include "da-team-gallery.h"

/* The application's team actions: app.new-team (the gallery) and
 * app.open-team (a team file into the editor), and the windows they open.
 * Team windows record their conversations in the history database, opened
 * once per application. */

#define STORE_KEY "da-team-store"

/**
 * da_team_actions_get_store:
 *
 * Returns: (nullable) (transfer none): the history, or %NULL when it
 *   cannot be opened (the team then runs unrecorded)
 */
DaStore *
da_team_actions_get_store (GtkApplication *application)
{
  DaStore *store;

  /* The application's own history, when it has one open. */
  if (DA_IS_APPLICATION (application) && da_application_get_store (DA_APPLICATION (application)) != NULL)
    return da_application_get_store (DA_APPLICATION (application));

  store = g_object_get_data (G_OBJECT (application), STORE_KEY);
  if (store == NULL && !g_object_get_data (G_OBJECT (application), STORE_KEY "-failed"))
    {
      g_autofree char *path = da_store_default_path ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GError) error = NULL;

      g_mkdir_with_parents (dir, 0700);
      store = da_store_new (path, &error);
      if (store == NULL)
        {
          g_warning ("Could not open the history at %s: %s", path, error->message);
          g_object_set_data (G_OBJECT (application), STORE_KEY "-failed", GINT_TO_POINTER (1));
          return NULL;
        }
      g_object_set_data_full (G_OBJECT (application), STORE_KEY, store, g_object_unref);
    }

  return store;
}

/**
 * da_team_actions_gallery_dirs:
 *
 * Returns: (transfer full): the folders of example teams: DA_TEAMS_DIR
 *   (":"-separated) when set, else PKGDATADIR/teams
 */
GStrv
da_team_actions_gallery_dirs (void)
{
  const char *env = g_getenv ("DA_TEAMS_DIR");

  if (env != NULL && *env != '\0')
    return g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
  return g_strsplit (PKGDATADIR G_DIR_SEPARATOR_S "teams", "\n", -1);
}

/**
 * da_team_actions_open_editor:
 * @draft: (nullable) (transfer full): the team; %NULL for an empty one
 *
 * Returns: (transfer none): the editor window
 */
GtkWindow *
da_team_actions_open_editor (GtkApplication *application,
                             DaTeamDraft    *draft)
{
  DaTeamEditor *editor = da_team_editor_new (application, da_team_actions_get_store (application));

  if (draft != NULL)
    da_team_editor_set_draft (editor, draft);
  gtk_window_present (GTK_WINDOW (editor));
  return GTK_WINDOW (editor);
}

/**
 * da_team_actions_run_team:
 *
 * Returns: (transfer none): the group-chat window, waiting for its task
 */
GtkWindow *
da_team_actions_run_team (GtkApplication *application,
                          DaTeamConfig   *config)
{
  DaGroupChatWindow *window = da_group_chat_window_new (application, config,
                                                        da_team_actions_get_store (application));

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
new_team_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (da_team_gallery_new (GTK_APPLICATION (user_data))));
}

typedef struct
{
  GtkApplication *application;
  GtkWindow      *parent;
} OpenData;

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GtkApplication) application = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  DaTeamDraft *draft = NULL;
  gsize len;

  if (g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    draft = da_team_draft_new_from_json (contents, (gssize)len, &error);

  if (draft == NULL)
    {
      GtkWindow *parent = gtk_application_get_active_window (application);
      GtkWidget *dialog = adw_message_dialog_new (parent, _("Cannot Open the Team"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  da_team_actions_open_editor (application, draft);
}

static void
open_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  GtkApplication *application = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    g_file_load_contents_async (file, NULL, opened_cb, g_object_ref (application));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_team_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *application = user_data;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Open a Team"), gtk_application_get_active_window (application),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Team files"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), application);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
da_team_actions_install (GtkApplication *application)
{
  static const GActionEntry entries[] = {
    { "new-team", new_team_action },
    { "open-team", open_team_action },
  };
  static const char *new_accels[] = { "<Control><Shift>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };

  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries, G_N_ELEMENTS (entries), application);
  gtk_application_set_accels_for_action (application, "app.new-team", new_accels);
  gtk_application_set_accels_for_action (application, "app.open-team", open_accels);
}
