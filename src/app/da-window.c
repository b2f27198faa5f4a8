/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-message.h"
#include "da-preferences-window.h"
#include "da-welcome-page.h"
#include "da-window.h"
#include "da-audit-window.h"

struct _DaWindow
{
  AdwApplicationWindow  parent_instance;

  DaChatSession        *session;
  GBindingGroup        *session_bindings;
  GtkFilterListModel   *filtered;
  GtkSortListModel     *sorted;
  GtkCustomFilter      *filter;
  GtkCustomSorter      *sorter;
  char                 *query;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListBox           *conversation_list;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkWidget            *chat_menu_button;
  GtkStack             *content_stack;
  DaWelcomePage        *welcome_page;
  DaChatView           *chat_view;
};

G_DEFINE_FINAL_TYPE (DaWindow, da_window, ADW_TYPE_APPLICATION_WINDOW)

static DaApplication *
get_app (DaWindow *self)
{
  return DA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static gboolean
have_provider (DaWindow *self)
{
  g_autofree char *kind = NULL, *url = NULL, *model = NULL;

  return get_app (self) != NULL &&
         da_application_get_default_provider (get_app (self), &kind, &url, &model);
}

static void
update_setup_state (DaWindow *self)
{
  gboolean ready = have_provider (self);

  da_chat_view_set_needs_setup (self->chat_view,
                                ready ? NULL : _("Add a provider to start chatting."));
  if (!ready && self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "welcome");
  else if (self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void
update_actions (DaWindow *self)
{
  gboolean has_session = self->session != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rename-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pin-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-in-new-window", has_session);
  gtk_widget_set_visible (self->chat_menu_button, has_session);
}

static void
update_sidebar_page (DaWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  if (n > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "conversations");
  else if (self->query != NULL && *self->query != '\0')
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->sidebar_stack, "empty");
}

static void
select_row_for_session (DaWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);

      if (session == self->session)
        {
          gtk_list_box_select_row (self->conversation_list,
                                   gtk_list_box_get_row_at_index (self->conversation_list, i));
          return;
        }
    }

  gtk_list_box_unselect_all (self->conversation_list);
}

void
da_window_show_session (DaWindow      *self,
                        DaChatSession *session)
{
  g_return_if_fail (DA_IS_WINDOW (self));
  g_return_if_fail (session == NULL || DA_IS_CHAT_SESSION (session));

  g_set_object (&self->session, session);
  g_binding_group_set_source (self->session_bindings, session);
  da_chat_view_set_model (self->chat_view, session ? da_chat_session_get_messages (session) : NULL);
  da_chat_view_set_busy (self->chat_view, session && da_chat_session_get_busy (session));

  if (session != NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "chat");
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      gtk_widget_grab_focus (da_chat_view_get_composer (self->chat_view));
    }
  else
    {
      adw_window_title_set_title (self->content_title, "");
      adw_window_title_set_subtitle (self->content_title, "");
    }

  select_row_for_session (self);
  update_setup_state (self);
  update_actions (self);
}

DaChatSession *
da_window_get_session (DaWindow *self)
{
  g_return_val_if_fail (DA_IS_WINDOW (self), NULL);

  return self->session;
}

DaChatView *
da_window_get_chat_view (DaWindow *self)
{
  g_return_val_if_fail (DA_IS_WINDOW (self), NULL);

  return self->chat_view;
}

/* Sidebar */

static const char *
date_group (gint64 updated_at_us)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (updated_at_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  GTimeSpan age = g_date_time_difference (today, then);

  if (age <= 0)
    return _("Today");
  if (age <= G_TIME_SPAN_DAY)
    return _("Yesterday");
  if (age <= 6 * G_TIME_SPAN_DAY)
    return _("This Week");
  return _("Older");
}

static const char *
row_group (GtkListBoxRow *row)
{
  DaChatSession *session = g_object_get_data (G_OBJECT (row), "session");

  if (da_chat_session_get_pinned (session))
    return _("Pinned");

  return date_group (da_chat_session_get_updated_at (session));
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const char *group = row_group (row);

  if (before == NULL || g_strcmp0 (group, row_group (before)) != 0)
    {
      GtkWidget *label = gtk_label_new (group);

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "heading");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_header (row, label);
    }
  else
    gtk_list_box_row_set_header (row, NULL);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DaChatSession *session = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *pin = gtk_image_new_from_icon_name ("view-pin-symbolic");
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  g_object_bind_property (session, "title", title, "label", G_BINDING_SYNC_CREATE);
  g_object_bind_property (session, "pinned", pin, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (session, "busy", spinner, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (session, "busy", spinner, "spinning", G_BINDING_SYNC_CREATE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (pin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pinned"), -1);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), pin);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "session", g_object_ref (session), g_object_unref);

  return row;
}

static int
compare_sessions (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  DaChatSession *sa = (DaChatSession *) a;
  DaChatSession *sb = (DaChatSession *) b;
  gboolean pa = da_chat_session_get_pinned (sa), pb = da_chat_session_get_pinned (sb);
  gint64 ua = da_chat_session_get_updated_at (sa), ub = da_chat_session_get_updated_at (sb);

  if (pa != pb)
    return pa ? -1 : 1;

  return (ua < ub) - (ua > ub);
}

static gboolean
session_matches (gpointer item,
                 gpointer user_data)
{
  DaWindow *self = user_data;
  DaChatSession *session = item;
  GListModel *messages;
  g_autofree char *needle = NULL;
  g_autofree char *title = NULL;

  if (self->query == NULL || *self->query == '\0')
    return TRUE;

  needle = g_utf8_casefold (self->query, -1);
  title = g_utf8_casefold (da_chat_session_get_title (session), -1);
  if (strstr (title, needle) != NULL)
    return TRUE;

  messages = da_chat_session_get_messages (session);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (messages, i);
      g_autofree char *content = g_utf8_casefold (da_message_get_content (message), -1);

      if (strstr (content, needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
session_changed_cb (DaWindow      *self,
                    GParamSpec    *pspec,
                    DaChatSession *session)
{
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  gtk_list_box_invalidate_headers (self->conversation_list);
  select_row_for_session (self);
}

static void
sessions_changed_cb (DaWindow   *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *sessions)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (sessions, i);

      g_signal_handlers_disconnect_by_func (session, session_changed_cb, self);
      g_signal_connect_object (session, "notify::updated-at", G_CALLBACK (session_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::pinned", G_CALLBACK (session_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  /* The conversation shown here was deleted (perhaps from another window). */
  if (self->session != NULL && !g_list_store_find (G_LIST_STORE (sessions), self->session, NULL))
    da_window_show_session (self, NULL);

  update_sidebar_page (self);
}

static void
conversation_activated_cb (DaWindow      *self,
                           GtkListBoxRow *row,
                           GtkListBox    *list)
{
  da_window_show_session (self, g_object_get_data (G_OBJECT (row), "session"));
}

static void
search_changed_cb (DaWindow       *self,
                   GtkSearchEntry *entry)
{
  g_free (self->query);
  self->query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_sidebar_page (self);
}

static void
stop_search_cb (DaWindow       *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* Chat */

static void
chat_send_cb (DaWindow   *self,
              const char *text,
              DaChatView *view)
{
  if (self->session != NULL)
    da_chat_session_send (self->session, text);
}

static void
chat_stop_cb (DaWindow   *self,
              DaChatView *view)
{
  if (self->session != NULL)
    da_chat_session_stop (self->session);
}

static void
chat_retry_cb (DaWindow   *self,
               DaChatView *view)
{
  if (self->session != NULL)
    da_chat_session_retry (self->session);
}

static void
provider_found_cb (DaWindow      *self,
                   const char    *kind,
                   const char    *base_url,
                   const char    *model,
                   DaWelcomePage *page)
{
  g_autofree char *text = g_strdup_printf (_("Using %s"), base_url);

  da_application_add_provider (get_app (self), kind, base_url, model);
  da_window_show_toast (self, adw_toast_new (text));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.new-chat", NULL);
}

static void
settings_changed_cb (DaWindow   *self,
                     const char *key,
                     GSettings  *settings)
{
  update_setup_state (self);
}

/* Actions */

static void
new_chat_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  g_autofree char *kind = NULL, *url = NULL, *model = NULL;
  g_autoptr(DaChatSession) session = NULL;

  if (!da_application_get_default_provider (get_app (self), &kind, &url, &model))
    {
      da_window_show_session (self, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "welcome");
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      return;
    }

  session = da_chat_session_new (_("Assistant"), NULL, kind, url, model);
  da_application_add_session (get_app (self), session);
  da_window_show_session (self, session);
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
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);

  if (self->session != NULL)
    da_chat_session_stop (self->session);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  GtkWindow *prefs = GTK_WINDOW (da_preferences_window_new (get_app (self)));

  gtk_window_set_transient_for (prefs, GTK_WINDOW (self));
  gtk_window_present (prefs);
}

static void
pin_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);

  if (self->session != NULL)
    da_chat_session_set_pinned (self->session, !da_chat_session_get_pinned (self->session));
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DaChatSession    *session)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_strcmp0 (response, "rename") == 0 && *title != '\0')
    da_chat_session_set_title (session, title);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  GtkWidget *dialog, *entry;

  if (self->session == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rename Conversation"), NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), da_chat_session_get_title (self->session));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Title"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (rename_response_cb),
                         g_object_ref (self->session), (GClosureNotify) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
undo_delete_cb (AdwToast *toast,
                DaWindow *self)
{
  DaChatSession *session = g_object_get_data (G_OBJECT (toast), "session");

  da_application_add_session (get_app (self), session);
  da_window_show_session (self, session);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  g_autoptr(DaChatSession) session = NULL;
  AdwToast *toast;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;

  session = g_object_ref (self->session);
  da_chat_session_stop (session);
  da_application_remove_session (get_app (self), session);

  text = g_strdup_printf (_("“%s” deleted"), da_chat_session_get_title (session));
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "session", g_object_ref (session), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, 0);
  da_window_show_toast (self, toast);
}

static void
open_in_new_window_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  DaWindow *window;

  if (self->session == NULL)
    return;

  window = da_window_new (get_app (self));
  da_window_show_session (window, self->session);
  gtk_window_present (GTK_WINDOW (window));
}

/* Window */

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
save_window_state (DaWindow *self)
{
  DaApplication *app = get_app (self);
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
attach_to_application (DaWindow      *self,
                       DaApplication *app)
{
  GSettings *settings = da_application_get_settings (app);
  GListModel *sessions = da_application_get_sessions (app);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  self->filter = gtk_custom_filter_new (session_matches, self, NULL);
  self->sorter = gtk_custom_sorter_new (compare_sessions, NULL, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (sessions),
                                              GTK_FILTER (g_object_ref (self->filter)));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          GTK_SORTER (g_object_ref (self->sorter)));
  gtk_list_box_bind_model (self->conversation_list, G_LIST_MODEL (self->sorted),
                           create_row, self, NULL);
  gtk_list_box_set_header_func (self->conversation_list, header_func, NULL, NULL);

  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
  sessions_changed_cb (self, 0, 0, g_list_model_get_n_items (sessions), sessions);
  g_signal_connect_object (settings, "changed::providers", G_CALLBACK (settings_changed_cb),
                           self, G_CONNECT_SWAPPED);

  update_setup_state (self);
  update_actions (self);
}

static void
da_window_constructed (GObject *object)
{
  DaWindow *self = DA_WINDOW (object);

  G_OBJECT_CLASS (da_window_parent_class)->constructed (object);

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
da_window_dispose (GObject *object)
{
  DaWindow *self = DA_WINDOW (object);

  if (self->conversation_list != NULL)
    gtk_list_box_bind_model (self->conversation_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->session_bindings);
  g_clear_object (&self->session);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);
  gtk_widget_dispose_template (GTK_WIDGET (object), DA_TYPE_WINDOW);

  G_OBJECT_CLASS (da_window_parent_class)->dispose (object);
}

static void
da_window_finalize (GObject *object)
{
  DaWindow *self = DA_WINDOW (object);

  g_free (self->query);

  G_OBJECT_CLASS (da_window_parent_class)->finalize (object);
}

static void
da_window_class_init (DaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = da_window_constructed;
  object_class->dispose = da_window_dispose;
  object_class->finalize = da_window_finalize;
  window_class->close_request = da_window_close_request;

  g_type_ensure (DA_TYPE_CHAT_VIEW);
  g_type_ensure (DA_TYPE_WELCOME_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, chat_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, chat_view);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, chat_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, chat_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, chat_retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_found_cb);

  gtk_widget_class_install_action (widget_class, "win.new-chat", NULL, new_chat_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-audit-log", NULL, da_audit_window_show_action);
  gtk_widget_class_install_action (widget_class, "win.rename-chat", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "win.pin-chat", NULL, pin_action);
  gtk_widget_class_install_action (widget_class, "win.delete-chat", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.open-in-new-window", NULL, open_in_new_window_action);
}

static void
da_window_init (DaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_bindings = g_binding_group_new ();
  g_binding_group_bind (self->session_bindings, "title", self->content_title, "title",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->session_bindings, "agent-name", self->content_title, "subtitle",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->session_bindings, "busy", self->chat_view, "busy",
                        G_BINDING_SYNC_CREATE);
}

DaWindow *
da_window_new (DaApplication *application)
{
  DaWindow *self;

  g_return_val_if_fail (DA_IS_APPLICATION (application), NULL);

  self = g_object_new (DA_TYPE_WINDOW, "application", application, NULL);
  attach_to_application (self, application);

  return self;
}

void
da_window_show_toast (DaWindow *self,
                      AdwToast *toast)
{
  g_return_if_fail (DA_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
