/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "da-application.h"
#include "da-chat-view.h"
#include "da-group-chat-window.h"
#include "da-message.h"
#include "da-store.h"
#include "da-test-util.h"

/* The group-chat window running real teams: agents with fixed replies
 * (no provider, no server) and an assistant against the loopback server. */

static DaStore *
open_store (char **dir_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("da-group-chat-XXXXXX", &error);
  g_autofree char *path = NULL;
  DaStore *store;

  g_assert_no_error (error);
  path = g_build_filename (dir, "history.db", NULL);
  store = da_store_new (path, &error);
  g_assert_no_error (error);
  *dir_out = g_steal_pointer (&dir);
  return store;
}

static DaTeamConfig *
team_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  DaTeamConfig *config = da_team_config_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return config;
}

static gboolean
stopped (gpointer data)
{
  return !da_group_chat_window_get_running (data);
}

static gboolean
has_dialog (gpointer data)
{
  return da_group_chat_window_get_selection_dialog (data) != NULL;
}

static gboolean
human_asked (gpointer data)
{
  return da_group_chat_window_get_human_agent (data) != NULL;
}

static GListModel *
window_messages (DaGroupChatWindow *window)
{
  DaChatView *view = DA_CHAT_VIEW (da_test_find_widget (GTK_WIDGET (window), DA_TYPE_CHAT_VIEW, NULL));

  g_assert_nonnull (view);
  return da_chat_view_get_model (view);
}

static char *
sender_at (GListModel *model,
           guint       i)
{
  g_autoptr(DaMessage) message = g_list_model_get_item (model, i);

  return g_strdup (da_message_get_sender (message));
}

static const char round_robin_team[] =
  "{ \"name\": \"duet\","
  "  \"agents\": ["
  "    { \"name\": \"alice\", \"kind\": \"conversable\", \"default_auto_reply\": \"Alice here.\" },"
  "    { \"name\": \"bob\", \"kind\": \"conversable\", \"default_auto_reply\": \"Bob here.\" } ],"
  "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 5 } }";

static void
test_round_robin_run_resume (DaApplication *app,
                             GtkWindow     *main_window)
{
  g_autofree char *dir = NULL;
  g_autoptr(DaStore) store = open_store (&dir);
  g_autoptr(DaTeamConfig) config = team_from_json (round_robin_team);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, store);
  gtk_window_present (GTK_WINDOW (window));
  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-new"));
  g_assert_null (da_group_chat_window_get_banner_text (window));

  /* The person writes the task and sends it with the composer. */
  da_chat_view_set_draft (DA_CHAT_VIEW (da_test_find_widget (GTK_WIDGET (window), DA_TYPE_CHAT_VIEW, NULL)),
                          "Introduce yourselves.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-team", NULL));
  g_assert_true (da_test_wait_for (stopped, window, 10000));

  messages = window_messages (window);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 5);
  first = sender_at (messages, 1);
  second = sender_at (messages, 2);
  third = sender_at (messages, 3);
  g_assert_cmpstr (first, ==, "alice");
  g_assert_cmpstr (second, ==, "bob");
  g_assert_cmpstr (third, ==, "alice");
  g_assert_cmpstr (da_group_chat_window_get_round_text (window), ==, "Round 5 of 5");
  g_assert_cmpstr (da_group_chat_window_get_banner_text (window), ==,
                   "The team reached its limit of 5 messages.");
  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-max-round"));

  /* The thread went to the history under the team's name. */
  stored = da_store_load_messages (store, da_group_chat_window_get_conversation_id (window), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 5);
  {
    g_autoptr(DaConversation) conversation =
      da_store_get_conversation (store, da_group_chat_window_get_conversation_id (window), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (da_conversation_get_team_name (conversation), ==, "duet");
  }

  /* Resume continues the same thread for another max_round messages. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.resume-team", NULL));
  g_assert_true (da_group_chat_window_get_running (window));
  g_assert_null (da_group_chat_window_get_banner_text (window));
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (messages), >, 5);
  g_assert_nonnull (da_group_chat_window_get_banner_text (window));

  gtk_window_destroy (GTK_WINDOW (window));
  da_test_wait_ms (20);
}

static const char manual_team[] =
  "{ \"name\": \"panel\","
  "  \"agents\": ["
  "    { \"name\": \"alice\", \"kind\": \"conversable\", \"default_auto_reply\": \"Alice here.\" },"
  "    { \"name\": \"bob\", \"kind\": \"conversable\", \"default_auto_reply\": \"Bob here.\" },"
  "    { \"name\": \"carol\", \"kind\": \"conversable\", \"default_auto_reply\": \"Carol here.\" } ],"
  "  \"team\": { \"kind\": \"manual\", \"max_round\": 3 } }";

static void
test_manual_stop_resume (DaApplication *app,
                         GtkWindow     *main_window)
{
  g_autoptr(DaTeamConfig) config = team_from_json (manual_team);
  DaGroupChatWindow *window;
  AdwMessageDialog *dialog;
  GListModel *messages;
  g_autofree char *last = NULL;
  guint n;

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, NULL);
  gtk_window_present (GTK_WINDOW (window));
  da_test_wait_drawn (GTK_WIDGET (window));

  da_group_chat_window_run (window, "Who starts?");
  g_assert_true (da_test_wait_for (has_dialog, window, 10000));
  dialog = da_group_chat_window_get_selection_dialog (window);
  g_assert_true (adw_message_dialog_has_response (dialog, "alice"));
  g_assert_true (adw_message_dialog_has_response (dialog, "carol"));
  g_assert_true (adw_message_dialog_has_response (dialog, "auto"));
  da_test_wait_drawn (GTK_WIDGET (dialog));
  g_free (da_test_screenshot (GTK_WIDGET (dialog), "group-chat-manual-dialog"));

  /* Stop while the team waits for the person: the dialog goes, the banner
   * says why, and the thread is kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop-team", NULL));
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  g_assert_null (da_group_chat_window_get_selection_dialog (window));
  g_assert_cmpstr (da_group_chat_window_get_banner_text (window), ==,
                   "You stopped the team. Resume continues where it stopped.");
  messages = window_messages (window);
  n = g_list_model_get_n_items (messages);
  g_assert_cmpuint (n, ==, 1);
  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-stopped"));

  /* Resume asks again; the person picks carol. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.resume-team", NULL));
  g_assert_true (da_test_wait_for (has_dialog, window, 10000));
  adw_message_dialog_response (da_group_chat_window_get_selection_dialog (window), "carol");
  g_assert_true (da_test_wait_for (has_dialog, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, n + 1);
  last = sender_at (messages, n);
  g_assert_cmpstr (last, ==, "carol");

  adw_message_dialog_response (da_group_chat_window_get_selection_dialog (window), "alice");
  g_assert_true (da_test_wait_for (has_dialog, window, 10000));
  g_clear_pointer (&last, g_free);
  last = sender_at (messages, n + 1);
  g_assert_cmpstr (last, ==, "alice");

  /* "Let the team choose" falls back to the team's own order; this run's
   * three messages are the limit. */
  adw_message_dialog_response (da_group_chat_window_get_selection_dialog (window), "auto");
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, n + 3);
  g_assert_cmpstr (da_group_chat_window_get_round_text (window), ==, "Round 3 of 3");
  g_assert_nonnull (da_group_chat_window_get_banner_text (window));

  gtk_window_destroy (GTK_WINDOW (window));
  da_test_wait_ms (20);
}

static const char human_team[] =
  "{ \"name\": \"helpdesk\","
  "  \"agents\": ["
  "    { \"name\": \"helper\", \"kind\": \"conversable\", \"default_auto_reply\": \"How can I help?\" },"
  "    { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"always\" } ],"
  "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 3 } }";

static void
test_human_input (DaApplication *app,
                  GtkWindow     *main_window)
{
  g_autoptr(DaTeamConfig) config = team_from_json (human_team);
  DaGroupChatWindow *window;
  DaChatView *view;
  GListModel *messages;
  guint n;

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, NULL);
  gtk_window_present (GTK_WINDOW (window));
  da_test_wait_drawn (GTK_WIDGET (window));
  view = DA_CHAT_VIEW (da_test_find_widget (GTK_WIDGET (window), DA_TYPE_CHAT_VIEW, NULL));

  da_group_chat_window_run (window, "Printer is broken.");
  g_assert_true (da_test_wait_for (human_asked, window, 10000));
  g_assert_cmpstr (da_group_chat_window_get_human_agent (window), ==, "user");
  g_assert_true (da_group_chat_window_get_running (window));
  /* The composer is open for the answer while the team runs. */
  g_assert_false (da_chat_view_get_busy (view));
  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-human-input"));

  messages = window_messages (window);
  n = g_list_model_get_n_items (messages);
  da_chat_view_set_draft (view, "It is the one on floor 2.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "chat.send", NULL));
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  g_assert_null (da_group_chat_window_get_human_agent (window));
  g_assert_cmpuint (g_list_model_get_n_items (messages), >, n);
  {
    g_autoptr(DaMessage) answer = g_list_model_get_item (messages, n);

    g_assert_cmpstr (da_message_get_sender (answer), ==, "user");
    g_assert_cmpstr (da_message_get_content (answer), ==, "It is the one on floor 2.");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  da_test_wait_ms (20);
}

/* An assistant against the loopback OpenAI-compatible server. */
static void
test_loopback_team (DaApplication *app,
                    GtkWindow     *main_window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *port = NULL;
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(DaStore) store = open_store (&dir);
  g_autoptr(DaTeamConfig) config = NULL;
  g_autoptr(DaMessage) reply = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;
  gint64 prompt = 0, completion = 0;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, g_getenv ("DA_OPENAI_TEST_SERVER"), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);

  json = g_strdup_printf ("{ \"name\": \"echoes\", \"agents\": ["
                          "  { \"name\": \"writer\", \"kind\": \"assistant\","
                          "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%s/v1\", \"model\": \"terminate\" } },"
                          "  { \"name\": \"critic\", \"kind\": \"conversable\", \"default_auto_reply\": \"Go on.\" } ],"
                          "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 6,"
                          "    \"termination\": { \"text_mention\": \"TERMINATE\" } } }",
                          g_strstrip (port));
  config = team_from_json (json);

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, store);
  gtk_window_present (GTK_WINDOW (window));
  da_group_chat_window_run (window, "Write one line.");
  g_assert_true (da_test_wait_for (stopped, window, 20000));

  messages = window_messages (window);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  reply = g_list_model_get_item (messages, 1);
  g_assert_cmpstr (da_message_get_sender (reply), ==, "writer");
  g_assert_cmpstr (da_message_get_content (reply), ==, "All done. TERMINATE");
  g_assert_nonnull (strstr (da_group_chat_window_get_banner_text (window), "TERMINATE"));
  g_assert_cmpstr (da_group_chat_window_get_round_text (window), ==, "Round 2 of 6");

  g_assert_true (da_store_get_usage_totals (store, da_group_chat_window_get_conversation_id (window),
                                            &prompt, &completion, &error));
  g_assert_no_error (error);
  g_assert_cmpint (prompt + completion, >, 0);

  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-loopback"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

static GSubprocess *
start_server (char **port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *server;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, g_getenv ("DA_OPENAI_TEST_SERVER"), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  *port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (*port);
  return server;
}

static guint
find_content (GListModel *model,
              const char *content)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (model, i);

      if (g_strcmp0 (da_message_get_content (message), content) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* A swarm on the loopback server hands over to billing, which hands over
 * to the person: the banner says so, and the person's answer, written
 * as the next task, goes back to billing. */
static void
test_swarm_handoff_to_person (DaApplication *app,
                              GtkWindow     *main_window)
{
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) server = start_server (&port);
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(DaStore) store = open_store (&dir);
  g_autoptr(DaTeamConfig) config = NULL;
  g_autofree char *after_answer = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;
  guint answer;

  json = g_strdup_printf ("{ \"name\": \"desk\", \"agents\": ["
                          "  { \"name\": \"triage\", \"kind\": \"assistant\", \"handoffs\": [\"billing\"],"
                          "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%s/v1\","
                          "                    \"model\": \"handoff:billing\" } },"
                          "  { \"name\": \"billing\", \"kind\": \"assistant\", \"handoffs\": [\"triage\", \"user\"],"
                          "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%s/v1\","
                          "                    \"model\": \"handoff:user\" } } ],"
                          "  \"team\": { \"kind\": \"swarm\", \"max_round\": 10 } }", port, port);
  config = team_from_json (json);

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, store);
  gtk_window_present (GTK_WINDOW (window));
  da_group_chat_window_run (window, "My bill is wrong.");
  g_assert_true (da_test_wait_for (stopped, window, 20000));
  g_assert_cmpstr (da_group_chat_window_get_banner_text (window), ==,
                   "billing handed the conversation to you. Write your answer; it goes back to billing.");
  da_test_wait_drawn (GTK_WIDGET (window));
  g_free (da_test_screenshot (GTK_WIDGET (window), "group-chat-swarm-handoff"));

  da_group_chat_window_run (window, "Invoice 42.");
  g_assert_true (da_test_wait_for (stopped, window, 20000));
  messages = window_messages (window);
  answer = find_content (messages, "Invoice 42.");
  g_assert_cmpuint (answer, <, g_list_model_get_n_items (messages) - 1);
  after_answer = sender_at (messages, answer + 1);
  g_assert_cmpstr (after_answer, ==, "billing");

  gtk_window_destroy (GTK_WINDOW (window));
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

/* A selector team whose "selector" names its own model on the loopback
 * server, with participants that have no model at all: the window asks
 * that selector, which picks bob. */
static void
test_selector_provider (DaApplication *app,
                        GtkWindow     *main_window)
{
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) server = start_server (&port);
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(DaStore) store = open_store (&dir);
  g_autoptr(DaTeamConfig) config = NULL;
  g_autofree char *speaker = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;

  json = g_strdup_printf ("{ \"name\": \"picked\", \"agents\": ["
                          "  { \"name\": \"alice\", \"kind\": \"conversable\", \"default_auto_reply\": \"Alice here.\" },"
                          "  { \"name\": \"bob\", \"kind\": \"conversable\", \"default_auto_reply\": \"Bob here.\" } ],"
                          "  \"team\": { \"kind\": \"selector\", \"max_round\": 2, \"allow_repeat_speaker\": false,"
                          "    \"selector\": { \"provider\": { \"kind\": \"openai\","
                          "      \"base_url\": \"http://127.0.0.1:%s/v1\", \"model\": \"selector:BOB\" } } } }", port);
  config = team_from_json (json);

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, store);
  gtk_window_present (GTK_WINDOW (window));
  da_group_chat_window_run (window, "Who is there?");
  g_assert_true (da_test_wait_for (stopped, window, 20000));
  messages = window_messages (window);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  speaker = sender_at (messages, 1);
  g_assert_cmpstr (speaker, ==, "bob");
  g_assert_cmpstr (da_group_chat_window_get_banner_text (window), ==,
                   "The team reached its limit of 2 messages.");

  gtk_window_destroy (GTK_WINDOW (window));
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

static void
test_describe_stop_reason (void)
{
  g_autofree char *timeout = da_group_chat_describe_stop_reason ("timeout: 30 s elapsed", 10);
  g_autofree char *person = da_group_chat_describe_stop_reason ("handoff: alice handed over to user", 10);
  g_autofree char *agent = da_group_chat_describe_stop_reason ("handoff: alice handed over to bob", 10);

  g_assert_cmpstr (timeout, ==, "The team ran out of time (30 s elapsed). Resume continues where it stopped.");
  g_assert_cmpstr (person, ==, "alice handed the conversation to you. Write your answer; it goes back to alice.");
  g_assert_cmpstr (agent, ==, "Stopped: handoff: alice handed over to bob");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/group-chat/round-robin-run-resume", test_round_robin_run_resume);
  da_test_add_app_func ("/app/group-chat/manual-stop-resume", test_manual_stop_resume);
  da_test_add_app_func ("/app/group-chat/human-input", test_human_input);
  da_test_add_app_func ("/app/group-chat/loopback", test_loopback_team);
  da_test_add_app_func ("/app/group-chat/swarm-handoff-to-person", test_swarm_handoff_to_person);
  da_test_add_app_func ("/app/group-chat/selector-provider", test_selector_provider);
  g_test_add_func ("/app/group-chat/describe-stop-reason", test_describe_stop_reason);

  return g_test_run ();
}
