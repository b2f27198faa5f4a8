/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The teams end to end: agents and the speaker selector on the OpenAI
 * provider, against the loopback OpenAI-compatible server. */
#include "config.h"

#include <string.h>

#include "da-test-team.h"

static DaProvider *
loopback_provider (void)
{
  g_autoptr(GError) error = NULL;
  DaProvider *provider = da_provider_new_for_kind ("openai", da_test_server_url (), &error);

  g_assert_no_error (error);
  return provider;
}

static DaAgent *
assistant (const char *name,
           DaProvider *provider,
           const char *model)
{
  DaAssistantAgent *agent = da_assistant_agent_new (name, provider);

  da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (agent), model);
  da_agent_set_description (DA_AGENT (agent), name);
  return DA_AGENT (agent);
}

static void
usage_cb (DaGroupChat *chat,
          DaAgent     *agent,
          DaMessage   *message,
          GString     *out)
{
  g_string_append_printf (out, "%s:%" G_GINT64_FORMAT "+%" G_GINT64_FORMAT ";", da_agent_get_name (agent),
                          da_message_get_prompt_tokens (message) > 0 ? (gint64)1 : (gint64)0,
                          da_message_get_completion_tokens (message));
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
test_round_robin_streamed (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "echo"),
                    assistant ("bob", provider, "echo"),
                    assistant ("charlie", provider, "echo"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GString) usage = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  GPtrArray *messages;

  da_group_chat_set_max_round (chat, 4);
  g_signal_connect (chat, "usage", G_CALLBACK (usage_cb), usage);
  g_assert_true (da_test_run_team (chat, "ping", NULL, &error));
  g_assert_no_error (error);

  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie");
  messages = da_group_chat_get_messages (chat);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 1)), ==, "Echo: ping");
  /* bob answers the last message of its context: alice's, as user. */
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (messages, 2)), ==, "Echo: Echo: ping");
  for (guint i = 1; i < messages->len; i++)
    g_assert_cmpint (da_message_get_state (g_ptr_array_index (messages, i)), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (usage->str, ==, "alice:1+3;bob:1+5;charlie:1+6;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_round");
}

static void
run_terminate (gboolean   contains,
               char     **senders,
               char     **reason)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "echo"),
                    assistant ("bob", provider, "terminate"),
                    assistant ("charlie", provider, "echo"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GError) error = NULL;

  /* Assistants check what they receive too; only the manager decides here. */
  for (guint i = 0; i < agents->len; i++)
    da_conversable_agent_set_termination (g_ptr_array_index (agents, i), DA_TERMINATION_MODE_EXACT,
                                          "never matches", NULL);
  da_group_chat_set_max_round (chat, 5);
  if (contains)
    da_conversable_agent_set_termination (da_group_chat_get_manager (chat),
                                          DA_TERMINATION_MODE_CONTAINS, "TERMINATE", NULL);
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

  run_terminate (FALSE, &senders, &reason);
  g_assert_cmpstr (senders, ==, "user,alice,bob,charlie,alice");
  g_assert_cmpstr (reason, ==, "max_round");
  g_clear_pointer (&senders, g_free);
  g_clear_pointer (&reason, g_free);

  run_terminate (TRUE, &senders, &reason);
  g_assert_cmpstr (senders, ==, "user,alice,bob");
  g_assert_cmpstr (reason, ==, "termination_message: TERMINATE from bob");
}

static DaGroupChat *
selector_team (DaProvider *provider,
               const char *selector_model)
{
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "echo"),
                    assistant ("bob", provider, "echo"),
                    assistant ("charlie", provider, "echo"),
                    NULL);
  DaGroupChat *chat = da_group_chat_new (agents);

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SELECTOR);
  da_group_chat_set_selector_provider (chat, provider);
  da_group_chat_set_selector_model (chat, selector_model);
  da_group_chat_set_max_round (chat, 2);
  return chat;
}

static void
test_selector_invalid_then_valid (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(DaGroupChat) chat = selector_team (provider, "selector:nobody|Charlie");
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GString) usage = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;

  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);
  g_signal_connect (chat, "usage", G_CALLBACK (usage_cb), usage);
  g_assert_true (da_test_run_team (chat, "Who should answer?", NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (selected->str, ==, "charlie:selector;");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,charlie");
  /* Two selector calls, then charlie's reply: all counted. */
  g_assert_cmpstr (usage->str, ==, "chat_manager:1+1;chat_manager:1+1;charlie:1+7;");
}

static void
test_selector_only_invalid (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(DaGroupChat) chat = selector_team (provider, "selector:nobody|alice and bob|?");
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);
  g_assert_true (da_test_run_team (chat, "Who should answer?", NULL, &error));
  g_assert_no_error (error);
  /* No previous speaker among the participants: the first one. */
  g_assert_cmpstr (selected->str, ==, "alice:selector_fallback;");
}

static void
test_swarm_handoff (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "handoff:bob"),
                    assistant ("bob", provider, "handoff:user"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(DaTermination) termination = da_termination_handoff_new ("user");
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  DaMessage *call;

  da_group_chat_set_selection (chat, DA_SPEAKER_SELECTION_SWARM);
  da_group_chat_set_termination (chat, termination);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);
  g_assert_true (da_test_run_team (chat, "Help me.", NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (selected->str, ==, "alice:swarm;bob:handoff;");
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "handoff: bob handed over to user");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,alice,bob,bob");
  call = g_ptr_array_index (da_group_chat_get_messages (chat), 1);
  g_assert_cmpuint (da_message_get_tool_calls (call)->len, ==, 1);
}

static void
cancel_on_delta_cb (DaMessage    *message,
                    const char   *text,
                    GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
started_cb (DaGroupChat  *chat,
            DaAgent      *sender,
            DaMessage    *message,
            GCancellable *cancellable)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_signal_connect_object (message, "delta", G_CALLBACK (cancel_on_delta_cb), cancellable, 0);
}

static void
test_cancel_streaming (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "echo"),
                    assistant ("bob", provider, "endless"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  DaAgent *bob = g_ptr_array_index (agents, 1);
  gulong id;

  da_group_chat_set_max_round (chat, 4);
  da_group_chat_set_initiator (chat, g_ptr_array_index (agents, 0));
  id = g_signal_connect (chat, "message-started", G_CALLBACK (started_cb), cancellable);
  g_assert_false (da_test_run_team (chat, "Talk forever.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (da_group_chat_get_next_speaker (chat) == bob);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice");

  /* Resumable: bob, now on a finite model, is asked again. */
  g_signal_handler_disconnect (chat, id);
  da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (bob), "echo");
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "alice,bob,alice,bob,alice");
}

typedef struct
{
  DaMessage *cut;
  guint      n_deltas;
} CutReply;

static void
count_delta_cb (DaMessage  *message,
                const char *text,
                CutReply   *cut)
{
  cut->n_deltas++;
}

static void
completed_cb (DaGroupChat *chat,
              DaAgent     *sender,
              DaMessage   *message,
              CutReply    *cut)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_INCOMPLETE)
    {
      g_set_object (&cut->cut, message);
      g_signal_connect (message, "delta", G_CALLBACK (count_delta_cb), cut);
    }
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* A timeout fires on its own while a reply streams without end: the run
 * stops with the condition's reason, the reply is cut off (no more
 * deltas arrive) and the team resumes with the speaker that was cut off. */
static void
test_timeout_cuts_off_reply (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "echo"),
                    assistant ("bob", provider, "endless"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(DaTermination) termination =
    da_termination_any_new (da_termination_max_messages_new (50),
                            da_termination_timeout_new (0.4),
                            NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GString) selected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  DaAgent *bob = g_ptr_array_index (agents, 1);
  CutReply cut = { 0 };
  gint64 start, elapsed;
  guint n_deltas;

  da_group_chat_set_max_round (chat, 0);
  da_group_chat_set_termination (chat, termination);
  g_signal_connect (chat, "message-completed", G_CALLBACK (completed_cb), &cut);
  g_signal_connect (chat, "speaker-selected", G_CALLBACK (selected_cb), selected);

  start = g_get_monotonic_time ();
  g_assert_true (da_test_run_team (chat, "Talk forever.", NULL, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("stopped %.0f ms after the start (timeout 400 ms)", elapsed / 1000.0);
  g_assert_cmpint (elapsed, >=, 400 * 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "timeout: 0.4 s elapsed");
  g_assert_false (da_group_chat_get_running (chat));
  g_assert_false (da_termination_get_terminated (termination));

  /* bob's reply was cut off: announced incomplete, not kept, and its
   * stream no longer grows. */
  g_assert_nonnull (cut.cut);
  g_assert_cmpstr (da_message_get_sender (cut.cut), ==, "bob");
  g_assert_cmpstr (da_message_get_content (cut.cut), !=, "");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice");
  n_deltas = cut.n_deltas;
  g_timeout_add (200, quit_cb, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (cut.n_deltas, ==, n_deltas);
  g_assert_true (da_group_chat_get_next_speaker (chat) == bob);

  /* The time between runs does not count, and the condition was reset:
   * the next run goes on with bob until max_round. */
  g_usleep (500 * 1000);
  da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (bob), "echo");
  da_group_chat_set_max_round (chat, 2);
  g_string_truncate (selected, 0);
  g_assert_true (da_test_run_team (chat, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_round");
  g_assert_cmpstr (selected->str, ==, "bob:resumed;alice:round_robin;");
  g_clear_pointer (&senders, g_free);
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user,alice,bob,alice");
  g_clear_object (&cut.cut);
}

/* The timeout also stops a team whose speaker streams slowly but
 * finitely, between two deltas. */
static void
test_timeout_slow (void)
{
  g_autoptr(DaProvider) provider = loopback_provider ();
  g_autoptr(GPtrArray) agents =
    da_test_agents (assistant ("alice", provider, "slow"),
                    assistant ("bob", provider, "slow"),
                    NULL);
  g_autoptr(DaGroupChat) chat = da_group_chat_new (agents);
  g_autoptr(DaTermination) termination = da_termination_timeout_new (0.5);
  g_autoptr(GError) error = NULL;
  g_autofree char *senders = NULL;
  gint64 start, elapsed;

  da_group_chat_set_max_round (chat, 0);
  da_group_chat_set_termination (chat, termination);
  start = g_get_monotonic_time ();
  g_assert_true (da_test_run_team (chat, "Slowly.", NULL, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("stopped %.0f ms after the start (timeout 500 ms)", elapsed / 1000.0);
  g_assert_cmpint (elapsed, >=, 500 * 1000);
  /* alice's ten words take two seconds. */
  g_assert_cmpint (elapsed, <, 1900 * 1000);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "timeout: 0.5 s elapsed");
  senders = da_test_senders (chat);
  g_assert_cmpstr (senders, ==, "user");
  g_assert_true (da_group_chat_get_next_speaker (chat) == g_ptr_array_index (agents, 0));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teams/e2e/round-robin-streamed", test_round_robin_streamed);
  g_test_add_func ("/teams/e2e/terminate-exact-vs-contains", test_terminate_exact_vs_contains);
  g_test_add_func ("/teams/e2e/selector-invalid-then-valid", test_selector_invalid_then_valid);
  g_test_add_func ("/teams/e2e/selector-only-invalid", test_selector_only_invalid);
  g_test_add_func ("/teams/e2e/swarm-handoff", test_swarm_handoff);
  g_test_add_func ("/teams/e2e/cancel-streaming", test_cancel_streaming);
  g_test_add_func ("/teams/e2e/timeout-cuts-off-reply", test_timeout_cuts_off_reply);
  g_test_add_func ("/teams/e2e/timeout-slow", test_timeout_slow);

  ret = g_test_run ();
  da_test_server_stop ();
  return ret;
}
