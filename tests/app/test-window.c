/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "da-application.h"
#include "da-test-util.h"
#include "da-window.h"

static GtkMenuButton *
find_primary_menu_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found;

      if (GTK_IS_MENU_BUTTON (child) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (child)))
        return GTK_MENU_BUTTON (child);
      if ((found = find_primary_menu_button (child)) != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_shell (DaApplication *app,
                   GtkWindow     *window)
{
  g_autofree char *shot = NULL;
  GtkWidget *leaflet;

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)), ==, APPLICATION_ID);
  leaflet = da_test_find_widget (GTK_WIDGET (window), ADW_TYPE_LEAFLET, NULL);
  g_assert_nonnull (leaflet);
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  /* The shortcuts window and the menus are built when first opened. */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  {
    GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));

    g_assert_nonnull (overlay);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (overlay)) == window);
    gtk_window_close (GTK_WINDOW (overlay));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) == overlay);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
    gtk_window_close (GTK_WINDOW (overlay));
  }
  {
    GtkMenuButton *menu = find_primary_menu_button (GTK_WIDGET (window));

    g_assert_nonnull (menu);
    g_assert_null (gtk_menu_button_get_menu_model (menu));
    gtk_menu_button_popup (menu);
    g_assert_nonnull (gtk_menu_button_get_menu_model (menu));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (menu))));
    gtk_menu_button_popdown (menu);
  }

  shot = da_test_screenshot (GTK_WIDGET (window), "window-shell");
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));
}

static void
test_window_state_saved (DaApplication *app,
                         GtkWindow     *window)
{
  GSettings *settings = da_application_get_settings (app);
  GtkWindow *second;
  int width, height;

  gtk_window_set_default_size (window, 820, 610);
  gtk_window_close (window);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  /* The next window opens at the saved size. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  second = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (second);
  gtk_window_get_default_size (second, &width, &height);
  g_assert_cmpint (width, ==, 820);
  g_assert_cmpint (height, ==, 610);
}

static void
test_color_scheme_action (DaApplication *app,
                          GtkWindow     *window)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GSettings *settings = da_application_get_settings (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme",
                                  g_variant_new_string ("dark"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));
  g_free (da_test_screenshot (GTK_WIDGET (window), "window-dark"));

  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/window/shell", test_window_shell);
  da_test_add_app_func ("/app/window/state-saved", test_window_state_saved);
  da_test_add_app_func ("/app/window/color-scheme", test_color_scheme_action);

  return g_test_run ();
}
