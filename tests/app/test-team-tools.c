/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tools in the group-chat window, under Xvfb: a team file's assistant has
 * read_file and list_directory and may read one file by rule; against the
 * loopback server (model "tools-answer": both tools at once, then a text
 * answer) the tools really run in the sandbox, what the rule does not
 * cover is asked through the permission dialog (answered here as a person
 * would), and the calls and results show as cards in the team's thread. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "da-app-security.h"
#include "da-application.h"
#include "da-chat-view.h"
#include "da-group-chat-window.h"
#include "da-message.h"
#include "da-permission-dialog.h"
#include "da-store.h"
#include "da-test-util.h"
#include "da-tool-card.h"

typedef struct
{
  const char *response;
  GPtrArray  *asked;      /* shown targets */
} Prompts;

static gboolean
answer_idle_cb (gpointer data)
{
  DaPermissionDialog *dialog = data;
  const char *response = g_object_get_data (G_OBJECT (dialog), "test-response");

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  return G_SOURCE_REMOVE;
}

static void
prompt_shown_cb (DaAppSecurity *security,
                 GtkWidget     *dialog,
                 Prompts       *prompts)
{
  GtkLabel *target = da_permission_dialog_get_target_label (DA_PERMISSION_DIALOG (dialog));

  g_ptr_array_add (prompts->asked, g_strdup (gtk_label_get_text (target)));
  g_free (da_test_screenshot (dialog, "team-tools-dialog"));
  g_object_set_data (G_OBJECT (dialog), "test-response", (gpointer) prompts->response);
  g_idle_add_full (G_PRIORITY_DEFAULT, answer_idle_cb, g_object_ref (dialog), g_object_unref);
}

static gboolean
stopped (gpointer data)
{
  return !da_group_chat_window_get_running (data);
}

static DaMessage *
find_tool_message (GListModel *messages,
                   const char *call_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (messages, i);

      if (da_message_get_role (message) == DA_ROLE_TOOL &&
          g_strcmp0 (da_message_get_tool_call_id (message), call_id) == 0)
        return message;
    }
  return NULL;
}

static void
collect_cards (GtkWidget *root,
               GPtrArray *cards)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (DA_IS_TOOL_CARD (child))
        g_ptr_array_add (cards, child);
      else
        collect_cards (child, cards);
    }
}

static DaGroupChatWindow *
run_team (DaApplication *app,
          DaStore       *store,
          const char    *agent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  g_autofree char *notes = g_build_filename (g_get_home_dir (), "notes.txt", NULL);
  g_autofree char *json = NULL;
  DaGroupChatWindow *window;

  /* The workspace is the home folder (a throwaway one here). */
  g_file_set_contents (notes, "hello notes\n", -1, &error);
  g_assert_no_error (error);

  json = g_strdup_printf ("{ \"name\": \"readers\", \"agents\": ["
                          "  { \"name\": \"%s\", \"kind\": \"assistant\","
                          "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"%s\", \"model\": \"tools-answer\" },"
                          "    \"tools\": [\"read_file\", \"list_directory\"],"
                          "    \"permissions\": { \"isolation\": \"strict\", \"fs\": { \"read\": [\"~/notes.txt\"] } } },"
                          "  { \"name\": \"critic\", \"kind\": \"conversable\", \"default_auto_reply\": \"Thanks. TERMINATE\" } ],"
                          "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 4,"
                          "    \"termination\": { \"text_mention\": \"TERMINATE\" } } }",
                          agent, da_test_server_start (NULL));
  config = da_team_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);

  window = da_group_chat_window_new (GTK_APPLICATION (app), config, store);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 1100);
  gtk_window_present (GTK_WINDOW (window));
  da_group_chat_window_run (window, "What is in my notes?");
  g_assert_true (da_test_wait_for (stopped, window, 60000));
  g_test_message ("banner: %s", da_group_chat_window_get_banner_text (window));
  return window;
}

static GListModel *
window_messages (DaGroupChatWindow *window)
{
  DaChatView *view = DA_CHAT_VIEW (da_test_find_widget (GTK_WIDGET (window), DA_TYPE_CHAT_VIEW, NULL));

  g_assert_nonnull (view);
  return da_chat_view_get_model (view);
}

static GPtrArray *
cards_of (DaGroupChatWindow *window)
{
  DaChatView *view = DA_CHAT_VIEW (da_test_find_widget (GTK_WIDGET (window), DA_TYPE_CHAT_VIEW, NULL));
  GPtrArray *cards = g_ptr_array_new ();

  da_chat_view_scroll_to_end (view);
  da_test_wait_drawn (GTK_WIDGET (window));
  collect_cards (GTK_WIDGET (view), cards);
  return cards;
}

static gboolean
audited (const char *agent,
         const char *target,
         const char *decision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = da_store_list_audit (da_app_security_get_store (da_app_security_get_default ()),
                                                    100, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->agent, agent) == 0 && g_strcmp0 (entry->target, target) == 0 &&
          g_strcmp0 (entry->decision, decision) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The file is read by rule (nothing asked for it); the folder is asked
 * for once and allowed; both tools run and show as finished cards. */
static void
test_allowed (DaApplication *app,
              GtkWindow     *main_window)
{
  Prompts prompts = { "once", g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *notes = g_build_filename (g_get_home_dir (), "notes.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;
  DaMessage *read, *list;
  guint done = 0;

  dir = g_dir_make_tmp ("da-team-tools-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "history.db", NULL);
  store = da_store_new (path, &error);
  g_assert_no_error (error);
  g_signal_connect (da_app_security_get_default (), "prompt-shown", G_CALLBACK (prompt_shown_cb), &prompts);

  window = run_team (app, store, "reader");

  for (guint i = 0; i < prompts.asked->len; i++)
    g_test_message ("asked: %s", (char *) g_ptr_array_index (prompts.asked, i));
  g_assert_cmpuint (prompts.asked->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (prompts.asked, 0), ==, g_get_home_dir ());

  messages = window_messages (window);
  read = find_tool_message (messages, "call_a");
  list = find_tool_message (messages, "call_b");
  g_assert_nonnull (read);
  g_assert_nonnull (list);
  g_assert_cmpstr (da_message_get_sender (read), ==, "reader");
  g_assert_nonnull (strstr (da_message_get_content (read), "hello notes"));
  g_assert_nonnull (strstr (da_message_get_content (list), "notes.txt"));
  g_assert_nonnull (strstr (da_group_chat_window_get_banner_text (window), "TERMINATE"));

  cards = cards_of (window);
  g_assert_cmpuint (cards->len, >=, 2);
  for (guint i = 0; i < cards->len; i++)
    {
      DaToolCard *card = g_ptr_array_index (cards, i);

      g_assert_false (da_tool_card_get_denied (card));
      if (g_strcmp0 (da_tool_card_get_status (card), "Done") == 0)
        {
          da_tool_card_set_expanded (card, TRUE);
          done++;
        }
    }
  g_assert_cmpuint (done, ==, 2);
  g_free (da_test_screenshot (GTK_WIDGET (window), "team-tools-allowed"));

  g_assert_true (audited ("reader", notes, "allow"));
  g_assert_true (audited ("reader", g_get_home_dir (), "ask"));
  g_assert_true (audited ("reader", g_get_home_dir (), "allow-once"));

  g_signal_handlers_disconnect_by_data (da_app_security_get_default (), &prompts);
  g_ptr_array_unref (prompts.asked);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Refused in the dialog: the model gets the denial, the card says so. */
static void
test_denied (DaApplication *app,
             GtkWindow     *main_window)
{
  Prompts prompts = { "deny", g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GPtrArray) cards = NULL;
  DaGroupChatWindow *window;
  GListModel *messages;
  DaMessage *read, *list;
  guint denied = 0;

  g_signal_connect (da_app_security_get_default (), "prompt-shown", G_CALLBACK (prompt_shown_cb), &prompts);

  window = run_team (app, NULL, "skeptic");

  g_assert_cmpuint (prompts.asked->len, ==, 1);
  messages = window_messages (window);
  read = find_tool_message (messages, "call_a");
  list = find_tool_message (messages, "call_b");
  g_assert_nonnull (read);
  g_assert_nonnull (list);
  g_assert_nonnull (strstr (da_message_get_content (read), "hello notes"));
  g_assert_true (g_str_has_prefix (da_message_get_content (list), "Error: permission denied"));

  cards = cards_of (window);
  for (guint i = 0; i < cards->len; i++)
    {
      DaToolCard *card = g_ptr_array_index (cards, i);

      if (da_tool_card_get_denied (card))
        {
          g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (card), "denied"));
          da_tool_card_set_expanded (card, TRUE);
          denied++;
        }
    }
  g_assert_cmpuint (denied, ==, 1);
  g_free (da_test_screenshot (GTK_WIDGET (window), "team-tools-denied"));
  g_assert_true (audited ("skeptic", g_get_home_dir (), "deny"));

  g_signal_handlers_disconnect_by_data (da_app_security_get_default (), &prompts);
  g_ptr_array_unref (prompts.asked);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A tool the team file names that does not exist stops the team before
 * it starts, saying which agent. */
static void
test_unknown_tool (DaApplication *app,
                   GtkWindow     *main_window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  DaGroupChatWindow *window;
  const char *banner;

  config = da_team_config_new_from_data ("{ \"name\": \"broken\", \"agents\": ["
                                         "  { \"name\": \"mallory\", \"kind\": \"conversable\","
                                         "    \"default_auto_reply\": \"hi\", \"tools\": [\"format_disk\"] },"
                                         "  { \"name\": \"bob\", \"kind\": \"conversable\", \"default_auto_reply\": \"hi\" } ],"
                                         "  \"team\": { \"kind\": \"round_robin\", \"max_round\": 2 } }", -1, &error);
  g_assert_no_error (error);
  window = da_group_chat_window_new (GTK_APPLICATION (app), config, NULL);
  gtk_window_present (GTK_WINDOW (window));
  da_group_chat_window_run (window, "Go.");
  g_assert_true (da_test_wait_for (stopped, window, 10000));
  banner = da_group_chat_window_get_banner_text (window);
  g_test_message ("banner: %s", banner);
  g_assert_nonnull (banner);
  g_assert_true (g_str_has_prefix (banner, "The team cannot start: mallory: "));
  g_assert_nonnull (strstr (banner, "format_disk"));
  g_assert_null (da_group_chat_window_get_chat (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/team-tools/allowed", test_allowed);
  da_test_add_app_func ("/app/team-tools/denied", test_denied);
  da_test_add_app_func ("/app/team-tools/unknown-tool", test_unknown_tool);

  status = g_test_run ();
  da_test_server_stop ();
  return status;
}
