/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "da-agent-library.h"
#include "da-application.h"
#include "da-chat-session.h"
#include "da-keyring.h"
#include "da-message.h"
#include "da-preferences-window.h"
#include "da-store.h"
#include "da-test-util.h"
#include "da-window.h"

/* The application as a person uses it, against the loopback provider, the
 * real keyring and the real history file. The cases run in order in one
 * throwaway HOME: /app/history/restart starts the application again and
 * finds what /app/history/chat left. */

#define TEST_KEY "sk-test-history-0123456789"

static gboolean
session_idle (gpointer data)
{
  return !da_chat_session_get_busy (DA_CHAT_SESSION (data));
}

static gboolean
history_loaded (gpointer data)
{
  return da_application_get_history_loaded (DA_APPLICATION (data));
}

static gboolean
session_loaded (gpointer data)
{
  return da_chat_session_get_loaded (DA_CHAT_SESSION (data));
}

static DaStore *
open_history (void)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  DaStore *store = da_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static DaMessage *
last_message (DaChatSession *session)
{
  GListModel *messages = da_chat_session_get_messages (session);
  guint n = g_list_model_get_n_items (messages);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (messages, n - 1);
}

static void
send (DaWindow   *window,
      const char *text)
{
  DaChatView *view = da_window_get_chat_view (window);

  da_chat_view_set_draft (view, text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "chat.send", NULL));
}

/* The reply is streaming and has some words. */
static gboolean
reply_has_text (gpointer data)
{
  GListModel *messages = da_chat_session_get_messages (DA_CHAT_SESSION (data));
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(DaMessage) last = n ? g_list_model_get_item (messages, n - 1) : NULL;

  return last != NULL && da_message_get_role (last) == DA_ROLE_ASSISTANT &&
         da_message_get_content (last)[0] != '\0';
}

static gboolean
provider_saved (gpointer data)
{
  g_autoptr(GPtrArray) providers = da_application_list_providers (DA_APPLICATION (data));

  return providers->len > 0;
}

static void
add_provider_in_preferences (DaApplication *app,
                             GtkWindow     *window,
                             const char    *url)
{
  GtkWidget *prefs = da_preferences_window_new (app);
  GtkWidget *url_row, *model_row, *key_row;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
  da_test_wait_drawn (prefs);

  url_row = da_test_find_widget (prefs, ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_nonnull (url_row);
  /* Rows in template order: base URL, default model, then the key. */
  model_row = gtk_widget_get_next_sibling (url_row);
  key_row = da_test_find_widget (prefs, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_true (ADW_IS_ENTRY_ROW (model_row));
  g_assert_nonnull (key_row);

  gtk_editable_set_text (GTK_EDITABLE (url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (model_row), "markdown");
  gtk_editable_set_text (GTK_EDITABLE (key_row), TEST_KEY);
  g_free (da_test_screenshot (prefs, "history-01-add-provider"));
  g_assert_true (gtk_widget_activate_action (prefs, "prefs.add", NULL));
  g_assert_true (da_test_wait_for (provider_saved, app, 10000));
  g_free (da_test_screenshot (prefs, "history-02-provider-added"));

  /* The key went to the keyring, the rest to the store. */
  key = da_keyring_lookup_sync ("openai", url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, TEST_KEY);
  da_keyring_secret_free (g_steal_pointer (&key));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
test_chat (DaApplication *app,
           GtkWindow     *window)
{
  const char *url = da_test_server_start (TEST_KEY);
  DaWindow *win = DA_WINDOW (window);
  DaChatSession *session, *stopped;
  g_autoptr(DaMessage) reply = NULL;
  g_autoptr(DaMessage) cut = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaAgentSpec) rambler = NULL;
  g_autoptr(GError) error = NULL;
  gint64 prompt = 0, completion = 0, conversation_id;

  g_assert_true (da_test_wait_for (history_loaded, app, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (da_application_get_sessions (app)), ==, 0);

  add_provider_in_preferences (app, window, url);

  /* The first provider made the first agent, a real library entry. */
  agents = da_application_list_agents (app);
  g_assert_cmpuint (agents->len, ==, 1);
  g_assert_cmpstr (((DaStoredAgent *) g_ptr_array_index (agents, 0))->name, ==, "Assistant");

  /* One agent: Ctrl+N starts talking to it at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat", NULL));
  session = da_window_get_session (win);
  g_assert_nonnull (session);
  g_assert_cmpstr (da_chat_session_get_agent_name (session), ==, "Assistant");

  send (win, "Plan a small script");
  g_assert_true (da_chat_session_get_busy (session));
  g_assert_true (da_test_wait_for (session_idle, session, 20000));
  reply = last_message (session);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_role (reply), ==, DA_ROLE_ASSISTANT);
  g_assert_nonnull (strstr (da_message_get_content (reply), "#"));
  g_free (da_test_screenshot (GTK_WIDGET (window), "history-03-streamed-reply"));

  /* The same two messages are in the history file, reply and usage too. */
  conversation_id = da_chat_session_get_conversation_id (session);
  g_assert_cmpint (conversation_id, >=, 0);
  store = open_history ();
  stored = da_store_load_messages (store, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (stored, 0)), ==, "Plan a small script");
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (stored, 1)), ==, da_message_get_content (reply));
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (stored, 1)), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_true (da_store_get_usage_totals (store, conversation_id, &prompt, &completion, &error));
  g_assert_no_error (error);
  g_assert_cmpint (prompt + completion, >, 0);
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* Rename and pin are written through. */
  da_chat_session_set_title (session, "Script plan");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pin-chat", NULL));
  {
    g_autoptr(DaConversation) conversation = da_store_get_conversation (store, conversation_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (da_conversation_get_title (conversation), ==, "Script plan");
    g_assert_true (da_conversation_get_pinned (conversation));
  }

  /* A second agent that never stops talking; the new-chat dialog would
   * offer both, the action names one. */
  rambler = da_agent_spec_new ("Rambler");
  rambler->provider_kind = g_strdup ("openai");
  rambler->base_url = g_strdup (url);
  rambler->model = g_strdup ("endless");
  g_assert_cmpint (da_application_save_agent (app, -1, rambler, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat-with-agent", "s", "Rambler"));
  stopped = da_window_get_session (win);
  g_assert_true (stopped != session);
  send (win, "Tell me everything about zeppelins");
  g_assert_true (da_test_wait_for ((DaTestCondition) da_chat_session_get_busy, stopped, 5000));
  g_assert_true (da_test_wait_for (reply_has_text, stopped, 10000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (da_test_wait_for (session_idle, stopped, 10000));
  cut = last_message (stopped);
  g_test_message ("stopped reply: state %s, error %s, %zu bytes",
                  da_message_state_to_string (da_message_get_state (cut)),
                  da_message_get_error_message (cut), strlen (da_message_get_content (cut)));
  g_assert_cmpint (da_message_get_state (cut), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_cmpstr (da_message_get_content (cut), !=, "");
  g_free (da_test_screenshot (GTK_WIDGET (window), "history-04-stopped"));

  stored = da_store_load_messages (store, da_chat_session_get_conversation_id (stopped), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (stored, 1)), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (stored, 1)), ==, da_message_get_content (cut));

  da_test_server_stop ();
}

static gboolean
has_search_hits (gpointer data)
{
  return gtk_list_box_get_row_at_index (GTK_LIST_BOX (data), 0) != NULL;
}

static gboolean
no_search_hits (gpointer data)
{
  return !has_search_hits (data) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (data, GTK_TYPE_STACK))),
                    "no-results") == 0;
}

static gboolean
export_done (gpointer data)
{
  return *(int *) data >= 0;
}

static void
export_finished_cb (gpointer  emitter,
                    gboolean  ok,
                    int      *result)
{
  *result = ok;
}

static char *
export_to (GtkWidget      *window,
           DaExportFormat  format,
           const char     *name)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  int result = -1;
  gulong id;

  id = g_signal_connect (window, "export-finished", G_CALLBACK (export_finished_cb), &result);
  if (DA_IS_WINDOW (window))
    da_window_export (DA_WINDOW (window), format, file);
  else
    da_preferences_window_export_all (DA_PREFERENCES_WINDOW (window), file);
  g_assert_true (da_test_wait_for (export_done, &result, 10000));
  g_signal_handler_disconnect (window, id);
  g_assert_cmpint (result, ==, TRUE);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);

  return contents;
}

static void
test_restart (DaApplication *app,
              GtkWindow     *window)
{
  DaWindow *win = DA_WINDOW (window);
  GListModel *sessions = da_application_get_sessions (app);
  DaChatSession *plan = NULL, *rambling = NULL;
  GtkSearchEntry *search;
  GtkListBox *results;
  GtkListBoxRow *row;
  g_autoptr(DaMessage) cut = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *json = NULL;
  g_autofree char *all = NULL;
  GtkWidget *prefs;

  /* Everything from the first run is listed again, newest first. */
  g_assert_true (da_test_wait_for (history_loaded, app, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (sessions, i);

      if (g_strcmp0 (da_chat_session_get_title (session), "Script plan") == 0)
        plan = session;
      else
        rambling = session;
    }
  g_assert_nonnull (plan);
  g_assert_nonnull (rambling);
  g_assert_true (da_chat_session_get_pinned (plan));
  g_assert_cmpstr (da_chat_session_get_agent_name (rambling), ==, "Rambler");
  g_free (da_test_screenshot (GTK_WIDGET (window), "history-05-restarted"));

  /* Opening one loads its messages off the main loop. */
  g_assert_false (da_chat_session_get_loaded (rambling));
  da_window_show_session (win, rambling);
  g_assert_true (da_test_wait_for (session_loaded, rambling, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (rambling)), ==, 2);
  cut = last_message (rambling);
  g_assert_cmpint (da_message_get_state (cut), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (da_window_get_chat_view (win))));
  g_free (da_test_screenshot (GTK_WIDGET (window), "history-06-incomplete-after-restart"));

  /* Search as you type goes to the full-text index; a hit opens its
   * conversation at the message. */
  search = GTK_SEARCH_ENTRY (da_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, NULL));
  results = da_window_get_search_results (win);
  g_assert_nonnull (search);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (search), "zeppelins");
  g_assert_true (da_test_wait_for (has_search_hits, results, 10000));
  row = gtk_list_box_get_row_at_index (results, 0);
  g_assert_null (gtk_list_box_get_row_at_index (results, 1));
  g_free (da_test_screenshot (GTK_WIDGET (window), "history-07-search"));
  da_window_show_session (win, plan);
  g_signal_emit_by_name (results, "row-activated", row);
  g_assert_true (da_window_get_session (win) == rambling);

  gtk_editable_set_text (GTK_EDITABLE (search), "nosuchwordanywhere");
  g_assert_true (da_test_wait_for (no_search_hits, results, 10000));
  gtk_editable_set_text (GTK_EDITABLE (search), "");

  /* Export: Markdown and JSON of one conversation, JSON of all. */
  da_window_show_session (win, plan);
  g_assert_true (da_test_wait_for (session_loaded, plan, 10000));
  markdown = export_to (GTK_WIDGET (window), DA_EXPORT_FORMAT_MARKDOWN, "da-test-export.md");
  g_assert_nonnull (strstr (markdown, "Script plan"));
  g_assert_nonnull (strstr (markdown, "Plan a small script"));
  json = export_to (GTK_WIDGET (window), DA_EXPORT_FORMAT_JSON, "da-test-export.json");
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  g_assert_nonnull (strstr (json, "Plan a small script"));

  prefs = da_preferences_window_new (app);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "data");
  g_free (da_test_screenshot (prefs, "history-08-preferences-data"));
  all = export_to (prefs, DA_EXPORT_FORMAT_JSON, "da-test-export-all.json");
  json_parser_load_from_data (parser, all, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 2);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/history/chat", test_chat);
  da_test_add_app_func ("/app/history/restart", test_restart);

  return g_test_run ();
}
