/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-window.h"

struct _DaWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListBox           *conversation_list;
  GtkListBox           *results_list;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkStack             *content_stack;
};

G_DEFINE_FINAL_TYPE (DaWindow, da_window, ADW_TYPE_APPLICATION_WINDOW)

static void
leaflet_folded_cb (DaWindow   *self,
                   GParamSpec *pspec,
                   AdwLeaflet *leaflet)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (leaflet));
}

static void
back_clicked_cb (DaWindow  *self,
                 GtkButton *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
save_window_state (DaWindow *self)
{
  DaApplication *app = DA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GSettings *settings;
  int width, height;

  if (app == NULL)
    return;

  settings = da_application_get_settings (app);
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
da_window_close_request (GtkWindow *window)
{
  save_window_state (DA_WINDOW (window));

  return GTK_WINDOW_CLASS (da_window_parent_class)->close_request (window);
}

static void
restore_window_state (DaWindow      *self,
                      DaApplication *app)
{
  GSettings *settings = da_application_get_settings (app);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
da_window_constructed (GObject *object)
{
  DaWindow *self = DA_WINDOW (object);

  G_OBJECT_CLASS (da_window_parent_class)->constructed (object);

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_stack_set_visible_child_name (self->sidebar_stack, "empty");
}

static void
da_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DA_TYPE_WINDOW);

  G_OBJECT_CLASS (da_window_parent_class)->dispose (object);
}

static void
da_window_class_init (DaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = da_window_constructed;
  object_class->dispose = da_window_dispose;
  window_class->close_request = da_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, results_list);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_stack);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
}

static void
da_window_init (DaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DaWindow *
da_window_new (DaApplication *application)
{
  DaWindow *self;

  g_return_val_if_fail (DA_IS_APPLICATION (application), NULL);

  self = g_object_new (DA_TYPE_WINDOW, "application", application, NULL);
  restore_window_state (self, application);

  return self;
}

void
da_window_show_toast (DaWindow *self,
                      AdwToast *toast)
{
  g_return_if_fail (DA_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
