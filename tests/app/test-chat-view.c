/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include <glib/gstdio.h>

#include "da-application.h"
#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-code-block.h"
#include "da-markdown-view.h"
#include "da-message-row.h"
#include "da-message.h"
#include "da-store.h"
#include "da-test-util.h"

static const char *reply_text =
  "## A plan\n\n"
  "Here is **what** to do, with a [link](https://example.org/):\n\n"
  "1. Read the file\n2. Count the lines\n\n"
  "```python\nwith open('notes.txt') as f:\n    print(sum(1 for _ in f))\n```\n\n"
  "| Step | Time |\n|------|-----:|\n| read | 1 s |\n| count | 2 s |\n\n"
  "> Done when the number is printed.\n";

typedef struct
{
  GtkWindow  *window;
  DaChatView *view;
  GListStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 760, 900);
  f->view = DA_CHAT_VIEW (da_chat_view_new ());
  f->store = g_list_store_new (DA_TYPE_MESSAGE);
  da_chat_view_set_model (f->view, G_LIST_MODEL (f->store));
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  da_test_wait_drawn (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture *f)
{
  gtk_window_destroy (f->window);
  g_object_unref (f->store);
}

static DaMessageRow *
find_row_for (GtkWidget *root,
              DaMessage *message)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      DaMessageRow *row;

      if (DA_IS_MESSAGE_ROW (child) && da_message_row_get_message (DA_MESSAGE_ROW (child)) == message)
        return DA_MESSAGE_ROW (child);

      if ((row = find_row_for (child, message)) != NULL)
        return row;
    }

  return NULL;
}

typedef struct
{
  DaMessage  *message;
  const char *text;
  gsize       offset;
  guint       deltas;
} Streamer;

static gboolean
stream_step_cb (gpointer data)
{
  Streamer *s = data;
  gsize len = strlen (s->text);
  gsize step = MIN ((gsize) 7, len - s->offset);

  da_message_append_text (s->message, s->text + s->offset, step);
  s->offset += step;
  s->deltas++;

  if (s->offset >= len)
    {
      da_message_set_usage (s->message, 120, 80);
      da_message_set_state (s->message, DA_MESSAGE_STATE_COMPLETE);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
message_complete (gpointer data)
{
  return da_message_get_state (DA_MESSAGE (data)) == DA_MESSAGE_STATE_COMPLETE;
}

static void
test_streaming (void)
{
  Fixture f;
  g_autoptr(DaMessage) user = da_message_new (DA_ROLE_USER, NULL, "How many lines are in notes.txt?");
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  Streamer s = { reply, reply_text, 0, 0 };
  DaMessageRow *row;
  DaMarkdownView *markdown;
  GtkWidget *code;
  g_autofree char *code_text = NULL;

  fixture_set_up (&f);
  g_list_store_append (f.store, user);
  g_list_store_append (f.store, reply);
  da_chat_view_set_busy (f.view, TRUE);

  /* Deltas arrive faster than frames; the view renders once per frame. */
  g_timeout_add (2, stream_step_cb, &s);
  g_assert_true (da_test_wait_for (message_complete, reply, 10000));
  da_chat_view_set_busy (f.view, FALSE);
  da_test_wait_drawn (GTK_WIDGET (f.window));

  row = find_row_for (GTK_WIDGET (f.view), reply);
  g_assert_nonnull (row);
  markdown = DA_MARKDOWN_VIEW (da_test_find_widget (GTK_WIDGET (row), DA_TYPE_MARKDOWN_VIEW, NULL));
  g_assert_cmpstr (da_markdown_view_get_text (markdown), ==, reply_text);
  g_assert_cmpuint (da_markdown_view_get_n_renders (markdown), >=, 1);
  g_assert_cmpuint (da_markdown_view_get_n_renders (markdown), <=, s.deltas);
  g_test_message ("%u deltas, %u renders", s.deltas, da_markdown_view_get_n_renders (markdown));

  /* The code block is highlighted source with a working copy button. */
  code = da_test_find_widget (GTK_WIDGET (markdown), DA_TYPE_CODE_BLOCK, NULL);
  g_assert_nonnull (code);
  g_assert_cmpstr (da_code_block_get_language (DA_CODE_BLOCK (code)), ==, "python");
  code_text = da_code_block_get_code (DA_CODE_BLOCK (code));
  g_assert_cmpstr (code_text, ==, "with open('notes.txt') as f:\n    print(sum(1 for _ in f))");
  g_assert_true (gtk_widget_activate_action (code, "code.copy", NULL));

  g_free (da_test_screenshot (GTK_WIDGET (f.window), "chat-view-streamed"));
  fixture_tear_down (&f);
}

static void
set_true_cb (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_failed_reply_offers_retry (void)
{
  Fixture f;
  g_autoptr(DaMessage) reply = da_message_new_streaming ("planner");
  GtkWidget *row, *retry = NULL;
  gboolean retried = FALSE;

  fixture_set_up (&f);
  da_message_append_text (reply, "The first half of an ans", -1);
  da_message_set_error_message (reply, "connection closed before the reply was complete");
  da_message_set_state (reply, DA_MESSAGE_STATE_ERROR);
  g_list_store_append (f.store, reply);
  da_test_wait_drawn (GTK_WIDGET (f.window));

  row = GTK_WIDGET (find_row_for (GTK_WIDGET (f.view), reply));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (row, "failed"));
  for (GtkWidget *w = da_test_find_widget (row, GTK_TYPE_BUTTON, NULL); w != NULL; w = NULL)
    retry = w;
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_visible (retry));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (retry)), ==, "chat.retry");

  g_signal_connect_swapped (f.view, "retry", G_CALLBACK (set_true_cb), &retried);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (retried);

  g_free (da_test_screenshot (GTK_WIDGET (f.window), "chat-view-failed"));
  fixture_tear_down (&f);
}

static gboolean
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }

  return handled;
}

static void
record_send_cb (GtkWidget  *view,
                const char *text,
                GPtrArray  *sent)
{
  g_ptr_array_add (sent, g_strdup (text));
}

static void
test_composer (void)
{
  Fixture f;
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *composer;
  g_autofree char *draft = NULL;

  fixture_set_up (&f);
  g_signal_connect (f.view, "send", G_CALLBACK (record_send_cb), sent);
  composer = da_chat_view_get_composer (f.view);

  /* Enter on an empty composer sends nothing. */
  g_assert_true (press_key (composer, GDK_KEY_Return, 0));
  g_assert_cmpuint (sent->len, ==, 0);

  /* Shift+Enter is left to the text view (a new line); Enter sends. */
  da_chat_view_set_draft (f.view, "first line");
  g_assert_false (press_key (composer, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_true (press_key (composer, GDK_KEY_Return, 0));
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==, "first line");
  draft = da_chat_view_get_draft (f.view);
  g_assert_cmpstr (draft, ==, "");

  /* While a reply streams, Enter does not send and Stop is offered. */
  da_chat_view_set_busy (f.view, TRUE);
  da_chat_view_set_draft (f.view, "second");
  press_key (composer, GDK_KEY_Return, 0);
  g_assert_cmpuint (sent->len, ==, 1);
  da_chat_view_set_busy (f.view, FALSE);

  /* Without a provider the composer is disabled and says why. */
  da_chat_view_set_needs_setup (f.view, "Add a provider to start chatting.");
  g_assert_false (gtk_widget_get_sensitive (composer));
  press_key (composer, GDK_KEY_Return, 0);
  g_assert_cmpuint (sent->len, ==, 1);
  g_free (da_test_screenshot (GTK_WIDGET (f.window), "chat-view-needs-setup"));
  da_chat_view_set_needs_setup (f.view, NULL);
  g_assert_true (gtk_widget_get_sensitive (composer));

  fixture_tear_down (&f);
}

/* Every label's text under @widget, in order, one per line. */
static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

/* A list that grows delta by delta is updated in place, item by item; it
 * must end exactly as the same text rendered at once. */
static void
test_streamed_list_matches_full_render (void)
{
  static const char *text =
    "Steps:\n\n- pack the **bags**\n- book the train\n- water the plants\n\n"
    "1. first\n2. second *item*\n3. third\n\nDone.";
  g_autoptr(GString) streamed = g_string_new (NULL);
  g_autoptr(GString) whole = g_string_new (NULL);
  GtkWidget *a = GTK_WIDGET (da_markdown_view_new ());
  GtkWidget *b = GTK_WIDGET (da_markdown_view_new ());
  g_autofree char *prefix = NULL;

  g_object_ref_sink (a);
  g_object_ref_sink (b);
  for (gsize n = 1; n <= strlen (text); n++)
    {
      g_free (prefix);
      prefix = g_strndup (text, n);
      da_markdown_view_set_text (DA_MARKDOWN_VIEW (a), prefix);
      da_markdown_view_flush (DA_MARKDOWN_VIEW (a));
    }
  da_markdown_view_set_text (DA_MARKDOWN_VIEW (b), text);
  da_markdown_view_flush (DA_MARKDOWN_VIEW (b));

  collect_labels (a, streamed);
  collect_labels (b, whole);
  g_assert_cmpstr (streamed->str, ==, whole->str);
  g_assert_nonnull (strstr (whole->str, "water the plants"));
  g_object_unref (a);
  g_object_unref (b);
}

/* A long stored conversation: the newest page arrives first and is shown
 * at the end, the rest arrives behind it without the rows in view being
 * made again, and only rows in view are ever made. */
#define LONG_N 600

typedef struct
{
  DaChatSession *session;
  guint          n_at_latest;
  gboolean       loaded_at_latest;
} LoadOrder;

static void
latest_loaded_cb (DaChatSession *session,
                  GParamSpec    *pspec,
                  LoadOrder     *order)
{
  order->n_at_latest = g_list_model_get_n_items (da_chat_session_get_messages (session));
  order->loaded_at_latest = da_chat_session_get_loaded (session);
  /* Sent before the earlier messages are in: it waits for them. */
  da_chat_session_send (session, "Written while the history loads");
  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (session)), ==, order->n_at_latest);
}

static gboolean
session_latest_loaded (gpointer data)
{
  return da_chat_session_get_latest_loaded (DA_CHAT_SESSION (data));
}

static gboolean
session_loaded (gpointer data)
{
  return da_chat_session_get_loaded (DA_CHAT_SESSION (data));
}

static DaMessage *
nth_message (DaChatSession *session,
             guint          i)
{
  DaMessage *message = g_list_model_get_item (da_chat_session_get_messages (session), i);

  g_object_unref (message);   /* the model keeps it */
  return message;
}

static DaMessage *
last_message (DaChatSession *session)
{
  return nth_message (session, g_list_model_get_n_items (da_chat_session_get_messages (session)) - 1);
}

static void
assert_row_at_bottom (DaMessageList *list,
                      DaMessageRow  *row)
{
  graphene_rect_t bounds;

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (list), &bounds));
  /* Within the row's CSS margin (2 px) of the bottom. */
  g_assert_cmpfloat_with_epsilon (bounds.origin.y + bounds.size.height,
                                  gtk_widget_get_height (GTK_WIDGET (list)) - 2, 1.0);
}

static void
test_long_conversation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("da-test-chat-view-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(DaChatSession) session = NULL;
  DaMessageList *list;
  GtkAdjustment *adjustment;
  LoadOrder order = { 0 };
  guint binds;
  gint64 id;
  Fixture f;

  g_assert_no_error (error);
  id = da_store_create_conversation (store, "Long", "Assistant", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < LONG_N; i++)
    {
      g_autofree char *text = g_strdup_printf ("Message %u: *some* text\n\n- one\n- two", i);
      g_autoptr(DaMessage) message = da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER,
                                                     i % 2 ? "Assistant" : "user", text);

      g_assert_true (da_store_add_message (store, id, message, &error));
    }
  conversation = da_store_get_conversation (store, id, &error);
  g_assert_no_error (error);

  fixture_set_up (&f);
  list = da_chat_view_get_message_list (f.view);
  session = da_chat_session_new_for_conversation (store, conversation, NULL);
  g_signal_connect (session, "notify::latest-loaded", G_CALLBACK (latest_loaded_cb), &order);
  da_chat_view_set_model (f.view, da_chat_session_get_messages (session));
  da_chat_session_load (session);

  /* The newest page first, on its own. */
  g_assert_true (da_test_wait_for (session_latest_loaded, session, 10000));
  g_assert_cmpuint (order.n_at_latest, >, 0);
  g_assert_cmpuint (order.n_at_latest, <, LONG_N);
  g_assert_false (order.loaded_at_latest);
  g_assert_true (da_test_wait_for (session_loaded, session, 10000));
  /* The history, then the message sent while it loaded, then the reply
   * (a failure: this session's agent is not in the library). */
  g_assert_cmpuint (g_list_model_get_n_items (da_chat_session_get_messages (session)), ==, LONG_N + 2);
  g_assert_cmpstr (da_message_get_content (nth_message (session, LONG_N)), ==, "Written while the history loads");
  g_assert_cmpint (da_message_get_state (nth_message (session, LONG_N + 1)), ==, DA_MESSAGE_STATE_ERROR);
  for (guint i = 0; i < LONG_N; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("Message %u:", i);

      g_assert_true (g_str_has_prefix (da_message_get_content (nth_message (session, i)), prefix));
    }

  /* The end is in view, made of a handful of rows. */
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_cmpuint (da_message_list_get_n_rows (list), >, 0);
  g_assert_cmpuint (da_message_list_get_n_rows (list), <, 30);
  assert_row_at_bottom (list, find_row_for (GTK_WIDGET (list), last_message (session)));
  g_assert_null (find_row_for (GTK_WIDGET (list), nth_message (session, 0)));
  g_test_message ("%u rows in view, %u bound", da_message_list_get_n_rows (list),
                  da_message_list_get_n_binds (list));

  /* More history above does not disturb the rows in view. */
  binds = da_message_list_get_n_binds (list);
  {
    g_autoptr(DaMessage) older = da_message_new (DA_ROLE_USER, "user", "Older still");

    g_list_store_insert (G_LIST_STORE (da_chat_session_get_messages (session)), 0, older);
  }
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_cmpuint (da_message_list_get_n_binds (list), ==, binds);
  assert_row_at_bottom (list, find_row_for (GTK_WIDGET (list), last_message (session)));

  /* Scrolled to the top: the first messages, and only a few rows. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  gtk_adjustment_set_value (adjustment, 0);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_nonnull (find_row_for (GTK_WIDGET (list), nth_message (session, 0)));
  g_assert_null (find_row_for (GTK_WIDGET (list), last_message (session)));
  g_assert_cmpuint (da_message_list_get_n_rows (list), <, 30);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  /* A search hit's message is brought to the top. */
  da_message_list_scroll_to (list, 300);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  {
    DaMessageRow *row = find_row_for (GTK_WIDGET (list), nth_message (session, 300));
    graphene_rect_t bounds;

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (list), &bounds));
    g_assert_cmpfloat_with_epsilon (bounds.origin.y, 2, 1.0);
  }

  /* And back to the end, where a new message stays in view. */
  da_chat_view_scroll_to_end (f.view);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  assert_row_at_bottom (list, find_row_for (GTK_WIDGET (list), last_message (session)));
  {
    g_autoptr(DaMessage) newest = da_message_new (DA_ROLE_USER, "user", "The newest one\n\nwith two paragraphs");

    g_list_store_append (G_LIST_STORE (da_chat_session_get_messages (session)), newest);
    da_test_wait_drawn (GTK_WIDGET (f.window));
    assert_row_at_bottom (list, find_row_for (GTK_WIDGET (list), newest));
  }

  da_chat_view_set_model (f.view, NULL);
  fixture_tear_down (&f);
  g_clear_object (&session);
  g_clear_object (&store);
  g_unlink (path);
  g_remove (dir);
}

/* Keyboard focus in the message list: what a list view did. */

#define KEYS_N 500

/* Presses a key on @list the way its shortcut controller does. */
static void
press_list_key (DaMessageList   *list,
           guint            keyval,
           GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (list));
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, modifiers);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           GTK_WIDGET (list),
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }

  g_error ("no shortcut for key %s", gdk_keyval_name (keyval));
}

static DaMessageRow *
focused_row (Fixture *f)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus ? DA_MESSAGE_ROW (gtk_widget_get_ancestor (focus, DA_TYPE_MESSAGE_ROW)) : NULL;
}

static guint
focused_index (Fixture *f)
{
  DaMessageRow *row = focused_row (f);
  guint position;

  g_assert_nonnull (row);
  g_assert_true (g_list_store_find (f->store, da_message_row_get_message (row), &position));

  return position;
}

static gboolean
row_fully_in_view (DaMessageList *list,
                   DaMessageRow  *row)
{
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (list), &bounds) &&
         bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (GTK_WIDGET (list));
}

static void
test_keyboard_navigation (void)
{
  DaMessageList *list;
  GtkAdjustment *adjustment;
  DaMessageRow *row;
  Fixture f;
  guint i;

  fixture_set_up (&f);
  list = da_chat_view_get_message_list (f.view);
  for (i = 0; i < KEYS_N; i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(DaMessage) message = NULL;

      if (i == KEYS_N - 4)
        text = g_strdup_printf ("Message %u: with code\n\n```sh\necho %u\n```\n", i, i);
      else if (i == KEYS_N - 5)
        text = g_strdup_printf ("Message %u: see [the notes](https://example.org/%u).", i, i);
      else
        text = g_strdup_printf ("## Message %u: **first** line\n\nMore text below it.", i);
      message = da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER,
                                i % 2 ? "planner" : "user", text);
      g_list_store_append (f.store, message);
    }
  da_test_wait_drawn (GTK_WIDGET (f.window));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  /* Tab into the list, at the end: the newest message takes focus. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (list), GTK_DIR_TAB_FORWARD));
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 1);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (focused_row (&f))));

  /* Rows are list items named after their sender and first line. */
  row = focused_row (&f);
  gtk_test_accessible_assert_role (row, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "planner: Message 499: first line");
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Agent");

  /* Up three times. */
  for (i = 0; i < 3; i++)
    press_list_key (list, GDK_KEY_Up, 0);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 4);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_true (row_fully_in_view (list, focused_row (&f)));
  gtk_test_accessible_assert_property (focused_row (&f), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "You: Message 496: with code");

  /* Tab goes into the row's code and its copy button, Shift+Tab back
   * to the row. */
  row = focused_row (&f);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_FORWARD));
  for (i = 0; i < 5 && !GTK_IS_BUTTON (gtk_root_get_focus (GTK_ROOT (f.window))); i++)
    {
      g_assert_true (focused_row (&f) == row);
      g_assert_false (gtk_widget_is_focus (GTK_WIDGET (row)));
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_FORWARD));
    }
  g_assert_true (GTK_IS_BUTTON (gtk_root_get_focus (GTK_ROOT (f.window))));
  g_assert_true (focused_row (&f) == row);
  for (i = 0; i < 5 && !gtk_widget_is_focus (GTK_WIDGET (row)); i++)
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_BACKWARD));
      g_assert_true (focused_row (&f) == row);
    }
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (row)));
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 4);

  /* A paragraph with a link takes focus; one without does not. */
  press_list_key (list, GDK_KEY_Up, 0);
  row = focused_row (&f);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 5);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_FORWARD));
  g_assert_true (focused_row (&f) == row);
  g_assert_true (GTK_IS_LABEL (gtk_root_get_focus (GTK_ROOT (f.window))));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_BACKWARD));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (row)));
  press_list_key (list, GDK_KEY_Down, 0);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 4);

  /* Tab from a row without buttons leaves the list; Shift+Tab comes
   * back to the row that had focus. */
  press_list_key (list, GDK_KEY_Down, 0);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 3);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_FORWARD));
  g_assert_null (focused_row (&f));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f.window)), GTK_WIDGET (list)));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f.window), GTK_DIR_TAB_BACKWARD));
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 3);

  /* The focus ring. */
  gtk_window_set_focus_visible (f.window, TRUE);
  g_free (da_test_screenshot (GTK_WIDGET (f.window), "chat-view-focused-message"));

  /* Home: the first message, in view at the top, though its row was
   * never made before. */
  press_list_key (list, GDK_KEY_Home, 0);
  g_assert_cmpuint (focused_index (&f), ==, 0);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_true (row_fully_in_view (list, focused_row (&f)));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  gtk_test_accessible_assert_property (focused_row (&f), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "You: Message 0: first line");
  g_assert_cmpuint (da_message_list_get_n_rows (list), <, 30);

  /* Page Down moves by about a view, and back. */
  press_list_key (list, GDK_KEY_Page_Down, 0);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  i = focused_index (&f);
  g_assert_cmpuint (i, >, 1);
  g_assert_cmpuint (i, <, 30);
  g_assert_true (row_fully_in_view (list, focused_row (&f)));
  press_list_key (list, GDK_KEY_Page_Up, 0);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_cmpuint (focused_index (&f), ==, 0);

  /* Ctrl+End: the last message, and the view at the end. */
  press_list_key (list, GDK_KEY_End, GDK_CONTROL_MASK);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 1);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  assert_row_at_bottom (list, focused_row (&f));

  /* Down from the middle of a long scroll: the focused row is kept while
   * the view is scrolled away from it, and the next row comes into view. */
  da_message_list_focus_item (list, 250);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  row = focused_row (&f);
  g_assert_true (row_fully_in_view (list, row));
  gtk_adjustment_set_value (adjustment, 0);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_true (focused_row (&f) == row);
  g_assert_cmpuint (focused_index (&f), ==, 250);
  g_assert_false (row_fully_in_view (list, row));
  press_list_key (list, GDK_KEY_Down, 0);
  g_assert_cmpuint (focused_index (&f), ==, 251);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  g_assert_true (row_fully_in_view (list, focused_row (&f)));

  /* A reply streaming at the end, pinned there, pushes the focused row
   * out of view: it keeps focus and its message. */
  da_chat_view_scroll_to_end (f.view);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  {
    g_autoptr(DaMessage) reply = da_message_new (DA_ROLE_ASSISTANT, "planner", "");

    da_message_set_state (reply, DA_MESSAGE_STATE_STREAMING);
    g_list_store_append (f.store, reply);
    da_test_wait_drawn (GTK_WIDGET (f.window));
    g_assert_true (da_message_list_focus_item (list, KEYS_N - 1));
    da_test_wait_drawn (GTK_WIDGET (f.window));
    row = focused_row (&f);
    g_assert_true (row_fully_in_view (list, row));
    g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 1);
    for (i = 0; i < 40; i++)
      {
        da_message_append_text (reply, "A line of the reply.\n\n", -1);
        da_test_wait_drawn (GTK_WIDGET (f.window));
        g_assert_true (focused_row (&f) == row);
        g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 1);
      }
    g_assert_false (row_fully_in_view (list, row));
    gtk_test_accessible_assert_property (find_row_for (GTK_WIDGET (list), reply),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "planner: A line of the reply.");
    press_list_key (list, GDK_KEY_Down, 0);
    g_assert_cmpuint (focused_index (&f), ==, KEYS_N);
    da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);
  }

  /* The focused message removed: the one in its place takes focus. */
  press_list_key (list, GDK_KEY_Up, 0);
  g_list_store_remove (f.store, KEYS_N - 1);
  g_assert_cmpuint (focused_index (&f), ==, KEYS_N - 1);
  da_test_wait_drawn (GTK_WIDGET (f.window));
  {
    graphene_rect_t bounds;

    /* Taller than the view, and the view follows the end: in view at
     * the bottom. */
    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (focused_row (&f)), GTK_WIDGET (list), &bounds));
    g_assert_cmpfloat (bounds.origin.y, <, 0);
    assert_row_at_bottom (list, focused_row (&f));
  }

  fixture_tear_down (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DaApplication) app = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* The widgets' templates and style come from the application's resources. */
  app = da_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);

  g_test_add_func ("/app/chat-view/streaming", test_streaming);
  g_test_add_func ("/app/chat-view/streamed-list", test_streamed_list_matches_full_render);
  g_test_add_func ("/app/chat-view/failed-reply-offers-retry", test_failed_reply_offers_retry);
  g_test_add_func ("/app/chat-view/composer", test_composer);
  g_test_add_func ("/app/chat-view/long-conversation", test_long_conversation);
  g_test_add_func ("/app/chat-view/keyboard-navigation", test_keyboard_navigation);

  return g_test_run ();
}
