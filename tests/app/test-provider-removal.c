/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Removing a provider that agents use, as a person does it in the real
 * application under Xvfb: Preferences asks first and names the agents;
 * afterwards the agent library marks them, the editor asks for another
 * provider, and their chat shows what to do instead of failing. */
#include "config.h"

#include <adwaita.h>

#include "da-agent-library.h"
#include "da-agent-spec.h"
#include "da-application.h"
#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-preferences-window.h"
#include "da-test-util.h"
#include "da-window.h"

#define OTHER_URL "http://127.0.0.1:9/v1"

static gboolean
session_idle (gpointer data)
{
  return !da_chat_session_get_busy (DA_CHAT_SESSION (data));
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
library_shown (gpointer data)
{
  return find_toplevel (DA_TYPE_AGENT_LIBRARY) != NULL;
}

/* The remove button of the provider row titled @url. */
static GtkWidget *
find_remove_button (GtkWidget  *root,
                    const char *url)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ACTION_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), url) == 0)
        return da_test_find_widget (child, GTK_TYPE_BUTTON, NULL);
      if ((found = find_remove_button (child, url)) != NULL)
        return found;
    }
  return NULL;
}

static guint
count_with_class (GtkWidget  *root,
                  const char *css_class)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += (gtk_widget_has_css_class (child, css_class) ? 1 : 0) + count_with_class (child, css_class);
  return n;
}

static GtkLabel *
find_label_containing (GtkWidget  *root,
                       const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && gtk_widget_is_visible (child) &&
          strstr (gtk_label_get_label (GTK_LABEL (child)), text) != NULL)
        return GTK_LABEL (child);
      if ((found = find_label_containing (child, text)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button_with_action (GtkWidget  *root,
                         const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_is_visible (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      if ((found = find_button_with_action (child, action)) != NULL)
        return found;
    }
  return NULL;
}

static void
save_agent (DaApplication *app,
            const char    *name,
            const char    *url,
            const char    *model)
{
  g_autoptr(DaAgentSpec) spec = da_agent_spec_new (name);
  g_autoptr(GError) error = NULL;

  spec->provider_kind = g_strdup ("openai");
  spec->base_url = g_strdup (url);
  spec->model = g_strdup (model);
  g_assert_cmpint (da_application_save_agent (app, -1, spec, &error), >, 0);
  g_assert_no_error (error);
}

static gboolean
has_provider (DaApplication *app,
              const char    *name)
{
  g_autoptr(DaAgentSpec) spec = da_application_find_agent (app, name, NULL);

  g_assert_nonnull (spec);
  return da_application_agent_has_provider (app, spec);
}

static gint64
provider_id (DaApplication *app,
             const char    *url)
{
  g_autoptr(GPtrArray) providers = da_application_list_providers (app);

  for (guint i = 0; i < providers->len; i++)
    {
      DaStoredProvider *provider = g_ptr_array_index (providers, i);

      if (g_strcmp0 (provider->base_url, url) == 0)
        return provider->id;
    }
  return -1;
}

static void
test_remove_used_provider (DaApplication *app,
                           GtkWindow     *window)
{
  const char *url = da_test_server_start (NULL);
  DaWindow *win = DA_WINDOW (window);
  DaChatView *view = da_window_get_chat_view (win);
  DaChatSession *session;
  DaAgentLibrary *library;
  GtkWidget *prefs, *remove, *setup;
  AdwMessageDialog *dialog;
  g_auto(GStrv) users = NULL;
  g_autoptr(DaMessage) reply = NULL;
  const char *body;
  guint n_messages;

  /* Two providers; the first makes the "Assistant" agent. */
  g_assert_cmpint (da_application_add_provider (app, "openai", url, "echo"), >, 0);
  g_assert_cmpint (da_application_add_provider (app, "openai", OTHER_URL, "echo"), >, 0);
  save_agent (app, "Helper", url, "echo");
  save_agent (app, "Elsewhere", OTHER_URL, "echo");
  users = da_application_list_agents_using_provider (app, provider_id (app, url));
  g_assert_cmpuint (g_strv_length (users), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) users, "Assistant"));
  g_assert_true (g_strv_contains ((const char * const *) users, "Helper"));

  /* Helper chats through it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat-with-agent", "s", "Helper"));
  session = da_window_get_session (win);
  da_chat_view_set_draft (view, "Hello");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "chat.send", NULL));
  g_assert_true (da_test_wait_for (session_idle, session, 20000));
  reply = g_list_model_get_item (da_chat_session_get_messages (session), 1);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Echo: Hello");

  /* Removing it asks first, naming the agents that use it. */
  prefs = da_preferences_window_new (app);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
  da_test_wait_drawn (prefs);
  remove = find_remove_button (prefs, url);
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");
  g_assert_true (da_test_wait_for (message_dialog_shown, NULL, 5000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "“Assistant”"));
  g_assert_nonnull (strstr (body, "“Helper”"));
  g_assert_null (strstr (body, "Elsewhere"));
  g_assert_nonnull (strstr (body, "need another provider"));
  da_test_wait_drawn (GTK_WIDGET (dialog));
  g_free (da_test_screenshot (GTK_WIDGET (dialog), "provider-removal-01-confirm"));

  /* Cancel keeps it. */
  adw_message_dialog_response (dialog, "cancel");
  da_test_wait_ms (50);
  g_assert_cmpint (provider_id (app, url), >, 0);
  g_assert_true (has_provider (app, "Helper"));

  g_signal_emit_by_name (find_remove_button (prefs, url), "clicked");
  g_assert_true (da_test_wait_for (message_dialog_shown, NULL, 5000));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "remove");
  da_test_wait_ms (50);
  g_assert_cmpint (provider_id (app, url), ==, -1);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* The agents that used it need a provider; the other one does not. */
  g_assert_false (has_provider (app, "Helper"));
  g_assert_false (has_provider (app, "Assistant"));
  g_assert_true (has_provider (app, "Elsewhere"));

  /* Their chat says what to do instead of failing. */
  da_test_wait_drawn (GTK_WIDGET (window));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (view), "“Helper” has no provider"));
  setup = find_button_with_action (GTK_WIDGET (view), "win.edit-agent");
  g_assert_nonnull (setup);
  g_free (da_test_screenshot (GTK_WIDGET (window), "provider-removal-02-chat"));
  n_messages = g_list_model_get_n_items (da_chat_session_get_messages (session));
  da_chat_view_set_draft (view, "Are you there?");
  gtk_widget_activate_action (GTK_WIDGET (view), "chat.send", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "chat.retry", NULL);
  g_assert_false (da_chat_session_get_busy (session));
  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (session)), ==, n_messages);

  /* The call to action opens the agent's editor with no provider chosen,
   * and the library list marks both agents. */
  g_signal_emit_by_name (setup, "clicked");
  g_assert_true (da_test_wait_for (library_shown, NULL, 5000));
  library = DA_AGENT_LIBRARY (find_toplevel (DA_TYPE_AGENT_LIBRARY));
  da_test_wait_drawn (GTK_WIDGET (library));
  g_assert_cmpuint (count_with_class (GTK_WIDGET (library), "needs-provider"), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (da_agent_library_get_field (library, "name"))),
                   ==, "Helper");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (da_agent_library_get_field (library, "provider"))),
                    ==, GTK_INVALID_LIST_POSITION);
  g_assert_nonnull (da_agent_library_get_problems (library));
  g_assert_nonnull (strstr (da_agent_library_get_problems (library), "Choose a provider"));
  g_free (da_test_screenshot (GTK_WIDGET (library), "provider-removal-03-editor"));

  /* Choosing the remaining provider makes it whole again. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (da_agent_library_get_field (library, "provider")), 0);
  g_assert_null (da_agent_library_get_problems (library));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
  g_assert_true (has_provider (app, "Helper"));
  g_assert_null (find_label_containing (GTK_WIDGET (view), "has no provider"));
  g_assert_cmpuint (count_with_class (GTK_WIDGET (library), "needs-provider"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (library));

  da_test_server_stop ();
}

/* A provider no agent uses is also confirmed, and says so. */
static void
test_remove_unused_provider (DaApplication *app,
                             GtkWindow     *window)
{
  GtkWidget *prefs;
  AdwMessageDialog *dialog;

  g_assert_cmpint (da_application_add_provider (app, "openai", "http://127.0.0.1:7/v1", NULL), >, 0);
  prefs = da_preferences_window_new (app);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
  da_test_wait_drawn (prefs);
  g_signal_emit_by_name (find_remove_button (prefs, "http://127.0.0.1:7/v1"), "clicked");
  g_assert_true (da_test_wait_for (message_dialog_shown, NULL, 5000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "No agent uses this provider"));
  adw_message_dialog_response (dialog, "remove");
  da_test_wait_ms (50);
  g_assert_cmpint (provider_id (app, "http://127.0.0.1:7/v1"), ==, -1);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/provider-removal/used", test_remove_used_provider);
  da_test_add_app_func ("/app/provider-removal/unused", test_remove_unused_provider);

  return g_test_run ();
}
