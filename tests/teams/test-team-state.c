/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-test-team.h"

static DaGroupChat *
scripted_team (const char * const *alice,
               const char * const *bob,
               const char * const *charlie)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_script_agent_new ("alice", alice),
                    da_test_script_agent_new ("bob", bob),
                    da_test_script_agent_new ("charlie", charlie),
                    NULL);

  return da_group_chat_new (agents);
}

static DaGroupChat *
counting_team (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice speaking."),
                    da_test_conversable ("bob", "Bob speaking."),
                    da_test_conversable ("charlie", "Charlie speaking."),
                    NULL);
  DaGroupChat *chat = da_group_chat_new (agents);
  g_autoptr(DaTermination) termination =
    da_termination_any_new (da_termination_max_messages_new (3),
                            da_termination_text_mention_new ("DONE", NULL),
                            NULL);

  da_group_chat_set_max_round (chat, 0);
  da_group_chat_set_termination (chat, termination);
  return chat;
}

static char *
state_string (DaGroupChat *chat)
{
  g_autoptr(JsonNode) state = da_group_chat_save_state (chat);

  return json_to_string (state, TRUE);
}

static void
test_resume_after_max_messages (void)
{
  g_autoptr(DaGroupChat) chat = counting_team ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  g_assert_false (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_NOTHING_TO_RESUME);
  g_clear_error (&error);

  g_assert_true (da_test_run_team (chat, "Count with me.", NULL, &error));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_messages: 3 reached");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob");

  /* Without a task the team continues; the condition was reset. */
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie,alice,bob");
  g_assert_cmpuint (da_group_chat_get_n_rounds (chat), ==, 3);

  /* A new task joins the thread and the rotation goes on. */
  g_assert_true (da_test_run_team (chat, "Once more.", NULL, &error));
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie,alice,bob,user,charlie,alice");

  da_group_chat_reset (chat);
  g_assert_cmpuint (da_group_chat_get_messages (chat)->len, ==, 0);
  g_assert_null (da_group_chat_get_last_speaker (chat));
  g_assert_true (da_test_run_team (chat, "Again.", NULL, &error));
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob");
}

static void
test_save_load_round_trip (void)
{
  g_autoptr(DaGroupChat) chat = counting_team ();
  g_autoptr(DaGroupChat) copy = counting_team ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *reloaded = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  DaAgent *copy_alice = da_group_chat_find_participant (copy, "alice");

  g_assert_true (da_test_run_team (chat, "Count with me.", NULL, &error));
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));

  state = da_group_chat_save_state (chat);
  saved = json_to_string (state, TRUE);
  g_assert_true (da_group_chat_load_state (copy, state, &error));
  g_assert_no_error (error);
  reloaded = state_string (copy);
  g_assert_cmpstr (saved, ==, reloaded);
  g_assert_nonnull (strstr (saved, "\"last_speaker\" : \"bob\""));
  g_assert_nonnull (strstr (saved, "\"stop_reason\" : \"max_messages: 3 reached\""));

  /* The copy's agents have the thread in their histories. */
  g_assert_cmpuint (da_agent_get_history (copy_alice, DA_AGENT (da_group_chat_get_manager (copy)))->len, ==, 6);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (DA_CONVERSABLE_AGENT (copy_alice),
                                                                           DA_AGENT (da_group_chat_get_manager (copy))),
                    ==, 2);

  /* Both continue identically. */
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_true (da_test_run_team (copy, NULL, NULL, &error));
  a = da_test_senders (chat);
  b = da_test_senders (copy);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, ==, "user,alice,bob,charlie,alice,bob,charlie,alice,bob");
}

static void
test_load_rejects (void)
{
  g_autoptr(DaGroupChat) chat = counting_team ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  static const struct {
    const char *json;
    const char *prefix;
  } cases[] = {
    { "[]", "$: expected an object" },
    { "{\"version\": 2}", "$.version:" },
    { "{\"version\": 1, \"participants\": [\"alice\", \"bob\"]}", "$.participants:" },
    { "{\"version\": 1, \"participants\": [\"alice\", \"bob\", \"charlie\"], \"messages\": "
      "[{\"role\": \"robot\", \"content\": \"x\", \"state\": \"complete\"}]}", "$.messages[0]:" },
    { "{\"version\": 1, \"participants\": [\"alice\", \"bob\", \"charlie\"], \"messages\": [], "
      "\"last_speaker\": \"dave\"}", "$.last_speaker:" },
    { "{\"version\": 1, \"participants\": [\"alice\", \"bob\", \"charlie\"], \"messages\": [], "
      "\"termination\": {\"kind\": \"max_messages\", \"terminated\": false, \"messages\": 1}}",
      "$.termination:" },
  };

  g_assert_true (da_test_run_team (chat, "Count with me.", NULL, &error));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *before = state_string (chat);
      g_autofree char *after = NULL;

      g_assert_true (json_parser_load_from_data (parser, cases[i].json, -1, NULL));
      g_assert_false (da_group_chat_load_state (chat, json_parser_get_root (parser), &error));
      g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_STATE);
      if (!g_str_has_prefix (error->message, cases[i].prefix))
        g_error ("case %u: %s", i, error->message);
      g_clear_error (&error);

      after = state_string (chat);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
test_load_fixture (void)
{
  g_autoptr(DaGroupChat) chat = counting_team ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "teams", "state-round-robin.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) expected = NULL;
  GPtrArray *messages;
  DaMessage *call;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_true (da_group_chat_load_state (chat, json_parser_get_root (parser), &error));
  g_assert_no_error (error);

  messages = da_group_chat_get_messages (chat);
  g_assert_cmpuint (messages->len, ==, 5);
  call = g_ptr_array_index (messages, 2);
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (da_message_get_tool_calls (call), 0))->name, ==,
                   "transfer_to_charlie");
  g_assert_cmpint (da_message_get_state (g_ptr_array_index (messages, 4)), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_true (da_group_chat_get_next_speaker (chat) == da_group_chat_find_participant (chat, "charlie"));
  g_assert_true (da_group_chat_get_last_speaker (chat) == da_group_chat_find_participant (chat, "bob"));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "cancelled");

  /* Saved again, it is the fixture. */
  saved = da_group_chat_save_state (chat);
  expected = json_parser_steal_root (parser);
  g_assert_true (json_node_equal (saved, expected));
}

typedef struct
{
  GCancellable *cancellable;
  DaMessage    *cut;
} CancelData;

static void
cancel_on_start_cb (DaGroupChat *chat,
                    DaAgent     *sender,
                    DaMessage   *message,
                    CancelData  *data)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_cancellable_cancel (data->cancellable);
}

static void
completed_cb (DaGroupChat *chat,
              DaAgent     *sender,
              DaMessage   *message,
              CancelData  *data)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_INCOMPLETE)
    g_set_object (&data->cut, message);
}

static void
selected_cb (DaGroupChat *chat,
             DaAgent     *speaker,
             const char  *reason,
             GString     *out)
{
  g_string_append_printf (out, "%s:%s;", da_agent_get_name (speaker), reason);
}

static void
test_cancel_and_resume (void)
{
  const char *alice[] = { "A1", "A2", NULL };
  const char *bob[] = { "@hang", "B after resume", NULL };
  const char *charlie[] = { "C1", NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (alice, bob, charlie);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *senders = NULL;
  g_autofree char *text = NULL;
  CancelData data = { cancellable, NULL };
  gulong id;

  da_group_chat_set_max_round (chat, 5);
  id = g_signal_connect (chat, "message-started", G_CALLBACK (cancel_on_start_cb), &data);
  g_signal_connect (chat, "message-completed", G_CALLBACK (completed_cb), &data);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  g_assert_false (da_test_run_team (chat, "Go.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "cancelled");

  /* The cut reply was announced incomplete and is not in the thread. */
  g_assert_nonnull (data.cut);
  g_assert_cmpstr (da_message_get_content (data.cut), ==, "partial ");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice");
  g_assert_true (da_group_chat_get_next_speaker (chat) == da_group_chat_find_participant (chat, "bob"));

  state = da_group_chat_save_state (chat);
  text = json_to_string (state, FALSE);
  g_assert_nonnull (strstr (text, "\"next_speaker\":\"bob\""));

  /* Resumable: bob is asked again. */
  g_signal_handler_disconnect (chat, id);
  g_string_truncate (selected, 0);
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie,alice");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "script_ended");
  g_assert_true (g_str_has_prefix (selected->str, "bob:resumed;charlie:round_robin;"));
  g_clear_object (&data.cut);
}

static void
test_cancel_before_start (void)
{
  const char *replies[] = { "x", NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (replies, replies, replies);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (da_test_run_team (chat, "Go.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (da_group_chat_get_messages (chat)->len, ==, 1);
}

static void
stop_after_bob_cb (DaGroupChat *chat,
                   DaAgent     *sender,
                   DaMessage   *message,
                   gpointer     user_data)
{
  if (g_strcmp0 (da_message_get_sender (message), "bob") == 0)
    da_group_chat_stop (chat);
}

static void
test_external_stop (void)
{
  g_autoptr(DaGroupChat) chat = counting_team ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_termination (chat, NULL);
  da_group_chat_set_max_round (chat, 10);
  g_signal_connect (chat, "message-completed", G_CALLBACK (stop_after_bob_cb), NULL);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "external_stop");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob");
}

static void
test_swarm_handoffs (void)
{
  const char *alice[] = { "Let me pass you on.", "@transfer_to_bob", NULL };
  const char *bob[] = { "Bob here, checking.", "@transfer_to_user", "Booked.", "@transfer_to_Charlie", NULL };
  const char *charlie[] = { "Charlie closes. TERMINATE", NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (alice, bob, charlie);
  g_autoptr(DaTermination) termination =
    da_termination_any_new (da_termination_handoff_new ("user"),
                            da_termination_text_mention_new ("TERMINATE", NULL),
                            NULL);
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  GPtrArray *messages;
  DaMessage *result;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SWARM);
  da_group_chat_set_termination (chat, termination);
  da_group_chat_set_max_round (chat, 20);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  g_assert_true (da_test_run_team (chat, "Book a flight.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "handoff: bob handed over to user");
  g_assert_cmpstr (selected->str, ==, "alice:swarm;alice:swarm;bob:handoff;bob:swarm;");
  senders = da_test_senders (chat);
  /* Each handoff call is answered by a tool message. */
  g_assert_cmpstr (senders, ==, "user,alice,alice,alice,bob,bob,bob");
  messages = da_group_chat_get_messages (chat);
  result = g_ptr_array_index (messages, 3);
  g_assert_cmpint (da_message_get_role (result), ==, DA_ROLE_TOOL);
  g_assert_cmpstr (da_message_get_tool_call_id (result), ==, "call_2");
  g_assert_cmpstr (da_message_get_content (result), ==,
                   "Transferred to bob, adopting the role of bob immediately.");

  /* The person answers; bob, who handed over, carries on. */
  g_string_truncate (selected, 0);
  g_assert_true (da_test_run_team (chat, "Yes, the 9:40 one.", NULL, &error));
  g_assert_cmpstr (selected->str, ==, "bob:handoff;bob:swarm;charlie:handoff;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "text_mention: 'TERMINATE' from charlie");
}

/* A handoff to the person ("user", not a participant) ends the run
 * without any termination condition; the person's answer goes to the
 * agent that handed over, also after a save and load. */
static void
test_swarm_handoff_to_person (void)
{
  const char *alice[] = { "@transfer_to_user", "Friday it is.", "@transfer_to_bob", NULL };
  const char *bob[] = { "Booked. TERMINATE", NULL };
  const char *none[] = { NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (alice, bob, none);
  g_autoptr(DaTermination) termination = da_termination_text_mention_new ("TERMINATE", NULL);
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *senders = NULL;
  g_autofree char *saved = NULL;
  DaMessage *answer;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SWARM);
  da_group_chat_set_termination (chat, termination);
  da_group_chat_set_max_round (chat, 20);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  g_assert_true (da_test_run_team (chat, "Book a trip.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "handoff: alice handed over to user");
  g_assert_cmpstr (selected->str, ==, "alice:swarm;");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,alice");
  g_assert_null (da_group_chat_get_next_speaker (chat));
  g_assert_cmpstr (da_agent_get_name (da_group_chat_get_person_handoff (chat)), ==, "alice");

  state = da_group_chat_save_state (chat);
  saved = json_to_string (state, FALSE);
  g_assert_nonnull (strstr (saved, "\"handoff_target\":\"alice\""));
  da_group_chat_reset (chat);
  g_assert_true (da_group_chat_load_state (chat, state, &error));
  g_assert_no_error (error);

  g_string_truncate (selected, 0);
  g_assert_true (da_test_run_team (chat, "Friday, please.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (selected->str, ==, "alice:handoff;alice:swarm;bob:handoff;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "text_mention: 'TERMINATE' from bob");
  g_assert_null (da_group_chat_get_person_handoff (chat));
  answer = g_ptr_array_index (da_group_chat_get_messages (chat), 3);
  g_assert_cmpstr (da_message_get_sender (answer), ==, "user");
  g_assert_cmpstr (da_message_get_content (answer), ==, "Friday, please.");
}

/* With a user proxy among the participants, it posts the task and the
 * person's answer without taking the floor: the next agent opens the
 * swarm, and the agent that handed over to the person carries on. */
static void
test_swarm_handoff_to_person_with_proxy (void)
{
  const char *alice[] = { "@transfer_to_user", "Thanks. TERMINATE", NULL };
  const char *none[] = { NULL };
  g_autoptr(DaUserProxyAgent) proxy = da_user_proxy_agent_new ("client");
  g_autoptr(GPtrArray) agents =
    da_test_agents (g_object_ref (DA_AGENT (proxy)),
                    da_test_script_agent_new ("alice", alice),
                    da_test_script_agent_new ("bob", none),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(DaTermination) termination = da_termination_text_mention_new ("TERMINATE", NULL);
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SWARM);
  da_group_chat_set_initiator (chat, DA_AGENT (proxy));
  da_group_chat_set_termination (chat, termination);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  g_assert_true (da_test_run_team (chat, "Hello.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (selected->str, ==, "alice:swarm;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "handoff: alice handed over to user");

  g_assert_true (da_test_run_team (chat, "Friday.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (selected->str, ==, "alice:swarm;alice:handoff;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "text_mention: 'TERMINATE' from alice");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "client,alice,alice,client,alice");
}

static void
test_swarm_unknown_target (void)
{
  const char *alice[] = { "@transfer_to_zed", NULL };
  const char *none[] = { NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (alice, none, none);
  g_autoptr(GError) error = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SWARM);
  g_assert_false (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_HANDOFF);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==,
                   "error: alice handed over to zed, who is not in the team");
}

static void
test_graph_conditional (void)
{
  const char *writer[] = { "draft 1", "draft 2", NULL };
  const char *reviewer[] = { "REVISE: too long", "APPROVE", NULL };
  const char *publisher[] = { "published", NULL };
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_script_agent_new ("writer", writer),
                    da_test_script_agent_new ("reviewer", reviewer),
                    da_test_script_agent_new ("publisher", publisher),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_GRAPH);
  da_group_chat_set_max_round (chat, 0);
  g_assert_true (da_group_chat_add_transition (chat, "writer", "reviewer", NULL, &error));
  g_assert_true (da_group_chat_add_transition (chat, "reviewer", "writer", "REVISE", &error));
  g_assert_true (da_group_chat_add_transition (chat, "reviewer", "publisher", "APPROVE", &error));

  g_assert_true (da_test_run_team (chat, "Write a note.", NULL, &error));
  g_assert_no_error (error);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,writer,reviewer,writer,reviewer,publisher");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "graph_complete");
}

static void
test_graph_state (void)
{
  const char *a[] = { "a1", "a2", NULL };
  const char *b[] = { "b1", "b2", NULL };
  const char *c[] = { "c1", "c2", NULL };
  g_autoptr(DaGroupChat) chat = scripted_team (a, b, c);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) state = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_GRAPH);
  da_group_chat_set_max_round (chat, 2);
  /* alice fans out to bob and charlie */
  g_assert_true (da_group_chat_add_transition (chat, "alice", "bob", NULL, &error));
  g_assert_true (da_group_chat_add_transition (chat, "alice", "charlie", NULL, &error));

  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_round");
  state = da_group_chat_save_state (chat);
  text = json_to_string (state, FALSE);
  g_assert_nonnull (strstr (text, "\"graph_started\":true,\"graph_ready\":[\"bob\",\"charlie\"]"));

  da_group_chat_set_max_round (chat, 0);
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_clear_pointer (&text, g_free);
  text = da_test_senders (chat);
  g_assert_cmpstr (text, ==, "user,alice,bob,charlie");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "graph_complete");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teams/state/resume-after-max-messages", test_resume_after_max_messages);
  g_test_add_func ("/teams/state/save-load-round-trip", test_save_load_round_trip);
  g_test_add_func ("/teams/state/load-rejects", test_load_rejects);
  g_test_add_func ("/teams/state/load-fixture", test_load_fixture);
  g_test_add_func ("/teams/state/cancel-and-resume", test_cancel_and_resume);
  g_test_add_func ("/teams/state/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/teams/state/external-stop", test_external_stop);
  g_test_add_func ("/teams/swarm/handoffs", test_swarm_handoffs);
  g_test_add_func ("/teams/swarm/unknown-target", test_swarm_unknown_target);
  g_test_add_func ("/teams/swarm/handoff-to-person", test_swarm_handoff_to_person);
  g_test_add_func ("/teams/swarm/handoff-to-person-with-proxy", test_swarm_handoff_to_person_with_proxy);
  g_test_add_func ("/teams/graph/conditional", test_graph_conditional);
  g_test_add_func ("/teams/graph/state", test_graph_state);

  return g_test_run ();
}
