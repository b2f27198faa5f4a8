/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-test-team.h"
#include "da-group-chat-private.h"

static DaGroupChat *
three_conversables (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice speaking."),
                    da_test_conversable ("bob", "Bob speaking."),
                    da_test_conversable ("charlie", "Charlie speaking."),
                    NULL);
  DaGroupChat *chat = da_group_chat_new (agents);

  da_group_chat_set_initiator (chat, g_ptr_array_index (agents, 0));
  return chat;
}

static void
count_cb (GObject  *object,
          gpointer  arg1,
          gpointer  arg2,
          guint    *count)
{
  (*count)++;
}

static void
round_cb (DaGroupChat *chat,
          guint        n,
          guint       *last)
{
  *last = n;
}

static void
test_round_robin (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  guint selected = 0, completed = 0, last_round = 0;
  DaAgent *alice = da_group_chat_find_participant (chat, "ALICE");

  g_signal_connect (chat, "speaker-selected", G_CALLBACK (count_cb), &selected);
  g_signal_connect (chat, "message-completed", G_CALLBACK (count_cb), &completed);
  g_signal_connect (chat, "round", G_CALLBACK (round_cb), &last_round);
  da_group_chat_set_max_round (chat, 6);

  g_assert_true (da_test_run_team (chat, "Let us begin.", NULL, &error));
  g_assert_no_error (error);

  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,bob,charlie,alice,bob,charlie");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_round");
  g_assert_cmpuint (selected, ==, 5);
  g_assert_cmpuint (completed, ==, 6);
  g_assert_cmpuint (last_round, ==, 6);

  /* Every participant saw the whole thread through the manager. */
  g_assert_cmpuint (da_agent_get_history (alice, DA_AGENT (da_group_chat_get_manager (chat)))->len, ==, 6);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (DA_CONVERSABLE_AGENT (alice),
                                                                           DA_AGENT (da_group_chat_get_manager (chat))),
                    ==, 1);
}

static void
test_task_from_user (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_initiator (chat, NULL);
  da_group_chat_set_max_round (chat, 4);
  g_assert_true (da_test_run_team (chat, "Hi team", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie");
}

static void
run_terminate_case (gboolean  contains,
                    char    **senders,
                    char    **reason)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice speaking."),
                    da_test_conversable ("bob", "Bob speaking. TERMINATE"),
                    da_test_conversable ("charlie", "Charlie speaking."),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;

  da_group_chat_set_initiator (chat, g_ptr_array_index (agents, 0));
  da_group_chat_set_max_round (chat, 6);
  if (contains)
    g_assert_true (da_conversable_agent_set_termination (da_group_chat_get_manager (chat),
                                                         DA_TERMINATION_MODE_CONTAINS,
                                                         "TERMINATE", &error));
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_no_error (error);
  *senders = da_test_senders (chat);
  *reason = g_strdup (da_group_chat_get_stop_reason (chat));
}

static void
test_terminate_exact_vs_contains (void)
{
  g_autofree char *senders = NULL;
  g_autofree char *reason = NULL;

  run_terminate_case (FALSE, &senders, &reason);
  g_assert_cmpstr (senders, ==, "alice,bob,charlie,alice,bob,charlie");
  g_assert_cmpstr (reason, ==, "max_round");

  g_clear_pointer (&senders, g_free);
  g_clear_pointer (&reason, g_free);
  run_terminate_case (TRUE, &senders, &reason);
  g_assert_cmpstr (senders, ==, "alice,bob");
  g_assert_cmpstr (reason, ==, "termination_message: TERMINATE from bob");
}

static void
test_exact_terminate_stops (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice speaking."),
                    da_test_conversable ("bob", "TERMINATE"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "termination_message: TERMINATE from bob");
}

static void
test_allowed_transitions (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_max_round (chat, 10);
  g_assert_true (da_group_chat_add_transition (chat, "alice", "bob", NULL, &error));
  g_assert_true (da_group_chat_add_transition (chat, "bob", "charlie", NULL, &error));
  g_assert_false (da_group_chat_add_transition (chat, "bob", "dave", NULL, &error));
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG);
  g_clear_error (&error);

  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,bob,charlie");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==,
                   "no_eligible_speaker: no participant may speak after charlie");
}

static void
test_disallowed_transitions (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  da_group_chat_set_max_round (chat, 5);
  da_group_chat_set_transitions_kind (chat, DA_TRANSITIONS_DISALLOWED);
  g_assert_true (da_group_chat_add_transition (chat, "alice", "bob", NULL, &error));
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,charlie,alice,charlie,alice");
}

static void
test_max_consecutive_auto_reply (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("alice", "Alice speaking."),
                    da_test_conversable ("bob", "Bob speaking."),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  DaConversableAgent *alice = g_ptr_array_index (agents, 0);
  DaConversableAgent *bob = g_ptr_array_index (agents, 1);
  DaAgent *manager = DA_AGENT (da_group_chat_get_manager (chat));

  da_conversable_agent_set_max_consecutive_auto_reply (bob, 2);
  da_group_chat_set_initiator (chat, DA_AGENT (alice));
  da_group_chat_set_max_round (chat, 20);

  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,bob,alice,bob,alice");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_consecutive_auto_reply");

  /* Counted per sender: bob's replies to the manager, none to alice. */
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (bob, manager), ==, 2);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (bob, DA_AGENT (alice)), ==, 0);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (alice, manager), ==, 2);
}

static void
test_random_no_repeat (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_RANDOM);
  da_group_chat_set_allow_repeat_speaker (chat, FALSE);
  da_group_chat_set_random_seed (chat, 42);
  da_group_chat_set_max_round (chat, 30);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));

  messages = da_group_chat_get_messages (chat);
  g_assert_cmpuint (messages->len, ==, 30);
  for (guint i = 1; i < messages->len; i++)
    g_assert_cmpstr (da_message_get_sender (g_ptr_array_index (messages, i - 1)), !=,
                     da_message_get_sender (g_ptr_array_index (messages, i)));
}

typedef struct
{
  const char * const *answers;
  guint               next;
  GString            *prompts;
} ManualData;

static void
manual_handler (DaGroupChat         *chat,
                const char          *prompt,
                GPtrArray           *candidates,
                GCancellable        *cancellable,
                DaHumanInputRequest *request,
                gpointer             user_data)
{
  ManualData *data = user_data;

  g_string_append_printf (data->prompts, "%s|", prompt);
  da_human_input_request_reply (request, data->answers[data->next++]);
}

static void
test_manual (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  /* 3 → charlie; "" → round robin after charlie: alice; "Bob" → bob;
   * three invalid answers → round robin after bob: charlie */
  const char *answers[] = { "3", "", "Bob", "9", "zed", "x", NULL };
  ManualData data = { answers, 0, g_string_new (NULL) };

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_MANUAL);
  da_group_chat_set_max_round (chat, 5);
  da_group_chat_set_speaker_selection_handler (chat, manual_handler, &data, NULL);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));

  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,charlie,alice,bob,charlie");
  g_assert_cmpuint (data.next, ==, 6);
  g_assert_nonnull (strstr (data.prompts->str,
                            "Please select the next speaker from the following list:\n"
                            "1: alice\n2: bob\n3: charlie\n"));
  g_assert_nonnull (strstr (data.prompts->str, "Invalid input. Please enter a number between 1 and 3."));
  g_string_free (data.prompts, TRUE);
}

static void
test_manual_without_handler (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_MANUAL);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "human_absent: no speaker selection handler");
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
usage_cb (DaGroupChat *chat,
          DaAgent     *agent,
          DaMessage   *message,
          guint       *count)
{
  if (agent == DA_AGENT (da_group_chat_get_manager (chat)))
    (*count)++;
}

static void
test_selector_retry (void)
{
  const char *answers[] = { "nobody", "I pick BOB.", NULL };
  g_autoptr(DaProvider) provider = da_test_answer_provider_new (answers);
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autofree char *senders = NULL;
  guint selector_usage = 0;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SELECTOR);
  da_group_chat_set_selector_provider (chat, provider);
  da_group_chat_set_max_round (chat, 2);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);
  g_signal_connect (chat, "usage", G_CALLBACK (usage_cb), &selector_usage);

  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,bob");
  g_assert_cmpstr (selected->str, ==, "bob:selector;");
  g_assert_cmpuint (da_test_answer_provider_get_n_calls (DA_TEST_ANSWER_PROVIDER (provider)), ==, 2);
  g_assert_cmpuint (selector_usage, ==, 2);
}

static void
test_selector_only_invalid (void)
{
  const char *answers[] = { "nobody", "alice or bob", "?", NULL };
  g_autoptr(DaProvider) provider = da_test_answer_provider_new (answers);
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) selected = g_string_new (NULL);

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SELECTOR);
  da_group_chat_set_selector_provider (chat, provider);
  da_group_chat_set_max_round (chat, 2);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  /* Fallback: the previous speaker, alice, who may repeat. */
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (selected->str, ==, "alice:selector_fallback;");
  g_assert_cmpuint (da_test_answer_provider_get_n_calls (DA_TEST_ANSWER_PROVIDER (provider)), ==, 3);

  /* Without repeats the fallback is the next in round-robin order. */
  da_group_chat_reset (chat);
  g_string_truncate (selected, 0);
  da_group_chat_set_allow_repeat_speaker (chat, FALSE);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (selected->str, ==, "bob:selector_fallback;");
}

static void
test_selector_token_usage_stops (void)
{
  const char *answers[] = { "bob", NULL };
  g_autoptr(DaProvider) provider = da_test_answer_provider_new (answers);
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(DaTermination) tokens = da_termination_token_usage_new (22, 0, 0);
  g_autoptr(GError) error = NULL;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SELECTOR);
  da_group_chat_set_selector_provider (chat, provider);
  da_group_chat_set_termination (chat, tokens);
  da_group_chat_set_max_round (chat, 0);

  /* 11 tokens per selection; the second one reaches 22. */
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "token_usage: 22 tokens (limit 22 total)");
  g_assert_cmpuint (da_group_chat_get_messages (chat)->len, ==, 2);
}

static void
test_selector_parse (void)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (da_test_conversable ("Alice", "a"),
                    da_test_conversable ("bob_smith", "b"),
                    da_test_conversable ("al", "c"),
                    NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (_da_selector_parse_answer ("alice", agents, NULL) == g_ptr_array_index (agents, 0));
  g_assert_true (_da_selector_parse_answer ("  \"AL\". ", agents, NULL) == g_ptr_array_index (agents, 2));
  g_assert_true (_da_selector_parse_answer ("Next: Bob Smith", agents, NULL) == g_ptr_array_index (agents, 1));
  g_assert_true (_da_selector_parse_answer ("alice should go", agents, NULL) == g_ptr_array_index (agents, 0));
  g_assert_null (_da_selector_parse_answer ("alice or al", agents, &error));
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_SELECTION);
  g_assert_cmpstr (error->message, ==,
                   "Expected exactly one name to be mentioned. Please select only one from: Alice, bob_smith, al.");
  g_clear_error (&error);
  g_assert_null (_da_selector_parse_answer ("alicex \xff", agents, &error));
  g_assert_cmpstr (error->message, ==, "No valid name was mentioned. Please select from: Alice, bob_smith, al.");
}

static void
direct_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DaMessage **reply = user_data;
  g_autoptr(GError) error = NULL;

  *reply = da_group_chat_send_direct_finish (DA_GROUP_CHAT (object), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*reply);
}

static void
count_direct_cb (DaGroupChat *chat,
                 DaAgent     *from,
                 DaAgent     *to,
                 DaMessage   *message,
                 guint       *count)
{
  (*count)++;
}

static void
test_direct_message (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) reply = NULL;
  DaAgent *alice = da_group_chat_find_participant (chat, "alice");
  DaAgent *bob = da_group_chat_find_participant (chat, "bob");
  DaAgent *charlie = da_group_chat_find_participant (chat, "charlie");
  DaAgent *manager = DA_AGENT (da_group_chat_get_manager (chat));
  guint directs = 0;

  da_group_chat_set_max_round (chat, 3);
  g_assert_true (da_test_run_team (chat, "Go.", NULL, &error));
  g_signal_connect (chat, "direct-message", G_CALLBACK (count_direct_cb), &directs);

  da_group_chat_send_direct_async (chat, alice, charlie, "Just between us.", NULL, direct_cb, &reply);
  while (reply == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (da_message_get_content (reply), ==, "Charlie speaking.");
  g_assert_cmpuint (directs, ==, 2);
  g_assert_cmpuint (da_agent_get_history (charlie, alice)->len, ==, 2);
  g_assert_cmpuint (da_agent_get_history (alice, charlie)->len, ==, 2);
  /* Nobody else saw it, and the thread is unchanged. */
  g_assert_cmpuint (da_agent_get_history (bob, manager)->len, ==, 3);
  g_assert_cmpuint (da_agent_get_history (charlie, manager)->len, ==, 3);
  g_assert_cmpuint (da_group_chat_get_messages (chat)->len, ==, 3);
}

static void
direct_error_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  g_assert_null (da_group_chat_send_direct_finish (DA_GROUP_CHAT (object), result, error));
}

static void
test_direct_message_outsider (void)
{
  g_autoptr(DaGroupChat) chat = three_conversables ();
  g_autoptr(DaAgent) outsider = da_test_conversable ("eve", "Hi.");
  GError *error = NULL;

  da_group_chat_send_direct_async (chat, outsider, da_group_chat_find_participant (chat, "bob"),
                                   "Hello?", NULL, direct_error_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
}

static void
test_from_config (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "teams", "team-round-robin.json", NULL);
  g_autoptr(DaTeamConfig) config = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaGroupChat) chat = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) termination = NULL;
  g_autofree char *json = NULL;
  g_autofree char *senders = NULL;

  config = da_team_config_new_from_file (path, &error);
  g_assert_no_error (error);
  agents = da_team_config_create_agents (config, NULL, NULL, &error);
  g_assert_no_error (error);
  chat = da_group_chat_new_from_config (config, agents, &error);
  g_assert_no_error (error);

  g_assert_cmpint (da_group_chat_get_selection (chat), ==, DA_SPEAKER_SELECTION_ROUND_ROBIN);
  g_assert_cmpuint (da_group_chat_get_max_round (chat), ==, 10);
  termination = da_termination_to_json (da_group_chat_get_termination (chat));
  json = json_to_string (termination, FALSE);
  g_assert_cmpstr (json, ==, "{\"any\":[{\"text_mention\":\"TERMINATE\"},{\"max_messages\":10}]}");

  da_group_chat_set_initiator (chat, da_group_chat_find_participant (chat, "user"));
  g_assert_true (da_test_run_team (chat, "Review the plan.", NULL, &error));
  g_assert_no_error (error);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,planner,critic");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "text_mention: 'TERMINATE' from critic");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teams/group/round-robin", test_round_robin);
  g_test_add_func ("/teams/group/task-from-user", test_task_from_user);
  g_test_add_func ("/teams/group/terminate-exact-vs-contains", test_terminate_exact_vs_contains);
  g_test_add_func ("/teams/group/terminate-exact", test_exact_terminate_stops);
  g_test_add_func ("/teams/group/allowed-transitions", test_allowed_transitions);
  g_test_add_func ("/teams/group/disallowed-transitions", test_disallowed_transitions);
  g_test_add_func ("/teams/group/max-consecutive-auto-reply", test_max_consecutive_auto_reply);
  g_test_add_func ("/teams/group/random", test_random_no_repeat);
  g_test_add_func ("/teams/group/manual", test_manual);
  g_test_add_func ("/teams/group/manual-without-handler", test_manual_without_handler);
  g_test_add_func ("/teams/group/direct-message", test_direct_message);
  g_test_add_func ("/teams/group/direct-message-outsider", test_direct_message_outsider);
  g_test_add_func ("/teams/group/from-config", test_from_config);
  g_test_add_func ("/teams/selector/retry", test_selector_retry);
  g_test_add_func ("/teams/selector/only-invalid", test_selector_only_invalid);
  g_test_add_func ("/teams/selector/token-usage", test_selector_token_usage_stops);
  g_test_add_func ("/teams/selector/parse", test_selector_parse);

  return g_test_run ();
}
