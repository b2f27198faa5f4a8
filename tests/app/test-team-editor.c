/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "da-application.h"
#include "da-group-chat-window.h"
#include "da-team-editor.h"
#include "da-team-gallery.h"
#include "da-test-util.h"

/* The team editor and the gallery, driven as a person would: fields
 * typed, participants added, boxes ticked, then run, export and import. */

static GtkWidget *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ENTRY_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      if ((found = find_entry_row (child, title)) != NULL)
        return found;
    }
  return NULL;
}

static void
set_row (GtkWidget  *editor,
         const char *title,
         const char *text)
{
  GtkWidget *row = find_entry_row (editor, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
add_participant (GtkWidget  *editor,
                 const char *name,
                 const char *reply)
{
  set_row (editor, "New participant’s name", name);
  set_row (editor, "Fixed reply (empty: the default model answers)", reply);
  g_assert_true (gtk_widget_activate_action (editor, "editor.add-participant", NULL));
}

static gboolean
stopped (gpointer data)
{
  return !da_group_chat_window_get_running (data);
}

static DaGroupChatWindow *
find_group_chat_window (DaApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (DA_IS_GROUP_CHAT_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
test_build_run_export_import (DaApplication *app,
                              GtkWindow     *main_window)
{
  DaTeamEditor *editor = da_team_editor_new (GTK_APPLICATION (app), NULL);
  DaTeamEditor *second;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  GtkWindow *run;
  DaGroupChatWindow *window;

  gtk_window_present (GTK_WINDOW (editor));
  set_row (GTK_WIDGET (editor), "Name", "pair");
  add_participant (GTK_WIDGET (editor), "ann", "Ann says hi.");
  add_participant (GTK_WIDGET (editor), "ben", "Ben says hi.");
  /* A second "ann" is refused. */
  add_participant (GTK_WIDGET (editor), "Ann", "again");
  g_assert_cmpuint (da_team_editor_get_draft (editor)->agents->len, ==, 2);

  gtk_check_button_set_active (da_team_editor_get_transition_button (editor, "ann", "ben"), TRUE);
  gtk_check_button_set_active (da_team_editor_get_transition_button (editor, "ben", "ann"), TRUE);
  set_row (GTK_WIDGET (editor), "A message mentions", "goodbye");
  set_row (GTK_WIDGET (editor), "Only from (names, comma-separated)", "ben");
  da_test_wait_drawn (GTK_WIDGET (editor));
  g_free (da_test_screenshot (GTK_WIDGET (editor), "team-editor"));

  /* What the editor writes is a team file the parser accepts. */
  json = da_team_editor_to_json (editor);
  config = da_team_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->name, ==, "pair");
  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_ROUND_ROBIN);
  g_assert_cmpuint (config->agents->len, ==, 2);
  g_assert_cmpstr (da_team_config_get_transitions (config, "ann")[0], ==, "ben");
  g_assert_nonnull (config->termination);

  /* Run it: a group-chat window opens; the round robin of two fixed
   * replies stops at max_round (10) since nobody says "goodbye". */
  run = da_team_editor_run (editor, &error);
  g_assert_no_error (error);
  window = DA_GROUP_CHAT_WINDOW (run);
  g_assert_true (find_group_chat_window (app) == window);
  da_group_chat_window_run (window, "Say hi.");
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  g_assert_cmpstr (da_group_chat_window_get_round_text (window), ==, "Round 10 of 10");
  g_assert_cmpstr (da_group_chat_window_get_banner_text (window), ==,
                   "The team reached its limit of 10 messages.");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Export, then import into a fresh editor: the same JSON. */
  dir = g_dir_make_tmp ("da-team-editor-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "pair.json", NULL);
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  second = da_team_editor_new (GTK_APPLICATION (app), NULL);
  g_assert_true (da_team_editor_load_json (second, contents, -1, &error));
  g_assert_no_error (error);
  again = da_team_editor_to_json (second);
  g_assert_cmpstr (again, ==, json);

  /* A broken file is refused with the parser's message. */
  g_assert_false (da_team_editor_load_json (second, "{ \"name\": \"x\" }", -1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (editor));
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
gallery_loaded (gpointer data)
{
  return da_team_gallery_get_loaded (data);
}

/* The shipped examples are valid team files, listed by the gallery, and
 * round trip through the editor unchanged in meaning. */
static void
test_gallery (DaApplication *app,
              GtkWindow     *main_window)
{
  DaTeamGallery *gallery;
  guint n;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "new-team"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "open-team"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "new-team", NULL);
  gallery = DA_TEAM_GALLERY (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (DA_IS_TEAM_GALLERY (gallery));
  g_assert_true (da_test_wait_for (gallery_loaded, gallery, 10000));
  n = da_team_gallery_get_n_teams (gallery);
  g_assert_cmpuint (n, >=, 2);
  da_test_wait_drawn (GTK_WIDGET (gallery));
  g_free (da_test_screenshot (GTK_WIDGET (gallery), "team-gallery"));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(DaTeamDraft) draft = NULL;
      g_autoptr(DaTeamConfig) before = NULL;
      g_autoptr(DaTeamConfig) after = NULL;
      g_autofree char *json = NULL;

      g_assert_true (g_file_get_contents (da_team_gallery_get_path (gallery, i), &contents, NULL, &error));
      draft = da_team_draft_new_from_json (contents, -1, &error);
      g_assert_no_error (error);
      json = da_team_draft_to_json (draft);
      before = da_team_config_new_from_data (contents, -1, &error);
      after = da_team_config_new_from_data (json, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (before->name, ==, after->name);
      g_assert_cmpuint (before->agents->len, ==, after->agents->len);
      g_assert_cmpint (before->team_kind, ==, after->team_kind);
      g_assert_cmpint (before->max_round, ==, after->max_round);
      g_assert_cmpint (before->termination != NULL, ==, after->termination != NULL);
    }

  gtk_window_destroy (GTK_WINDOW (gallery));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/team-editor/build-run-export-import", test_build_run_export_import);
  da_test_add_app_func ("/app/team-editor/gallery", test_gallery);

  return g_test_run ();
}
