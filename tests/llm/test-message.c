/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "denoagents.h"

static void
on_delta (DaMessage  *message,
          const char *text,
          GString    *seen)
{
  g_string_append (seen, text);
  g_string_append_c (seen, '|');
}

static void
test_message_streaming (void)
{
  g_autoptr(DaMessage) message = da_message_new_streaming ("planner");
  g_autoptr(GString) seen = g_string_new (NULL);

  g_signal_connect (message, "delta", G_CALLBACK (on_delta), seen);
  da_message_append_text (message, "Hel", -1);
  da_message_append_text (message, "lo, wor", 3);
  da_message_append_text (message, "", -1);

  g_assert_cmpstr (da_message_get_content (message), ==, "Hello,");
  g_assert_cmpstr (seen->str, ==, "Hel|lo,|");
  g_assert_cmpint (da_message_get_state (message), ==, DA_MESSAGE_STATE_STREAMING);
  g_assert_cmpint (da_message_get_role (message), ==, DA_ROLE_ASSISTANT);
}

static void
test_message_strings (void)
{
  DaRole role;
  DaMessageState state;

  g_assert_true (da_role_from_string ("tool", &role));
  g_assert_cmpint (role, ==, DA_ROLE_TOOL);
  g_assert_false (da_role_from_string ("robot", &role));
  g_assert_true (da_message_state_from_string ("incomplete", &state));
  g_assert_cmpstr (da_message_state_to_string (state), ==, "incomplete");
}

static void
test_message_copy (void)
{
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_ASSISTANT, "a", "hi");
  g_autoptr(DaMessage) copy = NULL;
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "read_file", "{\"path\":\"x\"}");

  da_message_add_tool_call (message, call);
  da_message_set_usage (message, 10, 3);
  copy = da_message_copy (message);
  g_assert_cmpuint (da_message_get_tool_calls (copy)->len, ==, 1);
  g_assert_cmpstr (((DaToolCall *)g_ptr_array_index (da_message_get_tool_calls (copy), 0))->name, ==, "read_file");
  g_assert_cmpint (da_message_get_completion_tokens (copy), ==, 3);
}

static void
test_llm_error_extended (void)
{
  g_autoptr(GError) error = da_llm_error_new (DA_LLM_ERROR_RATE_LIMITED, 429, 2500,
                                              "rate limited");
  g_autoptr(GError) copy = g_error_copy (error);

  g_assert_error (copy, DA_LLM_ERROR, DA_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpint (da_llm_error_get_retry_after_ms (copy), ==, 2500);
  g_assert_cmpuint (da_llm_error_get_http_status (copy), ==, 429);
  g_assert_cmpstr (da_llm_error_code_to_string (DA_LLM_ERROR_RATE_LIMITED), ==, "rate_limited");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/llm/message/streaming", test_message_streaming);
  g_test_add_func ("/llm/message/strings", test_message_strings);
  g_test_add_func ("/llm/message/copy", test_message_copy);
  g_test_add_func ("/llm/error/extended", test_llm_error_extended);

  return g_test_run ();
}
