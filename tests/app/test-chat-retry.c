/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Retry in a chat, as a person uses it: the real application under Xvfb,
 * the loopback provider failing mid-stream, the real history file. The
 * failed reply the person retries leaves the list and the history; only
 * the new attempt remains. */
#include "config.h"

#include <adwaita.h>

#include "da-agent-spec.h"
#include "da-application.h"
#include "da-chat-session.h"
#include "da-message.h"
#include "da-store.h"
#include "da-test-util.h"
#include "da-window.h"

static gboolean
session_idle (gpointer data)
{
  return !da_chat_session_get_busy (DA_CHAT_SESSION (data));
}

static DaMessage *
last_message (DaChatSession *session)
{
  GListModel *messages = da_chat_session_get_messages (session);
  guint n = g_list_model_get_n_items (messages);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (messages, n - 1);
}

/* The Retry button a failed reply shows. */
static GtkWidget *
find_retry_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "chat.retry") == 0)
        return child;
      if ((found = find_retry_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
retry_shown (gpointer data)
{
  return find_retry_button (data) != NULL;
}

static DaChatSession *
chat_with (DaApplication *app,
           DaWindow      *window,
           const char    *agent_name,
           const char    *model,
           const char    *text)
{
  const char *url = da_test_server_start (NULL);
  g_autoptr(DaAgentSpec) spec = da_agent_spec_new (agent_name);
  g_autoptr(GError) error = NULL;
  DaChatView *view = da_window_get_chat_view (window);
  DaChatSession *session;

  da_application_add_provider (app, "openai", url, "echo");
  spec->provider_kind = g_strdup ("openai");
  spec->base_url = g_strdup (url);
  spec->model = g_strdup (model);
  g_assert_cmpint (da_application_save_agent (app, -1, spec, &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat-with-agent",
                                             "s", agent_name));
  session = da_window_get_session (window);
  g_assert_nonnull (session);
  da_chat_view_set_draft (view, text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "chat.send", NULL));
  g_assert_true (da_test_wait_for (session_idle, session, 20000));
  return session;
}

static GPtrArray *
stored_messages (DaChatSession *session)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  GPtrArray *messages;

  g_assert_no_error (error);
  messages = da_store_load_messages (store, da_chat_session_get_conversation_id (session), &error);
  g_assert_no_error (error);
  return messages;
}

static gint64
stored_count (DaChatSession *session)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  g_autoptr(DaConversation) conversation = NULL;

  g_assert_no_error (error);
  conversation = da_store_get_conversation (store, da_chat_session_get_conversation_id (session), &error);
  g_assert_no_error (error);
  return da_conversation_get_message_count (conversation);
}

static guint
search_hits (const char *query)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  g_autoptr(GPtrArray) hits = NULL;

  g_assert_no_error (error);
  hits = da_store_search (store, query, 50, &error);
  g_assert_no_error (error);
  return hits->len;
}

/* The server fails the first reply mid-stream and answers the retry. */
static void
test_retry_succeeds (DaApplication *app,
                     GtkWindow     *window)
{
  DaWindow *win = DA_WINDOW (window);
  DaChatSession *session;
  g_autoptr(DaMessage) failed = NULL;
  g_autoptr(DaMessage) answer = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  GtkWidget *retry;

  session = chat_with (app, win, "Shaky", "error-mid-once", "Where is Lisbon?");
  failed = last_message (session);
  g_assert_cmpint (da_message_get_state (failed), ==, DA_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (da_message_get_content (failed), ==, "Partial answer before ");
  g_assert_cmpint (da_message_get_id (failed), >, 0);
  stored = stored_messages (session);
  g_assert_cmpuint (stored->len, ==, 2);
  g_clear_pointer (&stored, g_ptr_array_unref);

  g_assert_true (da_test_wait_for (retry_shown, window, 5000));
  g_free (da_test_screenshot (GTK_WIDGET (window), "chat-retry-01-failed"));
  retry = find_retry_button (GTK_WIDGET (window));
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (da_test_wait_for (session_idle, session, 20000));

  /* The list holds the question and the new answer only. */
  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (session)), ==, 2);
  answer = last_message (session);
  g_assert_true (answer != failed);
  g_assert_cmpint (da_message_get_state (answer), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (da_message_get_content (answer), ==, "Echo: Where is Lisbon?");
  g_assert_null (find_retry_button (GTK_WIDGET (window)));
  g_free (da_test_screenshot (GTK_WIDGET (window), "chat-retry-02-answered"));

  /* So does the history, and its search index. */
  stored = stored_messages (session);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (stored, 0)), ==, "Where is Lisbon?");
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (stored, 1)), ==, "Echo: Where is Lisbon?");
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (stored, 1)), ==, DA_MESSAGE_STATE_COMPLETE);
  /* (SQLite may give the new answer the failed reply's free id.) */
  g_assert_cmpint (da_message_get_id (g_ptr_array_index (stored, 1)), ==, da_message_get_id (answer));
  g_assert_cmpint (da_message_get_id (failed), ==, -1);
  g_assert_cmpint (stored_count (session), ==, 2);
  g_assert_cmpuint (search_hits ("Partial"), ==, 0);

  da_test_server_stop ();
}

/* A reply that fails every time: each retry replaces the failed one, so
 * there is never more than one. */
static void
test_retry_fails_again (DaApplication *app,
                        GtkWindow     *window)
{
  DaWindow *win = DA_WINDOW (window);
  DaChatSession *session;
  g_autoptr(DaMessage) first = NULL;
  g_autoptr(DaMessage) second = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  session = chat_with (app, win, "Broken", "error-mid", "Tell me about trams");
  first = last_message (session);
  g_assert_cmpint (da_message_get_state (first), ==, DA_MESSAGE_STATE_ERROR);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (da_test_wait_for (retry_shown, window, 5000));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (da_window_get_chat_view (win)),
                                                 "chat.retry", NULL));
      g_assert_true (da_test_wait_for (session_idle, session, 20000));
    }

  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (session)), ==, 2);
  second = last_message (session);
  g_assert_true (second != first);
  g_assert_cmpint (da_message_get_state (second), ==, DA_MESSAGE_STATE_ERROR);

  stored = stored_messages (session);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpint (da_message_get_id (g_ptr_array_index (stored, 1)), ==, da_message_get_id (second));
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (stored, 1)), ==, DA_MESSAGE_STATE_ERROR);
  g_assert_cmpint (stored_count (session), ==, 2);
  g_assert_cmpuint (search_hits ("Partial"), ==, 1);

  da_test_server_stop ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/chat-retry/succeeds", test_retry_succeeds);
  da_test_add_app_func ("/app/chat-retry/fails-again", test_retry_fails_again);

  return g_test_run ();
}
