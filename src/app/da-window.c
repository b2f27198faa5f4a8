/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-agent-library.h"
#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-store-jobs.h"
#include "da-message.h"
#include "da-preferences-window.h"
#include "da-welcome-page.h"
#include "da-window.h"
#include "da-symbolic-icon.h"
#include "da-audit-window.h"

struct _DaWindow
{
  AdwApplicationWindow  parent_instance;

  DaChatSession        *session;
  GBindingGroup        *session_bindings;
  GtkSortListModel     *sorted;
  GtkCustomSorter      *sorter;
  char                 *query;
  GCancellable         *search_cancellable;
  gint64                scroll_to_message;
  GtkFileChooserNative *export_chooser;

  AdwToastOverlay      *toast_overlay;
  AdwStatusPage        *no_conversations_page;
  AdwStatusPage        *empty_page;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListBox           *conversation_list;
  GtkListBox           *search_list;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkWidget            *chat_menu_button;
  GtkWidget            *primary_menu_button;
  GMenuModel           *primary_menu;
  GMenuModel           *chat_menu;
  GtkStack             *content_stack;
  DaWelcomePage        *welcome_page;
  DaChatView           *chat_view;
};

#define SYMBOLIC_APP_ICON "/io/github/denoagents/DenoAgents/app-symbolic"

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

/* The open chat's agent is in the library but its provider was removed. */
static DaAgentSpec *
agent_without_provider (DaWindow *self)
{
  g_autoptr(DaAgentSpec) spec = NULL;

  if (self->session == NULL || get_app (self) == NULL)
    return NULL;
  spec = da_application_find_agent (get_app (self), da_chat_session_get_agent_name (self->session), NULL);
  if (spec == NULL || da_application_agent_has_provider (get_app (self), spec))
    return NULL;
  return g_steal_pointer (&spec);
}

static void
update_chat_view_setup (DaWindow *self)
{
  gboolean ready = have_provider (self);
  g_autoptr(DaAgentSpec) orphan = NULL;

  if (self->chat_view == NULL)
    return;

  orphan = ready ? agent_without_provider (self) : NULL;
  if (orphan != NULL)
    {
      g_autofree char *reason =
        g_strdup_printf (_("“%s” has no provider: the one it used was removed. "
                           "Choose another one for it to go on chatting."), orphan->name);
      g_autofree char *action = g_action_print_detailed_name ("win.edit-agent",
                                                              g_variant_new_string (orphan->name));

      da_chat_view_set_needs_setup (self->chat_view, reason);
      da_chat_view_set_setup_action (self->chat_view, _("_Choose a Provider"), action);
    }
  else
    {
      da_chat_view_set_needs_setup (self->chat_view,
                                    ready ? NULL : _("Add a provider to start chatting."));
      da_chat_view_set_setup_action (self->chat_view, _("_Set Up a Provider"), "win.preferences");
    }
}

static void
update_setup_state (DaWindow *self)
{
  gboolean ready = have_provider (self);

  update_chat_view_setup (self);
  if (!ready && self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "welcome");
  else if (self->session == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void chat_send_cb (DaWindow   *self,
                          const char *text,
                          DaChatView *view);
static void chat_stop_cb (DaWindow   *self,
                          DaChatView *view);
static void chat_retry_cb (DaWindow   *self,
                           DaChatView *view);

/* The chat view is built when a conversation is first shown, not with
 * the window: the first frame shows the welcome page or an empty one. */
static DaChatView *
ensure_chat_view (DaWindow *self)
{
  if (self->chat_view != NULL)
    return self->chat_view;

  self->chat_view = g_object_new (DA_TYPE_CHAT_VIEW, NULL);
  g_signal_connect_object (self->chat_view, "send", G_CALLBACK (chat_send_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat_view, "stop", G_CALLBACK (chat_stop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat_view, "retry", G_CALLBACK (chat_retry_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->chat_view), "chat");
  g_binding_group_bind (self->session_bindings, "busy", self->chat_view, "busy",
                        G_BINDING_SYNC_CREATE);
  update_chat_view_setup (self);

  return self->chat_view;
}

static void
update_actions (DaWindow *self)
{
  gboolean has_session = self->session != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rename-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pin-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-chat", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-in-new-window", has_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export",
                                 has_session && get_app (self) != NULL &&
                                 da_application_get_store (get_app (self)) != NULL &&
                                 g_list_model_get_n_items (da_chat_session_get_messages (self->session)) > 0);
  gtk_widget_set_visible (self->chat_menu_button, has_session);
}

static void
update_sidebar_page (DaWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  if (self->query != NULL && *self->query != '\0')
    gtk_stack_set_visible_child_name (self->sidebar_stack,
                                      gtk_list_box_get_row_at_index (self->search_list, 0) != NULL
                                      ? "results" : "no-results");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "conversations");
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

static void
session_messages_changed_cb (DaWindow *self)
{
  update_actions (self);
}

/* Once the messages are there, go to the one a search hit named. */
static void
session_loaded_cb (DaWindow *self)
{
  guint position;

  if (self->session == NULL || !da_chat_session_get_loaded (self->session))
    return;

  update_actions (self);
  if (self->scroll_to_message < 0)
    return;

  position = da_chat_session_find_message (self->session, self->scroll_to_message);
  self->scroll_to_message = -1;
  if (position == G_MAXUINT)
    return;

  da_message_list_scroll_to (da_chat_view_get_message_list (ensure_chat_view (self)), position);
}

void
da_window_show_session (DaWindow      *self,
                        DaChatSession *session)
{
  g_return_if_fail (DA_IS_WINDOW (self));
  g_return_if_fail (session == NULL || DA_IS_CHAT_SESSION (session));

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, session_loaded_cb, self);
      g_signal_handlers_disconnect_by_func (da_chat_session_get_messages (self->session),
                                            session_messages_changed_cb, self);
    }

  g_set_object (&self->session, session);
  g_binding_group_set_source (self->session_bindings, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::loaded", G_CALLBACK (session_loaded_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (da_chat_session_get_messages (session), "items-changed",
                               G_CALLBACK (session_messages_changed_cb), self, G_CONNECT_SWAPPED);
      da_chat_session_load (session);
    }
  if (session != NULL)
    ensure_chat_view (self);
  if (self->chat_view != NULL)
    {
      da_chat_view_set_model (self->chat_view, session ? da_chat_session_get_messages (session) : NULL);
      da_chat_view_set_busy (self->chat_view, session && da_chat_session_get_busy (session));
    }

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
  if (session != NULL)
    session_loaded_cb (self);
}

DaChatSession *
da_window_get_session (DaWindow *self)
{
  g_return_val_if_fail (DA_IS_WINDOW (self), NULL);

  return self->session;
}

GtkListBox *
da_window_get_search_results (DaWindow *self)
{
  g_return_val_if_fail (DA_IS_WINDOW (self), NULL);

  return self->search_list;
}

DaChatView *
da_window_get_chat_view (DaWindow *self)
{
  g_return_val_if_fail (DA_IS_WINDOW (self), NULL);

  return ensure_chat_view (self);
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
session_store_error_cb (DaWindow   *self,
                        const char *message)
{
  g_autofree char *text = g_strdup_printf (_("History not saved: %s"), message);

  da_window_show_toast (self, adw_toast_new (text));
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
      g_signal_connect_object (session, "store-error", G_CALLBACK (session_store_error_cb),
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

static GtkWidget *
create_hit_row (const DaSearchHit *hit)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (hit->conversation_title ? hit->conversation_title : _("New Chat"));
  GtkWidget *snippet = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_markup (GTK_LABEL (snippet), hit->snippet_markup);
  gtk_label_set_xalign (GTK_LABEL (snippet), 0.0);
  gtk_label_set_wrap (GTK_LABEL (snippet), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (snippet), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (snippet), 3);
  gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (snippet, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hit->conversation_title ? hit->conversation_title : "", -1);
  g_object_set_data_full (G_OBJECT (row), "hit", da_search_hit_copy (hit),
                          (GDestroyNotify) da_search_hit_free);

  return row;
}

static void
clear_search_list (DaWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->search_list))) != NULL)
    gtk_list_box_remove (self->search_list, child);
}

static void
search_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = da_store_search_finish (DA_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->search_cancellable);
  clear_search_list (self);
  if (hits == NULL)
    g_debug ("Search failed: %s", error->message);
  else
    for (guint i = 0; i < hits->len; i++)
      {
        const DaSearchHit *hit = g_ptr_array_index (hits, i);

        /* A conversation deleted but still undoable is not shown. */
        if (da_application_find_session (get_app (self), hit->conversation_id) != NULL)
          gtk_list_box_append (self->search_list, create_hit_row (hit));
      }

  update_sidebar_page (self);
}

/* GtkSearchEntry already waits for a pause in typing; each new query
 * cancels the one before. */
static void
search_changed_cb (DaWindow       *self,
                   GtkSearchEntry *entry)
{
  DaStore *store = get_app (self) ? da_application_get_store (get_app (self)) : NULL;

  g_free (self->query);
  self->query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);

  if (*self->query == '\0' || store == NULL)
    {
      clear_search_list (self);
      update_sidebar_page (self);
      return;
    }

  self->search_cancellable = g_cancellable_new ();
  da_store_flush (store);
  da_store_search_async (store, self->query, 50, self->search_cancellable,
                         search_done_cb, g_object_ref (self));
}

static void
search_hit_activated_cb (DaWindow      *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  DaSearchHit *hit = g_object_get_data (G_OBJECT (row), "hit");
  DaChatSession *session = da_application_find_session (get_app (self), hit->conversation_id);

  if (session == NULL)
    return;

  self->scroll_to_message = hit->message_id;
  da_window_show_session (self, session);
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
providers_changed_cb (DaWindow *self)
{
  update_setup_state (self);
}

static void
agents_changed_cb (DaWindow *self)
{
  update_setup_state (self);
}

/* Actions */

static void
start_chat (DaWindow          *self,
            const DaAgentSpec *agent)
{
  DaApplication *app = get_app (self);
  g_autoptr(DaChatSession) session = da_chat_session_new (da_application_get_store (app), agent);

  g_settings_set_string (da_application_get_settings (app), "default-agent", agent->name);
  da_application_add_session (app, session);
  da_window_show_session (self, session);
}

static void
new_chat_with_agent_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(DaAgentSpec) agent = da_application_find_agent (get_app (self), name, NULL);

  if (agent == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("There is no agent named “%s”"), name);

      da_window_show_toast (self, adw_toast_new (text));
      return;
    }

  start_chat (self, agent);
}

static void
choose_agent_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          DaWindow         *self)
{
  GtkDropDown *drop_down = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *item = gtk_drop_down_get_selected_item (drop_down);

  if (g_strcmp0 (response, "start") == 0 && item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.new-chat-with-agent", "s",
                                gtk_string_object_get_string (item));
  else if (g_strcmp0 (response, "agents") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.agents", NULL);
}

/* With one agent the chat starts at once; with several, the person picks
 * one, the last used being preselected. */
static void
new_chat_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  DaApplication *app = get_app (self);
  g_autoptr(DaAgentSpec) fallback = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GtkStringList) names = NULL;
  GtkWidget *dialog, *drop_down;
  guint selected = 0;

  if (!have_provider (self))
    {
      da_window_show_session (self, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "welcome");
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      return;
    }

  fallback = da_application_get_default_agent (app);
  agents = da_application_list_agents (app);
  if (fallback == NULL || agents->len == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.agents", NULL);
      return;
    }
  if (agents->len == 1)
    {
      start_chat (self, fallback);
      return;
    }

  names = gtk_string_list_new (NULL);
  for (guint i = 0; i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);

      gtk_string_list_append (names, agent->name);
      if (g_strcmp0 (agent->name, fallback->name) == 0)
        selected = i;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("New Chat"),
                                   _("Which agent do you want to talk to?"));
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), selected);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Agent"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), drop_down);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "agents", _("_Manage Agents…"),
                                    "start", _("_Start Chat"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (choose_agent_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
agents_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  GtkWindow *library = GTK_WINDOW (da_agent_library_new (get_app (self)));

  gtk_window_set_transient_for (library, GTK_WINDOW (self));
  gtk_window_present (library);
}

/* The agent library, open at one agent's editor. */
static void
edit_agent_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  g_autoptr(DaAgentSpec) spec = NULL;
  GtkWidget *library;
  gint64 id = -1;

  if (get_app (self) == NULL ||
      (spec = da_application_find_agent (get_app (self), g_variant_get_string (parameter, NULL), &id)) == NULL)
    return;

  library = da_agent_library_new (get_app (self));
  gtk_window_set_transient_for (GTK_WINDOW (library), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (library));
  gtk_widget_activate_action (library, "agent.edit", "x", id);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (da_store_jobs_export_finish (result, &error))
    text = g_strdup (_("Conversation exported"));
  else
    text = g_strdup_printf (_("Export failed: %s"), error->message);

  da_window_show_toast (self, adw_toast_new (text));
  g_signal_emit_by_name (self, "export-finished", error == NULL);
}

/* Writes the shown conversation to @file in a worker thread; the window
 * says how it went and emits "export-finished". */
void
da_window_export (DaWindow       *self,
                  DaExportFormat  format,
                  GFile          *file)
{
  DaStore *store;

  g_return_if_fail (DA_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  store = da_application_get_store (get_app (self));
  if (self->session == NULL || store == NULL || da_chat_session_get_conversation_id (self->session) < 0)
    return;

  da_store_flush (store);
  da_store_jobs_export_async (da_store_get_path (store), da_chat_session_get_conversation_id (self->session),
                              format, file, NULL, export_done_cb, g_object_ref (self));
}

static void
export_response_cb (DaWindow             *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  DaExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "format"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      da_window_export (self, format, file);
    }

  g_clear_object (&self->export_chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DaWindow *self = DA_WINDOW (widget);
  DaExportFormat format;
  g_autofree char *name = NULL;
  g_autofree char *safe = NULL;

  if (self->session == NULL ||
      !da_export_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;

  safe = g_strdelimit (g_strdup (da_chat_session_get_title (self->session)), "/\\:", '-');
  name = g_strconcat (safe, format == DA_EXPORT_FORMAT_JSON ? ".json" : ".md", NULL);

  g_clear_object (&self->export_chooser);
  self->export_chooser = gtk_file_chooser_native_new (_("Export Conversation"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
  g_object_set_data (G_OBJECT (self->export_chooser), "format", GINT_TO_POINTER (format));
  g_signal_connect_object (self->export_chooser, "response", G_CALLBACK (export_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
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

  da_application_undo_delete (get_app (self), session);
  da_window_show_session (self, session);
}

static void
delete_toast_dismissed_cb (AdwToast      *toast,
                           DaApplication *app)
{
  da_application_finish_delete (app, g_object_get_data (G_OBJECT (toast), "session"));
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
  da_application_delete_later (get_app (self), session);

  text = g_strdup_printf (_("“%s” deleted"), da_chat_session_get_title (session));
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "session", g_object_ref (session), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (delete_toast_dismissed_cb), get_app (self), 0);
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

  self->sorter = gtk_custom_sorter_new (compare_sessions, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (sessions)),
                                          GTK_SORTER (g_object_ref (self->sorter)));
  gtk_list_box_bind_model (self->conversation_list, G_LIST_MODEL (self->sorted),
                           create_row, self, NULL);
  gtk_list_box_set_header_func (self->conversation_list, header_func, NULL, NULL);

  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
  sessions_changed_cb (self, 0, 0, g_list_model_get_n_items (sessions), sessions);
  g_signal_connect_object (app, "providers-changed", G_CALLBACK (providers_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "agents-changed", G_CALLBACK (agents_changed_cb),
                           self, G_CONNECT_SWAPPED);
  if (da_application_get_store_error (app) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("History is not saved: %s"),
                                               da_application_get_store_error (app));

      da_window_show_toast (self, adw_toast_new (text));
    }

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
  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->export_chooser);
  g_clear_object (&self->sorted);
  g_clear_object (&self->sorter);
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

  g_type_ensure (DA_TYPE_WELCOME_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, no_conversations_page);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, search_list);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, chat_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, chat_menu);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DaWindow, welcome_page);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_hit_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_found_cb);

  gtk_widget_class_install_action (widget_class, "win.new-chat", NULL, new_chat_action);
  gtk_widget_class_install_action (widget_class, "win.new-chat-with-agent", "s", new_chat_with_agent_action);
  gtk_widget_class_install_action (widget_class, "win.agents", NULL, agents_action);
  gtk_widget_class_install_action (widget_class, "win.edit-agent", "s", edit_agent_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);

  g_signal_new ("export-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-audit-log", NULL, da_audit_window_show_action);
  gtk_widget_class_install_action (widget_class, "win.rename-chat", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "win.pin-chat", NULL, pin_action);
  gtk_widget_class_install_action (widget_class, "win.delete-chat", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.open-in-new-window", NULL, open_in_new_window_action);
}

/* Menus and the shortcuts window are built when first opened, not with
 * the window: the first frame does not wait for them. */
static void
create_menu_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  gtk_menu_button_set_menu_model (button, user_data);
}

static void
show_help_overlay_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkApplicationWindow *window = user_data;
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/denoagents/DenoAgents/help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

static void
da_window_init (DaWindow *self)
{
  g_autoptr(GSimpleAction) help_action = g_simple_action_new ("show-help-overlay", NULL);
  g_autoptr(GdkPaintable) sidebar_icon = da_symbolic_icon_new_from_resource (SYMBOLIC_APP_ICON);
  g_autoptr(GdkPaintable) content_icon = da_symbolic_icon_new_from_resource (SYMBOLIC_APP_ICON);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->primary_menu_button),
                                         create_menu_popup_cb, self->primary_menu, NULL);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->chat_menu_button),
                                         create_menu_popup_cb, self->chat_menu, NULL);
  g_signal_connect_object (help_action, "activate", G_CALLBACK (show_help_overlay_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (help_action));
  /* The application's symbolic icon, without loading the SVG renderer
   * for the first window (see da-symbolic-icon.c). */
  da_status_page_set_symbolic_icon (GTK_WIDGET (self->no_conversations_page), sidebar_icon);
  da_status_page_set_symbolic_icon (GTK_WIDGET (self->empty_page), content_icon);
  self->scroll_to_message = -1;

  self->session_bindings = g_binding_group_new ();
  g_binding_group_bind (self->session_bindings, "title", self->content_title, "title",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->session_bindings, "agent-name", self->content_title, "subtitle",
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
