/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "da-test-team.h"
#include "da-sequential-chats.h"
#include "da-team-agent.h"

static DaGroupChat *
inner_team (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("bob", "Bob researched."),
                    da_test_conversable ("carol", "Carol concludes."),
                    NULL);
  DaGroupChat *team = da_group_chat_new (agents);

  da_group_chat_set_max_round (team, 3);
  return team;
}

static void
test_team_as_participant (gconstpointer data)
{
  gboolean reset = GPOINTER_TO_INT (data);
  g_autoptr(DaGroupChat) inner = inner_team ();
  g_autoptr(DaTeamAgent) research = da_team_agent_new ("research", inner);
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice asks."),
                    g_object_ref (DA_AGENT (research)),
                    NULL);
  g_autoptr(DaGroupChat) outer = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  g_autofree char *inner_senders = NULL;
  GPtrArray *messages;

  da_team_agent_set_reset_each_turn (research, reset);
  da_group_chat_set_max_round (outer, 5);
  g_assert_true (da_test_run_team (outer, "Plan a trip.", NULL, &error));
  g_assert_no_error (error);

  senders = da_test_senders (outer);
  g_assert_cmpstr (senders, ==, "user,alice,research,alice,research");
  messages = da_group_chat_get_messages (outer);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 2)), ==, "Carol concludes.");

  /* The inner team got alice's message as its task. */
  inner_senders = da_test_senders (inner);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (da_group_chat_get_messages (inner), 0)), ==,
                   "Alice asks.");
  g_assert_cmpstr (inner_senders, ==, reset ? "user,bob,carol" : "user,bob,carol,user,bob,carol");
}

static void
cancel_when_streaming_cb (DaGroupChat  *chat,
                          DaAgent      *sender,
                          DaMessage    *message,
                          GCancellable *cancellable)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_cancellable_cancel (cancellable);
}

static void
test_nested_cancel (void)
{
  const char *bob[] = { "@hang", "Bob is back.", NULL };
  const char *carol[] = { "Carol concludes.", NULL };
  g_autoptr(GPtrArray) inner_agents =
    da_test_agents (da_test_script_agent_new ("bob", bob),
                    da_test_script_agent_new ("carol", carol),
                    NULL);
  g_autoptr(DaGroupChat) inner = da_group_chat_new (inner_agents);
  g_autoptr(DaTeamAgent) research = da_team_agent_new ("research", inner);
  g_autoptr(GPtrArray) agents =
    da_test_agents (g_object_ref (DA_AGENT (research)), NULL);
  g_autoptr(DaGroupChat) outer = da_group_chat_new (agents);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  da_group_chat_set_max_round (inner, 3);
  da_group_chat_set_max_round (outer, 2);
  g_signal_connect (inner, "message-started", G_CALLBACK (cancel_when_streaming_cb), cancellable);
  g_assert_false (da_test_run_team (outer, "Look into it.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The inner run was cancelled too, and both can go on. */
  g_assert_false (da_group_chat_get_running (inner));
  g_assert_cmpstr (da_group_chat_get_stop_reason (inner), ==, "cancelled");
  g_signal_handlers_disconnect_by_data (inner, cancellable);
  da_team_agent_set_reset_each_turn (research, FALSE);
  g_assert_true (da_test_run_team (outer, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (da_group_chat_get_messages (outer), 1)), ==,
                   "Carol concludes.");
}

typedef struct
{
  gboolean  done;
  GStrv     summaries;
  GError   *error;
} SeqData;

static void
seq_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  SeqData *data = user_data;

  data->summaries = da_sequential_chats_run_finish (DA_SEQUENTIAL_CHATS (object), result, &data->error);
  data->done = TRUE;
}

static void
usage_cb (DaSequentialChats *chats,
          DaMessage         *message,
          guint             *count)
{
  (*count)++;
}

static void
test_sequential (gconstpointer user_data)
{
  gboolean reflection = GPOINTER_TO_INT (user_data);
  const char *answers[] = { "The Bristol is booked.", NULL };
  g_autoptr(DaProvider) provider = da_test_answer_provider_new (answers);
  g_autoptr(DaAgent) user = da_test_conversable ("user", "Thanks.");
  g_autoptr(DaAgent) hotels = da_test_conversable ("hotels", "Hotel Bristol. TERMINATE");
  g_autoptr(DaAgent) dining = da_test_conversable ("dining", "Table for two at eight.");
  g_autoptr(DaSequentialChats) chats = da_sequential_chats_new ();
  SeqData data = { 0 };
  guint usage = 0;
  DaChat *second;

  da_sequential_chats_add (chats, user, hotels, "Find a hotel.", 1,
                           reflection ? DA_SUMMARY_REFLECTION : DA_SUMMARY_LAST_MESSAGE);
  da_sequential_chats_add (chats, user, dining, "Book a table.", 1, DA_SUMMARY_LAST_MESSAGE);
  da_sequential_chats_set_reflection_provider (chats, provider, NULL);
  g_signal_connect (chats, "usage", G_CALLBACK (usage_cb), &usage);

  da_sequential_chats_run_async (chats, NULL, seq_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (data.error);

  g_assert_cmpuint (g_strv_length (data.summaries), ==, 2);
  g_assert_cmpstr (data.summaries[0], ==, reflection ? "The Bristol is booked." : "Hotel Bristol.");
  g_assert_cmpstr (data.summaries[1], ==, "Table for two at eight.");
  g_assert_cmpuint (usage, ==, reflection ? 1 : 0);

  second = da_sequential_chats_get_chat (chats, 1);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (da_chat_get_messages (second), 0)), ==,
                   reflection ? "Book a table.\nContext: \nThe Bristol is booked."
                              : "Book a table.\nContext: \nHotel Bristol.");
  g_strfreev (data.summaries);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/teams/nested/team-as-participant", GINT_TO_POINTER (TRUE), test_team_as_participant);
  g_test_add_data_func ("/teams/nested/team-keeps-thread", GINT_TO_POINTER (FALSE), test_team_as_participant);
  g_test_add_func ("/teams/nested/cancel", test_nested_cancel);
  g_test_add_data_func ("/teams/sequential/last-message", GINT_TO_POINTER (FALSE), test_sequential);
  g_test_add_data_func ("/teams/sequential/reflection", GINT_TO_POINTER (TRUE), test_sequential);

  return g_test_run ();
}
