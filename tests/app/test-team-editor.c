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

static GtkWidget *
find_titled (GtkWidget  *root,
             GType       type,
             const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;
      const char *child_title = NULL;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        {
          if (ADW_IS_PREFERENCES_ROW (child))
            child_title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child));
          else if (ADW_IS_PREFERENCES_GROUP (child))
            child_title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (child));
          if (title == NULL || g_strcmp0 (child_title, title) == 0)
            return child;
        }
      if ((found = find_titled (child, type, title)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_in_row (GtkWidget *editor,
             const char *title,
             GType      type)
{
  GtkWidget *row = find_titled (editor, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *widget;

  g_assert_nonnull (row);
  widget = find_titled (row, type, NULL);
  g_assert_nonnull (widget);
  return widget;
}

static gboolean
shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;
  return TRUE;
}

/* The options of a selector team: the repeat switch (shown where it
 * means something), the selector's attempts and prompt; what the editor
 * writes carries them, and an imported selector keeps its provider. */
static void
test_selector_options (DaApplication *app,
                       GtkWindow     *main_window)
{
  DaTeamEditor *editor = da_team_editor_new (GTK_APPLICATION (app), NULL);
  GtkWidget *root = GTK_WIDGET (editor);
  GtkWidget *kind = find_titled (root, ADW_TYPE_COMBO_ROW, "Who Speaks Next");
  GtkWidget *repeat_row = find_titled (root, ADW_TYPE_ACTION_ROW, "Same Speaker Twice in a Row");
  GtkWidget *selector_group = find_titled (root, ADW_TYPE_PREFERENCES_GROUP, "Speaker Selector");
  GtkWidget *repeat = find_in_row (root, "Same Speaker Twice in a Row", GTK_TYPE_SWITCH);
  GtkWidget *attempts = find_in_row (root, "Attempts", GTK_TYPE_SPIN_BUTTON);
  GtkWidget *prompt = find_titled (selector_group, GTK_TYPE_TEXT_VIEW, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  g_autoptr(DaTeamConfig) round_robin = NULL;
  g_autoptr(DaTeamConfig) imported = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autofree char *autogen_path = g_test_build_filename (G_TEST_DIST, "..", "data", "autogen", "selector.json", NULL);
  g_autofree char *autogen = NULL;

  g_assert_nonnull (kind);
  g_assert_nonnull (prompt);
  gtk_window_present (GTK_WINDOW (editor));
  set_row (root, "Name", "picked");
  add_participant (root, "ann", "Ann here.");
  add_participant (root, "ben", "Ben here.");

  /* Round robin: neither the switch nor the selector is offered. */
  g_assert_false (shown (repeat_row));
  g_assert_false (shown (selector_group));

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), DA_TEAM_KIND_SELECTOR);
  g_assert_true (shown (repeat_row));
  g_assert_true (shown (selector_group));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (repeat)));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (attempts)), ==, 3);

  gtk_switch_set_active (GTK_SWITCH (repeat), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (attempts), 5);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt)),
                            "Who of {participants} goes next?\n{history}", -1);
  da_test_wait_drawn (root);
  g_free (da_test_screenshot (root, "team-editor-selector"));

  json = da_team_editor_to_json (editor);
  config = da_team_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_SELECTOR);
  g_assert_true (config->has_allow_repeat_speaker);
  g_assert_false (config->allow_repeat_speaker);
  g_assert_cmpint (config->selector_max_attempts, ==, 5);
  g_assert_cmpstr (config->selector_prompt, ==, "Who of {participants} goes next?\n{history}");

  /* Random teams use the switch too; round robin writes neither. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), DA_TEAM_KIND_RANDOM);
  g_assert_true (shown (repeat_row));
  g_assert_false (shown (selector_group));
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), DA_TEAM_KIND_ROUND_ROBIN);
  g_free (json);
  json = da_team_editor_to_json (editor);
  round_robin = da_team_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_false (round_robin->has_allow_repeat_speaker);
  g_assert_null (round_robin->selector_prompt);

  /* An imported selector team keeps its selector model, prompt and
   * repeat setting through the editor. */
  g_assert_true (g_file_get_contents (autogen_path, &autogen, NULL, &error));
  g_assert_true (da_team_editor_import_autogen (editor, autogen, -1, &error));
  g_assert_no_error (error);
  g_assert_true (shown (selector_group));
  again = da_team_editor_to_json (editor);
  imported = da_team_config_new_from_data (again, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (imported->team_kind, ==, DA_TEAM_KIND_SELECTOR);
  g_assert_nonnull (imported->selector_provider);
  g_assert_cmpstr (imported->selector_provider->model, ==, "gpt-4o-mini");
  g_assert_cmpstr (imported->selector_prompt, ==, "Pick the next speaker from {participants}.\n{roles}\n{history}");
  g_assert_true (imported->allow_repeat_speaker);
  g_assert_cmpint (imported->selector_max_attempts, ==, 0);

  if (da_team_editor_get_import_report (editor) != NULL)
    gtk_window_destroy (da_team_editor_get_import_report (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
}

static gboolean
report_has_row (GtkWidget  *report,
                const char *title,
                const char *subtitle)
{
  for (GtkWidget *row = find_titled (report, ADW_TYPE_ACTION_ROW, NULL); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0 &&
        g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle) == 0)
      return TRUE;
  return FALSE;
}

static guint
count_rows (GtkWidget *report)
{
  guint n = 0;

  for (GtkWidget *row = find_titled (report, ADW_TYPE_ACTION_ROW, NULL); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n += ADW_IS_ACTION_ROW (row);
  return n;
}

static char *
autogen_fixture (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "autogen", file, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Import an AutoGen team: the Import button offers it, the team lands in
 * the editor, and what could not be mapped is listed by what and JSON
 * path; a swarm's handoffs to the person survive; a broken export is
 * refused with the path at fault and leaves the team as it was. */
static void
test_import_autogen (DaApplication *app,
                     GtkWindow     *main_window)
{
  DaTeamEditor *editor = da_team_editor_new (GTK_APPLICATION (app), NULL);
  GtkWidget *split = find_titled (GTK_WIDGET (editor), ADW_TYPE_SPLIT_BUTTON, NULL);
  g_autofree char *tools = autogen_fixture ("function-tool");
  g_autofree char *swarm = autogen_fixture ("swarm");
  g_autofree char *broken = autogen_fixture ("invalid-unknown-team");
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  g_autofree char *json = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GMenuModel *menu;
  GtkWindow *report;
  gboolean offered = FALSE;

  /* The Import button's menu offers the AutoGen path. */
  g_assert_nonnull (split);
  menu = adw_split_button_get_menu_model (ADW_SPLIT_BUTTON (split));
  g_assert_nonnull (menu);
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      GMenuModel *section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *action = NULL;

          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          offered |= g_strcmp0 (action, "editor.import-autogen") == 0;
        }
      g_clear_object (&section);
    }
  g_assert_true (offered);

  gtk_window_present (GTK_WINDOW (editor));
  g_assert_true (da_team_editor_import_autogen (editor, tools, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_team_editor_get_draft (editor)->name, ==, "Weather pair");
  report = da_team_editor_get_import_report (editor);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (report));
  g_assert_true (gtk_window_get_transient_for (report) == GTK_WINDOW (editor));
  g_assert_cmpuint (count_rows (GTK_WIDGET (report)), ==, 8);
  g_assert_true (report_has_row (GTK_WIDGET (report), "Python tool code cannot run here (tool 'get_weather')",
                                 "$.config.participants[0].config.workbench[0].config.tools[0]"));
  g_assert_true (report_has_row (GTK_WIDGET (report), "'memory' has no equivalent in a team file; left out",
                                 "$.config.participants[0].config.memory"));
  da_test_wait_drawn (GTK_WIDGET (report));
  g_free (da_test_screenshot (GTK_WIDGET (report), "team-editor-autogen-report"));
  gtk_window_destroy (report);
  g_assert_null (da_team_editor_get_import_report (editor));

  /* A swarm: handoffs to an agent and to the person ("user"). */
  g_assert_true (da_team_editor_import_autogen (editor, swarm, -1, &error));
  g_assert_no_error (error);
  report = da_team_editor_get_import_report (editor);
  g_assert_nonnull (report);
  g_assert_cmpuint (count_rows (GTK_WIDGET (report)), ==, 1);
  g_assert_true (report_has_row (GTK_WIDGET (report),
                                 "agent events are not counted here, only messages",
                                 "$.config.termination_condition.config.conditions[1].config.include_agent_event"));
  json = da_team_editor_to_json (editor);
  config = da_team_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->team_kind, ==, DA_TEAM_KIND_SWARM);
  g_assert_cmpstr (da_team_config_get_agent (config, "triage")->handoffs[0], ==, "billing");
  g_assert_cmpstr (da_team_config_get_agent (config, "triage")->handoffs[1], ==, "user");

  /* Broken: refused, the team unchanged. */
  before = da_team_editor_to_json (editor);
  g_assert_false (da_team_editor_import_autogen (editor, broken, -1, &error));
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "$.provider: "));
  g_clear_error (&error);
  after = da_team_editor_to_json (editor);
  g_assert_cmpstr (after, ==, before);

  if (da_team_editor_get_import_report (editor) != NULL)
    gtk_window_destroy (da_team_editor_get_import_report (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
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
  da_test_add_app_func ("/app/team-editor/selector-options", test_selector_options);
  da_test_add_app_func ("/app/team-editor/import-autogen", test_import_autogen);

  return g_test_run ();
}
