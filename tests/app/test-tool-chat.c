/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tools in a GUI chat, under Xvfb: a chat session whose agent has
 * read_file and list_directory talks to the loopback server (model
 * "tools-answer": both tools in parallel, then a text answer once the
 * results are in); the tools really run in the sandbox; every permission
 * is asked through the permission dialog, answered here as a person
 * would; the calls and results show as cards in the chat view. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "da-app-security.h"
#include "da-application.h"
#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-message.h"
#include "da-permission-dialog.h"
#include "da-test-util.h"
#include "da-tool-card.h"

static GSubprocess *server;
static char *base_url;

typedef struct
{
  GtkWindow     *window;
  DaChatView    *view;
  DaChatSession *session;
  const char    *response;
  GPtrArray     *asked;     /* shown targets */
} Fixture;

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *path = g_getenv ("DA_OPENAI_TEST_SERVER");

  g_assert_nonnull (path);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  base_url = g_strdup_printf ("http://127.0.0.1:%s/v1", g_strstrip (line));
}

static void
stop_server (void)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  g_clear_pointer (&base_url, g_free);
}

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
                 Fixture       *f)
{
  GtkLabel *target = da_permission_dialog_get_target_label (DA_PERMISSION_DIALOG (dialog));

  g_ptr_array_add (f->asked, g_strdup (gtk_label_get_text (target)));
  if (f->asked->len == 1)
    g_free (da_test_screenshot (dialog, "tool-chat-dialog"));
  g_object_set_data (G_OBJECT (dialog), "test-response", (gpointer) f->response);
  g_idle_add_full (G_PRIORITY_DEFAULT, answer_idle_cb, g_object_ref (dialog), g_object_unref);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *notes = g_build_filename (g_get_home_dir (), "notes.txt", NULL);

  /* The agent's workspace is the home folder (a throwaway one here). */
  g_file_set_contents (notes, "hello notes\n", -1, &error);
  g_assert_no_error (error);

  f->asked = g_ptr_array_new_with_free_func (g_free);
  f->response = data;
  g_signal_connect (da_app_security_get_default (), "prompt-shown", G_CALLBACK (prompt_shown_cb), f);

  json_parser_load_from_data (parser, "{\"tools\": [\"read_file\", \"list_directory\"],"
                                      " \"permissions\": {\"isolation\": \"strict\"}}", -1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(DaAgentSpec) spec = da_agent_spec_new ("planner");

    spec->provider_kind = g_strdup ("openai");
    spec->base_url = g_strdup (base_url);
    spec->model = g_strdup ("tools-answer");
    if (g_str_equal (data, "spec"))
      {
        /* As the agent editor saves it: the agent's own tools and a read
         * folder; nothing set on the session. */
        spec->tools = g_strsplit ("read_file list_directory", " ", -1);
        spec->permissions = json_from_string ("{\"isolation\": \"strict\", \"fs\": {\"read\": [\"~\"]}}", &error);
        g_assert_no_error (error);
        g_free (spec->name);
        spec->name = g_strdup ("librarian");
        f->response = "deny";
      }
    f->session = da_chat_session_new (NULL, spec);
  }
  if (!g_str_equal (data, "spec"))
    da_chat_session_set_tool_config (f->session, json_node_get_object (json_parser_get_root (parser)));

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 760, 1000);
  f->view = DA_CHAT_VIEW (da_chat_view_new ());
  da_chat_view_set_model (f->view, da_chat_session_get_messages (f->session));
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  da_test_wait_drawn (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (da_app_security_get_default (), f);
  gtk_window_destroy (f->window);
  g_clear_object (&f->session);
  g_ptr_array_unref (f->asked);
}

static gboolean
idle (gpointer data)
{
  return !da_chat_session_get_busy (DA_CHAT_SESSION (data));
}

static void
run_chat (Fixture *f)
{
  da_chat_session_send (f->session, "What is in my notes?");
  g_assert_true (da_chat_session_get_busy (f->session));
  g_assert_true (da_test_wait_for (idle, f->session, 60000));
}

static DaMessage *
find_tool_message (Fixture    *f,
                   const char *call_id)
{
  GListModel *messages = da_chat_session_get_messages (f->session);

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

static gboolean
asked_for (Fixture    *f,
           const char *name)
{
  g_autofree char *path = g_str_equal (name, ".") ? g_strdup (g_get_home_dir ())
                                                  : g_build_filename (g_get_home_dir (), name, NULL);

  for (guint i = 0; i < f->asked->len; i++)
    if (g_str_equal (g_ptr_array_index (f->asked, i), path))
      return TRUE;
  return FALSE;
}

static DaMessage *
last_message (Fixture *f)
{
  GListModel *messages = da_chat_session_get_messages (f->session);
  guint n = g_list_model_get_n_items (messages);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (messages, n - 1);
}

static void
test_allowed (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autoptr(DaMessage) last = NULL;
  g_autofree char *screenshot = NULL;
  DaMessage *read, *list;
  guint done = 0;

  run_chat (f);

  for (guint i = 0; i < f->asked->len; i++)
    g_test_message ("asked: %s", (char *) g_ptr_array_index (f->asked, i));
  /* The dialog named the file and the folder. */
  g_assert_true (asked_for (f, "notes.txt"));
  g_assert_true (asked_for (f, "."));

  read = find_tool_message (f, "call_a");
  list = find_tool_message (f, "call_b");
  g_assert_nonnull (read);
  g_assert_nonnull (list);
  g_assert_nonnull (strstr (da_message_get_content (read), "hello notes"));
  g_assert_nonnull (strstr (da_message_get_content (list), "notes.txt"));

  last = last_message (f);
  g_assert_cmpint (da_message_get_role (last), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpint (da_message_get_state (last), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpuint (da_message_get_tool_calls (last)->len, ==, 0);

  da_chat_view_scroll_to_end (f->view);
  da_test_wait_drawn (GTK_WIDGET (f->view));
  collect_cards (GTK_WIDGET (f->view), cards);
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
  screenshot = da_test_screenshot (GTK_WIDGET (f->window), "tool-chat-allowed");
}

static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(DaMessage) last = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *screenshot = NULL;
  g_autofree char *notes = g_build_filename (g_get_home_dir (), "notes.txt", NULL);
  DaMessage *read;
  guint denied = 0;
  gboolean audited = FALSE;

  run_chat (f);

  /* The denial reaches the model as an error it can react to. */
  read = find_tool_message (f, "call_a");
  g_assert_nonnull (read);
  g_assert_true (g_str_has_prefix (da_message_get_content (read), "Error: permission denied"));
  g_assert_null (strstr (da_message_get_content (read), "hello notes"));
  last = last_message (f);
  g_assert_cmpint (da_message_get_role (last), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpint (da_message_get_state (last), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_nonnull (strstr (da_message_get_content (last), "permission denied"));

  da_chat_view_scroll_to_end (f->view);
  da_test_wait_drawn (GTK_WIDGET (f->view));
  collect_cards (GTK_WIDGET (f->view), cards);
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
  g_assert_cmpuint (denied, ==, 2);
  screenshot = da_test_screenshot (GTK_WIDGET (f->window), "tool-chat-denied");

  audit = da_store_list_audit (da_app_security_get_store (da_app_security_get_default ()), 50, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->target, notes) == 0 && g_strcmp0 (entry->decision, "deny") == 0 &&
          g_strcmp0 (entry->agent, "planner") == 0)
        audited = TRUE;
    }
  g_assert_true (audited);
}

/* A library agent's saved permissions reach the broker: the home folder
 * is readable by rule, so nothing is asked (every question would be
 * answered "deny" here) and both tools succeed. */
static void
test_spec_permissions (Fixture       *f,
                       gconstpointer  data)
{
  DaMessage *read, *list;

  run_chat (f);

  g_assert_cmpuint (f->asked->len, ==, 0);
  read = find_tool_message (f, "call_a");
  list = find_tool_message (f, "call_b");
  g_assert_nonnull (read);
  g_assert_nonnull (list);
  g_assert_nonnull (strstr (da_message_get_content (read), "hello notes"));
  g_assert_nonnull (strstr (da_message_get_content (list), "notes.txt"));
  g_assert_cmpint (da_permission_broker_check (da_app_security_get_broker (da_app_security_get_default ()),
                                               "librarian", DA_PERMISSION_WRITE,
                                               g_get_home_dir (), NULL), ==, DA_PERMISSION_DECISION_ASK);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DaApplication) app = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The widgets' templates and style come from the application's resources. */
  app = da_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  start_server ();

  g_test_add ("/app/tool-chat/allowed", Fixture, "once", fixture_set_up, test_allowed, fixture_tear_down);
  g_test_add ("/app/tool-chat/denied", Fixture, "deny", fixture_set_up, test_denied, fixture_tear_down);
  g_test_add ("/app/tool-chat/spec-permissions", Fixture, "spec", fixture_set_up, test_spec_permissions,
              fixture_tear_down);

  status = g_test_run ();
  stop_server ();
  return status;
}
