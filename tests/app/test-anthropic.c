/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "da-application.h"
#include "da-chat-session.h"
#include "da-keyring.h"
#include "da-message.h"
#include "da-preferences-window.h"
#include "da-test-util.h"
#include "da-window.h"

/* An Anthropic provider set up in Preferences as a person would — kind,
 * base URL, key, Test connection, Add — then a chat with it, against
 * the loopback Anthropic server, the real keyring and history file. */

#define TEST_KEY "sk-ant-api03-app-test-0123456789"

static GSubprocess *server;

static char *
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *path = g_getenv ("DA_ANTHROPIC_TEST_SERVER");

  g_assert_nonnull (path);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, path, "--require-key", TEST_KEY, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  /* The base URL as Anthropic's own clients take it: no version. */
  return g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (line));
}

static void
stop_server (void)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
}

static gboolean
history_loaded (gpointer data)
{
  return da_application_get_history_loaded (DA_APPLICATION (data));
}

static gboolean
provider_saved (gpointer data)
{
  g_autoptr(GPtrArray) providers = da_application_list_providers (DA_APPLICATION (data));

  return providers->len > 0;
}

static gboolean
session_idle (gpointer data)
{
  return !da_chat_session_get_busy (DA_CHAT_SESSION (data));
}

typedef struct
{
  GtkWidget  *root;
  const char *needle;
} SubtitleSearch;

static AdwActionRow *
find_row_with_subtitle (GtkWidget  *root,
                        const char *needle)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found;

      if (ADW_IS_ACTION_ROW (child))
        {
          const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (child));

          if (subtitle != NULL && strstr (subtitle, needle) != NULL)
            return ADW_ACTION_ROW (child);
        }
      found = find_row_with_subtitle (child, needle);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
subtitle_shown (gpointer data)
{
  SubtitleSearch *search = data;

  return find_row_with_subtitle (search->root, search->needle) != NULL;
}

static void
test_preferences_and_chat (DaApplication *app,
                           GtkWindow     *window)
{
  g_autofree char *url = start_server ();
  GtkWidget *prefs = da_preferences_window_new (app);
  GtkWidget *url_row, *model_row, *key_row;
  AdwComboRow *kind_row;
  GListModel *kinds;
  guint anthropic = GTK_INVALID_LIST_POSITION;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  SubtitleSearch search = { prefs, NULL };
  DaChatSession *session;
  g_autoptr(DaMessage) reply = NULL;
  GListModel *messages;

  g_assert_true (da_test_wait_for (history_loaded, app, 10000));
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
  da_test_wait_drawn (prefs);

  /* The first combo row is the kind; it offers Anthropic by name. */
  kind_row = ADW_COMBO_ROW (da_test_find_widget (prefs, ADW_TYPE_COMBO_ROW, NULL));
  kinds = adw_combo_row_get_model (kind_row);
  for (guint i = 0; i < g_list_model_get_n_items (kinds); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (kinds, i);

      if (g_str_equal (gtk_string_object_get_string (item), "anthropic"))
        anthropic = i;
    }
  g_assert_cmpuint (anthropic, !=, GTK_INVALID_LIST_POSITION);
  {
    g_autoptr(GtkStringObject) item = g_list_model_get_item (kinds, anthropic);
    g_auto(GValue) value = G_VALUE_INIT;

    g_assert_true (gtk_expression_evaluate (adw_combo_row_get_expression (kind_row), item, &value));
    g_assert_cmpstr (g_value_get_string (&value), ==, "Anthropic");
  }
  adw_combo_row_set_selected (kind_row, anthropic);

  url_row = da_test_find_widget (prefs, ADW_TYPE_ENTRY_ROW, NULL);
  model_row = gtk_widget_get_next_sibling (url_row);
  key_row = da_test_find_widget (prefs, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, "https://api.anthropic.com/v1");

  /* A wrong key: Test connection says what the server said. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (key_row), "sk-ant-wrong-0000000000");
  g_assert_true (gtk_widget_activate_action (prefs, "prefs.test", NULL));
  search.needle = "HTTP 401: invalid x-api-key";
  g_assert_true (da_test_wait_for (subtitle_shown, &search, 10000));
  g_free (da_test_screenshot (prefs, "anthropic-01-wrong-key"));

  /* The right one lists the models and picks the first as default. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), TEST_KEY);
  g_assert_true (gtk_widget_activate_action (prefs, "prefs.test", NULL));
  search.needle = "Connected: 3 models (claude-test-1, echo, tools)";
  g_assert_true (da_test_wait_for (subtitle_shown, &search, 10000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (model_row)), ==, "claude-test-1");
  g_free (da_test_screenshot (prefs, "anthropic-02-connected"));

  g_assert_true (gtk_widget_activate_action (prefs, "prefs.add", NULL));
  g_assert_true (da_test_wait_for (provider_saved, app, 10000));
  providers = da_application_list_providers (app);
  g_assert_cmpuint (providers->len, ==, 1);
  g_assert_cmpstr (((DaStoredProvider *) g_ptr_array_index (providers, 0))->kind, ==, "anthropic");
  g_assert_cmpstr (((DaStoredProvider *) g_ptr_array_index (providers, 0))->base_url, ==, url);
  key = da_keyring_lookup_sync ("anthropic", url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, TEST_KEY);
  da_keyring_secret_free (g_steal_pointer (&key));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A chat with the agent the first provider made. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat", NULL));
  session = da_window_get_session (DA_WINDOW (window));
  g_assert_nonnull (session);
  da_chat_view_set_draft (da_window_get_chat_view (DA_WINDOW (window)), "Hello, Claude");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (da_window_get_chat_view (DA_WINDOW (window))),
                                             "chat.send", NULL));
  g_assert_true (da_test_wait_for (session_idle, session, 20000));
  messages = da_chat_session_get_messages (session);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  reply = g_list_model_get_item (messages, 1);
  g_assert_cmpint (da_message_get_role (reply), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Echo: Hello, Claude");
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_prompt_tokens (reply), >, 0);
  g_free (da_test_screenshot (GTK_WIDGET (window), "anthropic-03-chat"));

  stop_server ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/anthropic/preferences-and-chat", test_preferences_and_chat);

  return g_test_run ();
}
