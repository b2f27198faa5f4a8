/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DaChat with the real OpenAI-compatible provider against the loopback
 * server in tests/support (its path is the first argument). */
#include "config.h"

#include <string.h>

#include "da-openai-provider.h"
#include "da-test-agents.h"

static const char *server_path;
static GSubprocess *server;
static char *base_url;

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, server_path, NULL);
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
  g_autoptr(GError) error = NULL;

  /* The server exits when its stdin closes. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server);
  g_clear_pointer (&base_url, g_free);
}

static DaAssistantAgent *
assistant_for_model (const char *model,
                     const char *api_key)
{
  g_autoptr(DaProvider) provider = da_openai_provider_new (base_url);
  DaAssistantAgent *assistant;

  da_provider_set_api_key (provider, api_key);
  da_provider_set_max_retries (provider, 0);
  assistant = da_assistant_agent_new ("assistant", provider);
  da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (assistant), model);
  return assistant;
}

static DaConversableAgent *
user_never (const char *reply)
{
  return g_object_new (DA_TYPE_USER_PROXY_AGENT,
                       "name", "user",
                       "default-auto-reply", reply,
                       "human-input-mode", DA_HUMAN_INPUT_NEVER,
                       NULL);
}

static void
count_cb (DaChat    *chat,
          DaAgent   *agent,
          DaMessage *message,
          guint     *count)
{
  (*count)++;
}

static void
test_openai_echo (void)
{
  g_autoptr(DaAssistantAgent) assistant = assistant_for_model ("echo", NULL);
  g_autoptr(DaConversableAgent) user = user_never ("Thanks.");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;
  DaMessage *reply;
  guint usage = 0;

  g_signal_connect (chat, "usage", G_CALLBACK (count_cb), &usage);
  da_chat_set_max_turns (chat, 2);
  g_assert_true (da_test_run_chat (chat, "Plan a trip.", NULL, &error));
  g_assert_no_error (error);

  transcript = da_test_chat_transcript (chat);
  g_assert_cmpstr (transcript, ==,
                   "user: Plan a trip.\n"
                   "assistant: Echo: Plan a trip.\n"
                   "user: Thanks.\n"
                   "assistant: Echo: Thanks.");
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "max_turns");
  g_assert_cmpuint (usage, ==, 2);

  reply = g_ptr_array_index (da_chat_get_messages (chat), 3);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (da_message_get_prompt_tokens (reply), >, 0);
  g_assert_cmpint (da_message_get_completion_tokens (reply), >, 0);
  g_assert_cmpstr (da_message_get_finish_reason (reply), ==, "stop");
}

static void
test_openai_terminate (void)
{
  g_autoptr(DaAssistantAgent) assistant = assistant_for_model ("terminate", NULL);
  g_autoptr(DaConversableAgent) user = user_never ("Go on.");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;

  /* "All done. TERMINATE" ends the chat only for a user that looks for
   * the word inside the text. */
  g_assert_true (da_conversable_agent_set_termination (user, DA_TERMINATION_MODE_CONTAINS,
                                                       "TERMINATE", &error));
  da_chat_set_max_turns (chat, 5);
  g_assert_true (da_test_run_chat (chat, "Finish up.", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (da_chat_get_messages (chat)->len, ==, 2);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "termination_message: TERMINATE from assistant");
}

typedef struct
{
  GCancellable *cancellable;
  guint         deltas;
} Cancel;

static void
delta_cb (DaMessage  *message,
          const char *text,
          Cancel     *cancel)
{
  if (++cancel->deltas == 3)
    g_cancellable_cancel (cancel->cancellable);
}

static void
started_cb (DaChat    *chat,
            DaAgent   *sender,
            DaMessage *message,
            Cancel    *cancel)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_signal_connect (message, "delta", G_CALLBACK (delta_cb), cancel);
}

static void
test_openai_cancel (void)
{
  g_autoptr(DaAssistantAgent) assistant = assistant_for_model ("endless", NULL);
  g_autoptr(DaConversableAgent) user = user_never ("Go on.");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Cancel cancel = { cancellable, 0 };
  DaMessage *reply;

  g_signal_connect (chat, "message-started", G_CALLBACK (started_cb), &cancel);
  g_assert_false (da_test_run_chat (chat, "Talk forever.", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (da_chat_get_stop_reason (chat), ==, "cancelled");

  reply = g_ptr_array_index (da_chat_get_messages (chat), 1);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_INCOMPLETE);
  g_assert_true (g_str_has_prefix (da_message_get_content (reply), "word0 word1 word2 "));
}

static void
test_openai_error_mid_stream (void)
{
  g_autoptr(DaAssistantAgent) assistant = assistant_for_model ("error-mid", NULL);
  g_autoptr(DaConversableAgent) user = user_never ("Go on.");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  DaMessage *reply;
  guint errors = 0;

  g_signal_connect (chat, "error", G_CALLBACK (count_cb), &errors);
  g_assert_false (da_test_run_chat (chat, "Try.", NULL, &error));
  g_assert_true (error->domain == DA_LLM_ERROR);
  g_assert_true (g_str_has_prefix (da_chat_get_stop_reason (chat), "error: "));
  g_assert_cmpuint (errors, ==, 1);

  reply = g_ptr_array_index (da_chat_get_messages (chat), 1);
  g_assert_cmpint (da_message_get_state (reply), ==, DA_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (da_message_get_content (reply), ==, "Partial answer before ");
  g_assert_nonnull (da_message_get_error_message (reply));
}

static void
test_openai_key_not_in_stop_reason (void)
{
  static const char key[] = "sk-test-do-not-leak-4f9a2c";
  g_autoptr(DaAssistantAgent) assistant = assistant_for_model ("unauthorized", key);
  g_autoptr(DaConversableAgent) user = user_never ("Go on.");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  g_autoptr(GError) error = NULL;
  DaMessage *reply;

  g_assert_false (da_test_run_chat (chat, "Hello.", NULL, &error));
  g_assert_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION);
  g_assert_null (strstr (error->message, key));
  g_assert_null (strstr (da_chat_get_stop_reason (chat), key));
  reply = g_ptr_array_index (da_chat_get_messages (chat), 1);
  g_assert_null (strstr (da_message_get_error_message (reply), key));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The system proxy resolver (libproxy, C++) aborts under AddressSanitizer
   * when it throws, and the server is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("usage: %s PATH-TO-da-openai-test-server", argv[0]);
  server_path = argv[1];

  g_test_add_func ("/chat-openai/echo", test_openai_echo);
  g_test_add_func ("/chat-openai/terminate", test_openai_terminate);
  g_test_add_func ("/chat-openai/cancel", test_openai_cancel);
  g_test_add_func ("/chat-openai/error-mid-stream", test_openai_error_mid_stream);
  g_test_add_func ("/chat-openai/key-not-in-stop-reason", test_openai_key_not_in_stop_reason);

  start_server ();
  ret = g_test_run ();
  stop_server ();

  return ret;
}
