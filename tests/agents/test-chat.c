/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-test-agents.h"

static DaConversableAgent *
fixed_agent (GType             type,
             const char       *name,
             const char       *reply,
             DaHumanInputMode  mode)
{
  return g_object_new (type,
                       "name", name,
                       "default-auto-reply", reply,
                       "human-input-mode", mode,
                       NULL);
}

typedef struct
{
  guint    started;
  guint    completed;
  guint    usage;
  guint    errors;
  guint    stopped;
  char    *stopped_reason;
  gint64   completion_tokens;
  gboolean order_ok;
} Events;

static void
on_message_started (DaChat    *chat,
                    DaAgent   *sender,
                    DaMessage *message,
                    Events    *events)
{
  /* Started and completed alternate: one message at a time. */
  if (events->started != events->completed)
    events->order_ok = FALSE;
  if (g_strcmp0 (da_message_get_sender (message), da_agent_get_name (sender)) != 0)
    events->order_ok = FALSE;
  events->started++;
}

static void
on_message_completed (DaChat    *chat,
                      DaAgent   *sender,
                      DaMessage *message,
                      Events    *events)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    events->order_ok = FALSE;
  events->completed++;
}

static void
on_usage (DaChat    *chat,
          DaAgent   *agent,
          DaMessage *message,
          Events    *events)
{
  events->usage++;
  events->completion_tokens += da_message_get_completion_tokens (message);
}

static void
on_error (DaChat  *chat,
          DaAgent *agent,
          GError  *error,
          Events  *events)
{
  events->errors++;
}

static void
on_stopped (DaChat     *chat,
            const char *reason,
            Events     *events)
{
  events->stopped++;
  g_free (events->stopped_reason);
  events->stopped_reason = g_strdup (reason);
}

static void
events_connect (Events *events,
                DaChat *chat)
{
  memset (events, 0, sizeof *events);
  events->order_ok = TRUE;
  g_signal_connect (chat, "message-started", G_CALLBACK (on_message_started), events);
  g_signal_connect (chat, "message-completed", G_CALLBACK (on_message_completed), events);
  g_signal_connect (chat, "usage", G_CALLBACK (on_usage), events);
  g_signal_connect (chat, "error", G_CALLBACK (on_error), events);
  g_signal_connect (chat, "stopped", G_CALLBACK (on_stopped), events);
}

static void
events_clear (Events *events)
{
  g_clear_pointer (&events->stopped_reason, g_free);
}

static void
assert_transcript (DaChat     *chat,
                   const char *expected)
{
  g_autofree char *transcript = da_test_chat_transcript (chat);

  g_assert_cmpstr (transcript, ==, expected);
}

static void
test_chat_max_turns (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "I am thinking.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Go on.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;
  GPtrArray *history;
  Events events;

  events_connect (&events, chat);
  da_chat_set_max_turns (chat, 3);
  g_assert_true (da_test_run_chat (chat, "Plan a trip.", NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "max_turns");
  g_assert_cmpuint (da_chat_get_n_turns (chat), ==, 3);
  assert_transcript (chat,
                     "user: Plan a trip.\n"
                     "assistant: I am thinking.\n"
                     "user: Go on.\n"
                     "assistant: I am thinking.\n"
                     "user: Go on.\n"
                     "assistant: I am thinking.");

  messages = da_chat_get_messages (chat);
  g_assert_cmpint (da_message_get_role (g_ptr_array_index (messages, 0)), ==, DA_ROLE_USER);
  g_assert_cmpint (da_message_get_role (g_ptr_array_index (messages, 1)), ==, DA_ROLE_ASSISTANT);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (da_message_get_state (g_ptr_array_index (messages, i)), ==,
                     DA_MESSAGE_STATE_COMPLETE);

  /* Both agents hold the very messages of the chat. */
  history = da_agent_get_history (DA_AGENT (assistant), DA_AGENT (user));
  g_assert_cmpuint (history->len, ==, 6);
  for (guint i = 0; i < history->len; i++)
    g_assert_true (g_ptr_array_index (history, i) == g_ptr_array_index (messages, i));
  g_assert_cmpuint (da_agent_get_history (DA_AGENT (user), DA_AGENT (assistant))->len, ==, 6);

  g_assert_true (events.order_ok);
  g_assert_cmpuint (events.started, ==, 6);
  g_assert_cmpuint (events.completed, ==, 6);
  g_assert_cmpuint (events.usage, ==, 0);
  g_assert_cmpuint (events.errors, ==, 0);
  g_assert_cmpuint (events.stopped, ==, 1);
  g_assert_cmpstr (events.stopped_reason, ==, "max_turns");
  events_clear (&events);
}

static void
test_chat_one_turn (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Hi.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Go on.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));

  da_chat_set_max_turns (chat, 1);
  g_assert_true (da_test_run_chat (chat, "Hello.", NULL, NULL));
  assert_transcript (chat, "user: Hello.\nassistant: Hi.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "max_turns");
}

static void
run_termination_case (DaTerminationMode  mode,
                      const char        *pattern,
                      const char        *critic_reply,
                      guint              expected_messages,
                      const char        *expected_reason)
{
  g_autoptr(DaConversableAgent) critic =
    fixed_agent (DA_TYPE_CONVERSABLE_AGENT, "critic", critic_reply, DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "More, please.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (critic));
  g_autoptr(GError) error = NULL;

  g_assert_true (da_conversable_agent_set_termination (user, mode, pattern, &error));
  da_chat_set_max_turns (chat, 3);
  g_assert_true (da_test_run_chat (chat, "Review this.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, expected_messages);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, expected_reason);
}

static void
test_chat_termination_exact_vs_contains (void)
{
  /* Exact (the default) ignores a TERMINATE inside a sentence … */
  run_termination_case (DA_TERMINATION_MODE_EXACT, "TERMINATE",
                        "Thanks for speaking. TERMINATE", 6, "max_turns");
  /* … but stops on the bare word … */
  run_termination_case (DA_TERMINATION_MODE_EXACT, "TERMINATE",
                        "TERMINATE", 2, "termination_message: TERMINATE from critic");
  /* … and contains stops on the sentence. */
  run_termination_case (DA_TERMINATION_MODE_CONTAINS, "TERMINATE",
                        "Thanks for speaking. TERMINATE", 2,
                        "termination_message: TERMINATE from critic");
}

static void
test_chat_termination_regex (void)
{
  run_termination_case (DA_TERMINATION_MODE_REGEX, "^(DONE|FINISHED)\\b",
                        "DONE with the review.", 2,
                        "termination_message: ^(DONE|FINISHED)\\b from critic");
  run_termination_case (DA_TERMINATION_MODE_REGEX, "^(DONE|FINISHED)\\b",
                        "NOT DONE yet.", 6, "max_turns");
}

static void
test_chat_max_consecutive_auto_reply (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Continue.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(DaChat) again = NULL;

  da_conversable_agent_set_max_consecutive_auto_reply (user, 2);
  g_assert_true (da_test_run_chat (chat, "Start.", NULL, NULL));
  assert_transcript (chat,
                     "user: Start.\n"
                     "assistant: Working.\n"
                     "user: Continue.\n"
                     "assistant: Working.\n"
                     "user: Continue.\n"
                     "assistant: Working.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "max_consecutive_auto_reply");
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (user, DA_AGENT (assistant)), ==, 2);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (assistant, DA_AGENT (user)), ==, 3);

  /* A new chat resets the counters and the history. */
  again = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  da_conversable_agent_set_max_consecutive_auto_reply (user, 0);
  g_assert_true (da_test_run_chat (again, "Start.", NULL, NULL));
  assert_transcript (again, "user: Start.\nassistant: Working.");
  g_assert_cmpstr (da_chat_get_stop_reason (again), ==, "max_consecutive_auto_reply");
  g_assert_cmpuint (da_agent_get_history (DA_AGENT (user), DA_AGENT (assistant))->len, ==, 2);
}

typedef struct
{
  const char * const *answers;
  guint               n_asked;
  GPtrArray          *prompts;
  gboolean            answer_later;
  gboolean            decline;
  GCancellable       *cancel_on_ask;
  DaHumanInputRequest *held;
} Human;

static gboolean
answer_later_cb (gpointer user_data)
{
  DaHumanInputRequest *request = user_data;
  const char *answer = g_object_get_data (G_OBJECT (request), "answer");

  g_assert_false (da_human_input_request_get_completed (request));
  da_human_input_request_reply (request, answer);
  g_assert_true (da_human_input_request_get_completed (request));
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
human_cb (DaConversableAgent  *agent,
          const char          *prompt,
          GCancellable        *cancellable,
          DaHumanInputRequest *request,
          gpointer             user_data)
{
  Human *human = user_data;
  const char *answer;

  g_assert_true (da_human_input_request_get_agent (request) == DA_AGENT (agent));
  g_assert_cmpstr (da_human_input_request_get_prompt (request), ==, prompt);
  g_ptr_array_add (human->prompts, g_strdup (prompt));

  if (human->cancel_on_ask != NULL)
    {
      g_set_object (&human->held, request);
      g_idle_add_full (G_PRIORITY_DEFAULT, cancel_cb, g_object_ref (human->cancel_on_ask), g_object_unref);
      return;
    }
  if (human->decline)
    {
      da_human_input_request_cancel (request);
      return;
    }

  answer = human->answers[human->n_asked++];
  g_assert_nonnull (answer);

  /* Every other answer arrives later, as from a dialog. */
  if (human->answer_later && human->n_asked % 2 == 0)
    {
      g_object_set_data_full (G_OBJECT (request), "answer", g_strdup (answer), g_free);
      g_idle_add_full (G_PRIORITY_DEFAULT, answer_later_cb, g_object_ref (request), g_object_unref);
    }
  else
    {
      da_human_input_request_reply (request, answer);
    }
}

static void
human_init (Human              *human,
            const char * const *answers)
{
  memset (human, 0, sizeof *human);
  human->answers = answers;
  human->prompts = g_ptr_array_new_with_free_func (g_free);
}

static void
human_clear (Human *human)
{
  g_clear_pointer (&human->prompts, g_ptr_array_unref);
  g_clear_object (&human->held);
}

static void
test_chat_human_always (void)
{
  static const char * const answers[] = { "Be brief.", "", "exit", NULL };
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Here is a plan.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaUserProxyAgent) proxy = da_user_proxy_agent_new ("user");
  DaConversableAgent *user = DA_CONVERSABLE_AGENT (proxy);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  GPtrArray *messages;
  Human human;

  human_init (&human, answers);
  human.answer_later = TRUE;
  da_conversable_agent_set_default_auto_reply (user, "(auto)");
  da_conversable_agent_set_human_input_handler (user, human_cb, &human, NULL);

  g_assert_true (da_test_run_chat (chat, "Plan a trip.", NULL, NULL));
  assert_transcript (chat,
                     "user: Plan a trip.\n"
                     "assistant: Here is a plan.\n"
                     "user: Be brief.\n"
                     "assistant: Here is a plan.\n"
                     "user: (auto)\n"
                     "assistant: Here is a plan.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "human_exit");
  g_assert_cmpuint (human.n_asked, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (human.prompts, 0), ==,
                   "Replying as user. Provide feedback to assistant. Press enter to skip and "
                   "use auto-reply, or type 'exit' to end the conversation: ");

  messages = da_chat_get_messages (chat);
  /* The human's words are a user message; the auto reply is not. */
  g_assert_cmpint (da_message_get_role (g_ptr_array_index (messages, 2)), ==, DA_ROLE_USER);
  g_assert_cmpint (da_message_get_role (g_ptr_array_index (messages, 4)), ==, DA_ROLE_ASSISTANT);
  /* "exit" resets the counter; the empty answer had counted one. */
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (user, DA_AGENT (assistant)), ==, 0);

  human_clear (&human);
}

static void
test_chat_human_always_confirms_termination (void)
{
  static const char * const answers[] = { "", NULL };
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "TERMINATE", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  Human human;

  human_init (&human, answers);
  da_conversable_agent_set_human_input_handler (DA_CONVERSABLE_AGENT (user), human_cb, &human, NULL);

  g_assert_true (da_test_run_chat (chat, "Say goodbye.", NULL, NULL));
  assert_transcript (chat, "user: Say goodbye.\nassistant: TERMINATE");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "termination_message: TERMINATE from assistant");
  g_assert_cmpuint (human.n_asked, ==, 1);

  human_clear (&human);
}

static void
test_chat_human_terminate_mode (void)
{
  static const char * const script[] = { "Step one.", "Step two.", "TERMINATE", "Step four.", "TERMINATE", NULL };
  static const char * const answers[] = { "Add a step three.", "", NULL };
  g_autoptr(DaAgent) assistant = da_test_script_agent_new ("assistant", script);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_CONVERSABLE_AGENT, "user", "Continue.", DA_HUMAN_INPUT_TERMINATE);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), assistant);
  Human human;

  human_init (&human, answers);
  da_conversable_agent_set_human_input_handler (user, human_cb, &human, NULL);

  g_assert_true (da_test_run_chat (chat, "Start.", NULL, NULL));
  assert_transcript (chat,
                     "user: Start.\n"
                     "assistant: Step one.\n"
                     "user: Continue.\n"
                     "assistant: Step two.\n"
                     "user: Continue.\n"
                     "assistant: TERMINATE\n"
                     "user: Add a step three.\n"
                     "assistant: Step four.\n"
                     "user: Continue.\n"
                     "assistant: TERMINATE");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "termination_message: TERMINATE from assistant");
  /* Asked only when a termination message arrived. */
  g_assert_cmpuint (human.n_asked, ==, 2);
  for (guint i = 0; i < human.prompts->len; i++)
    g_assert_cmpstr (g_ptr_array_index (human.prompts, i), ==,
                     "Please give feedback to assistant. Press enter or type 'exit' to stop "
                     "the conversation: ");

  human_clear (&human);
}

static void
test_chat_human_terminate_auto_replies_used_up (void)
{
  static const char * const answers[] = { "", "exit", NULL };
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_CONVERSABLE_AGENT, "user", "Continue.", DA_HUMAN_INPUT_TERMINATE);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  Human human;

  human_init (&human, answers);
  da_conversable_agent_set_max_consecutive_auto_reply (user, 1);
  da_conversable_agent_set_human_input_handler (user, human_cb, &human, NULL);

  g_assert_true (da_test_run_chat (chat, "Start.", NULL, NULL));
  assert_transcript (chat,
                     "user: Start.\n"
                     "assistant: Working.\n"
                     "user: Continue.\n"
                     "assistant: Working.\n"
                     "user: Continue.\n"
                     "assistant: Working.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "human_exit");
  g_assert_cmpuint (human.n_asked, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (human.prompts, 0), ==,
                   "Please give feedback to assistant. Press enter to skip and use auto-reply, "
                   "or type 'exit' to stop the conversation: ");

  human_clear (&human);
}

static void
test_chat_human_absent (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(DaConversableAgent) user2 =
    fixed_agent (DA_TYPE_CONVERSABLE_AGENT, "user2", "Continue.", DA_HUMAN_INPUT_TERMINATE);
  g_autoptr(DaConversableAgent) closer =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "closer", "TERMINATE", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat2 = da_chat_new (DA_AGENT (user2), DA_AGENT (closer));

  g_assert_true (da_test_run_chat (chat, "Start.", NULL, NULL));
  assert_transcript (chat, "user: Start.\nassistant: Working.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "human_absent: no human input handler for user");

  g_assert_true (da_test_run_chat (chat2, "Start.", NULL, NULL));
  assert_transcript (chat2, "user2: Start.\ncloser: TERMINATE");
  g_assert_cmpstr (da_chat_get_stop_reason (chat2), ==, "human_absent: no human input handler for user2");
}

static void
cancel_after_three_cb (DaChat       *chat,
                       DaAgent      *sender,
                       DaMessage    *message,
                       GCancellable *cancellable)
{
  if (da_chat_get_messages (chat)->len == 3)
    g_cancellable_cancel (cancellable);
}

static void
test_chat_cancel_mid_chat (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Continue.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Events events;

  events_connect (&events, chat);
  g_signal_connect (chat, "message-completed", G_CALLBACK (cancel_after_three_cb), cancellable);

  g_assert_false (da_test_run_chat (chat, "Start.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "cancelled");
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 3);
  g_assert_cmpuint (events.stopped, ==, 1);
  g_assert_cmpstr (events.stopped_reason, ==, "cancelled");
  g_assert_cmpuint (events.errors, ==, 0);
  events_clear (&events);
}

static void
test_chat_cancel_while_asking (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Human human;

  human_init (&human, NULL);
  human.cancel_on_ask = cancellable;
  da_conversable_agent_set_human_input_handler (DA_CONVERSABLE_AGENT (user), human_cb, &human, NULL);

  g_assert_false (da_test_run_chat (chat, "Start.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "cancelled");
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 2);

  /* The question closed itself; a late answer changes nothing. */
  g_assert_nonnull (human.held);
  g_assert_true (da_human_input_request_get_completed (human.held));
  da_human_input_request_reply (human.held, "too late");
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 2);

  human_clear (&human);
}

static void
test_chat_human_declines (void)
{
  g_autoptr(DaConversableAgent) assistant =
    fixed_agent (DA_TYPE_ASSISTANT_AGENT, "assistant", "Working.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  Human human;

  human_init (&human, NULL);
  human.decline = TRUE;
  da_conversable_agent_set_human_input_handler (DA_CONVERSABLE_AGENT (user), human_cb, &human, NULL);

  g_assert_false (da_test_run_chat (chat, "Start.", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "cancelled");

  human_clear (&human);
}

typedef struct
{
  guint         deltas;
  guint         cancel_after;
  GCancellable *cancellable;
  gboolean      started_empty;
} Streaming;

static void
on_delta (DaMessage  *message,
          const char *text,
          Streaming  *streaming)
{
  streaming->deltas++;
  if (streaming->cancel_after > 0 && streaming->deltas == streaming->cancel_after)
    g_cancellable_cancel (streaming->cancellable);
}

static void
on_streaming_started (DaChat    *chat,
                      DaAgent   *sender,
                      DaMessage *message,
                      Streaming *streaming)
{
  if (da_message_get_state (message) != DA_MESSAGE_STATE_STREAMING)
    return;
  streaming->started_empty = da_message_get_content (message)[0] == '\0';
  g_signal_connect (message, "delta", G_CALLBACK (on_delta), streaming);
}

static void
test_chat_streaming_provider (void)
{
  static const char * const chunks[] = { "Hel", "lo ", "there.", NULL };
  g_autoptr(DaTestScriptProvider) provider = da_test_script_provider_new (chunks, 1, -1);
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("assistant", DA_PROVIDER (provider));
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Thanks.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  DaRequest *request;
  DaMessage *reply;
  Streaming streaming = { 0 };
  Events events;

  events_connect (&events, chat);
  g_signal_connect (chat, "message-started", G_CALLBACK (on_streaming_started), &streaming);
  da_chat_set_max_turns (chat, 2);

  g_assert_true (da_test_run_chat (chat, "Greet me.", NULL, &error));
  g_assert_no_error (error);
  assert_transcript (chat,
                     "user: Greet me.\n"
                     "assistant: Hello there.\n"
                     "user: Thanks.\n"
                     "assistant: Hello there.");
  g_assert_true (streaming.started_empty);
  g_assert_cmpuint (streaming.deltas, ==, 6);
  g_assert_cmpuint (events.usage, ==, 2);
  g_assert_cmpint (events.completion_tokens, ==, 6);
  g_assert_true (events.order_ok);

  reply = g_ptr_array_index (da_chat_get_messages (chat), 3);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_role (reply), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");

  /* The second request: system message, then the history from the
   * assistant's side. */
  request = da_test_script_provider_get_request (provider);
  g_assert_cmpuint (da_test_script_provider_get_n_calls (provider), ==, 2);
  g_assert_cmpuint (request->messages->len, ==, 4);
  g_assert_cmpint (da_request_get_role (request, 0), ==, DA_ROLE_SYSTEM);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (request->messages, 0)), ==,
                   DA_ASSISTANT_AGENT_DEFAULT_SYSTEM_MESSAGE);
  g_assert_cmpint (da_request_get_role (request, 1), ==, DA_ROLE_USER);
  g_assert_cmpint (da_request_get_role (request, 2), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpint (da_request_get_role (request, 3), ==, DA_ROLE_USER);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (request->messages, 3)), ==, "Thanks.");
  events_clear (&events);
}

static void
test_chat_cancel_streaming (void)
{
  static const char * const chunks[] = { "one ", "two ", "three ", "four ", "five ", "six ",
                                         "seven ", "eight ", "nine ", "ten ", NULL };
  g_autoptr(DaTestScriptProvider) provider = da_test_script_provider_new (chunks, 5, -1);
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("assistant", DA_PROVIDER (provider));
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Thanks.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Streaming streaming = { 0 };
  DaMessage *reply;
  Events events;

  events_connect (&events, chat);
  streaming.cancel_after = 3;
  streaming.cancellable = cancellable;
  g_signal_connect (chat, "message-started", G_CALLBACK (on_streaming_started), &streaming);

  g_assert_false (da_test_run_chat (chat, "Count.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "cancelled");
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 2);

  reply = g_ptr_array_index (da_chat_get_messages (chat), 1);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_cmpstr (da_message_get_content (reply), ==, "one two three ");
  g_assert_nonnull (da_message_get_error_message (reply));
  g_assert_cmpuint (events.completed, ==, 2);
  g_assert_cmpuint (events.usage, ==, 0);
  g_assert_cmpuint (events.errors, ==, 0);
  g_assert_cmpuint (events.stopped, ==, 1);
  /* The failed reply was not delivered to the user. */
  g_assert_cmpuint (da_agent_get_history (DA_AGENT (user), DA_AGENT (assistant))->len, ==, 1);
  events_clear (&events);
}

static void
test_chat_provider_error (void)
{
  static const char * const chunks[] = { "a", "b", "c", NULL };
  g_autoptr(DaTestScriptProvider) provider = da_test_script_provider_new (chunks, 1, 2);
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("assistant", DA_PROVIDER (provider));
  g_autoptr(DaConversableAgent) user =
    fixed_agent (DA_TYPE_USER_PROXY_AGENT, "user", "Thanks.", DA_HUMAN_INPUT_NEVER);
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  DaMessage *reply;
  Events events;

  events_connect (&events, chat);
  g_assert_false (da_test_run_chat (chat, "Go.", NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_SERVER);
  g_assert_cmpuint (da_llm_error_get_http_status (error), ==, 500);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "error: The server failed (HTTP 500)");

  reply = g_ptr_array_index (da_chat_get_messages (chat), 1);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (da_message_get_content (reply), ==, "ab");
  g_assert_cmpstr (da_message_get_error_message (reply), ==, "The server failed (HTTP 500)");
  g_assert_cmpuint (events.errors, ==, 1);
  g_assert_cmpuint (events.usage, ==, 0);
  g_assert_cmpuint (events.completed, ==, 2);
  events_clear (&events);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chat/max-turns", test_chat_max_turns);
  g_test_add_func ("/chat/one-turn", test_chat_one_turn);
  g_test_add_func ("/chat/termination/exact-vs-contains", test_chat_termination_exact_vs_contains);
  g_test_add_func ("/chat/termination/regex", test_chat_termination_regex);
  g_test_add_func ("/chat/max-consecutive-auto-reply", test_chat_max_consecutive_auto_reply);
  g_test_add_func ("/chat/human/always", test_chat_human_always);
  g_test_add_func ("/chat/human/always-confirms-termination", test_chat_human_always_confirms_termination);
  g_test_add_func ("/chat/human/terminate-mode", test_chat_human_terminate_mode);
  g_test_add_func ("/chat/human/terminate-auto-replies-used-up", test_chat_human_terminate_auto_replies_used_up);
  g_test_add_func ("/chat/human/absent", test_chat_human_absent);
  g_test_add_func ("/chat/human/declines", test_chat_human_declines);
  g_test_add_func ("/chat/cancel/mid-chat", test_chat_cancel_mid_chat);
  g_test_add_func ("/chat/cancel/while-asking", test_chat_cancel_while_asking);
  g_test_add_func ("/chat/cancel/streaming", test_chat_cancel_streaming);
  g_test_add_func ("/chat/provider/streaming", test_chat_streaming_provider);
  g_test_add_func ("/chat/provider/error", test_chat_provider_error);

  return g_test_run ();
}
