/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "da-test-agents.h"

static void
test_agents_defaults (void)
{
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("planner", NULL);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaConversableAgent) plain = da_conversable_agent_new ("critic");
  g_autoptr(DaAssistantAgent) quiet = NULL;
  DaConversableAgent *a = DA_CONVERSABLE_AGENT (assistant);
  DaConversableAgent *u = DA_CONVERSABLE_AGENT (user);

  g_assert_cmpstr (da_agent_get_name (DA_AGENT (assistant)), ==, "planner");
  g_assert_cmpint (da_conversable_agent_get_human_input_mode (a), ==, DA_HUMAN_INPUT_NEVER);
  g_assert_cmpstr (da_conversable_agent_get_system_message (a), ==,
                   DA_ASSISTANT_AGENT_DEFAULT_SYSTEM_MESSAGE);
  g_assert_cmpstr (da_agent_get_description (DA_AGENT (assistant)), ==,
                   DA_ASSISTANT_AGENT_DEFAULT_DESCRIPTION);
  g_assert_cmpuint (da_conversable_agent_get_max_consecutive_auto_reply (a), ==, 100);
  g_assert_cmpint (da_conversable_agent_get_termination_mode (a), ==, DA_TERMINATION_MODE_EXACT);
  g_assert_cmpstr (da_conversable_agent_get_termination_pattern (a), ==, "TERMINATE");
  g_assert_cmpstr (da_conversable_agent_get_default_auto_reply (a), ==, "");
  g_assert_cmpfloat (da_conversable_agent_get_temperature (a), <, 0);

  g_assert_cmpint (da_conversable_agent_get_human_input_mode (u), ==, DA_HUMAN_INPUT_ALWAYS);
  g_assert_null (da_conversable_agent_get_provider (u));
  g_assert_null (da_conversable_agent_get_system_message (u));

  g_assert_cmpint (da_conversable_agent_get_human_input_mode (plain), ==, DA_HUMAN_INPUT_TERMINATE);

  /* Construct properties win over the subclass defaults. */
  quiet = g_object_new (DA_TYPE_ASSISTANT_AGENT,
                        "name", "quiet",
                        "human-input-mode", DA_HUMAN_INPUT_ALWAYS,
                        "system-message", "Be quiet.",
                        NULL);
  g_assert_cmpint (da_conversable_agent_get_human_input_mode (DA_CONVERSABLE_AGENT (quiet)), ==,
                   DA_HUMAN_INPUT_ALWAYS);
  g_assert_cmpstr (da_conversable_agent_get_system_message (DA_CONVERSABLE_AGENT (quiet)), ==,
                   "Be quiet.");
}

static void
test_agents_termination_check (void)
{
  g_autoptr(DaConversableAgent) agent = da_conversable_agent_new ("user");
  g_autoptr(DaMessage) exact = da_message_new (DA_ROLE_ASSISTANT, "critic", "TERMINATE");
  g_autoptr(DaMessage) padded = da_message_new (DA_ROLE_ASSISTANT, "critic", "TERMINATE\n");
  g_autoptr(DaMessage) inside = da_message_new (DA_ROLE_ASSISTANT, "critic",
                                                "Thanks for speaking. TERMINATE");
  g_autoptr(DaMessage) done = da_message_new (DA_ROLE_ASSISTANT, "critic", "DONE: all good");
  g_autoptr(GError) error = NULL;

  g_assert_true (da_conversable_agent_is_termination_message (agent, exact));
  g_assert_false (da_conversable_agent_is_termination_message (agent, padded));
  g_assert_false (da_conversable_agent_is_termination_message (agent, inside));
  g_assert_false (da_conversable_agent_is_termination_message (agent, NULL));

  g_assert_true (da_conversable_agent_set_termination (agent, DA_TERMINATION_MODE_CONTAINS,
                                                       "TERMINATE", &error));
  g_assert_no_error (error);
  g_assert_true (da_conversable_agent_is_termination_message (agent, inside));
  g_assert_true (da_conversable_agent_is_termination_message (agent, padded));
  g_assert_false (da_conversable_agent_is_termination_message (agent, done));

  g_assert_true (da_conversable_agent_set_termination (agent, DA_TERMINATION_MODE_REGEX,
                                                       "^(DONE|FINISHED)\\b", &error));
  g_assert_true (da_conversable_agent_is_termination_message (agent, done));
  g_assert_false (da_conversable_agent_is_termination_message (agent, exact));

  /* An invalid pattern is refused and changes nothing. */
  g_assert_false (da_conversable_agent_set_termination (agent, DA_TERMINATION_MODE_REGEX,
                                                        "(unclosed", &error));
  g_assert_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_ARGUMENTS);
  g_assert_true (g_str_has_prefix (error->message, "Invalid termination regex: "));
  g_assert_cmpstr (da_conversable_agent_get_termination_pattern (agent), ==, "^(DONE|FINISHED)\\b");
  g_assert_true (da_conversable_agent_is_termination_message (agent, done));
}

typedef struct
{
  DaMessage *reply;
  GError    *error;
  gboolean   done;
} ReplyResult;

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ReplyResult *r = user_data;

  r->reply = da_agent_generate_reply_finish (DA_AGENT (object), result, &r->error);
  r->done = TRUE;
}

/* Delivers @text from @sender to @agent and returns the agent's answer
 * content, or NULL when it ends the conversation. */
static char *
exchange (DaAgent    *agent,
          DaAgent    *sender,
          const char *text)
{
  g_autoptr(DaMessage) message = da_message_new (DA_ROLE_USER, da_agent_get_name (sender), text);
  ReplyResult r = { 0 };
  char *content = NULL;

  da_agent_send (sender, message, agent);
  da_agent_generate_reply_async (agent, da_agent_get_history (agent, sender), sender,
                                 NULL, reply_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (r.error);
  if (r.reply != NULL)
    {
      content = g_strdup (da_message_get_content (r.reply));
      da_agent_send (agent, r.reply, sender);
      g_object_unref (r.reply);
    }
  return content;
}

static void
test_agents_auto_reply_per_sender (void)
{
  g_autoptr(DaConversableAgent) agent = da_conversable_agent_new ("helper");
  g_autoptr(DaAgent) alice = da_test_script_agent_new ("alice", NULL);
  g_autoptr(DaAgent) bob = da_test_script_agent_new ("bob", NULL);
  DaAgent *a = DA_AGENT (agent);
  char *s;

  da_conversable_agent_set_human_input_mode (agent, DA_HUMAN_INPUT_NEVER);
  da_conversable_agent_set_default_auto_reply (agent, "Noted.");
  da_conversable_agent_set_max_consecutive_auto_reply (agent, 2);

  g_assert_cmpstr ((s = exchange (a, alice, "one")), ==, "Noted."); g_free (s);
  g_assert_cmpstr ((s = exchange (a, alice, "two")), ==, "Noted."); g_free (s);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (agent, alice), ==, 2);

  /* Counted per sender: bob still gets answers. */
  g_assert_cmpstr ((s = exchange (a, bob, "hello")), ==, "Noted."); g_free (s);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (agent, bob), ==, 1);

  g_assert_null (exchange (a, alice, "three"));
  g_assert_cmpstr (da_agent_get_stop_reason (a), ==, "max_consecutive_auto_reply");

  /* The history with each peer holds both sides. */
  g_assert_cmpuint (da_agent_get_history (a, alice)->len, ==, 5);
  g_assert_cmpuint (da_agent_get_history (a, bob)->len, ==, 2);
  g_assert_cmpuint (da_agent_get_history (alice, a)->len, ==, 5);

  /* A new chat starts afresh with that peer only. */
  da_agent_prepare_chat (a, alice);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (agent, alice), ==, 0);
  g_assert_cmpuint (da_conversable_agent_get_consecutive_auto_reply_count (agent, bob), ==, 1);
  g_assert_cmpuint (da_agent_get_history (a, alice)->len, ==, 0);
  g_assert_cmpuint (da_agent_get_history (a, bob)->len, ==, 2);
  g_assert_cmpstr ((s = exchange (a, alice, "again")), ==, "Noted."); g_free (s);
  g_assert_null (da_agent_get_stop_reason (a));
}

static DaMessage *
sized_message (DaRole      role,
               const char *sender,
               gsize       bytes)
{
  g_autofree char *text = g_strnfill (bytes, 'x');

  return da_message_new (role, sender, text);
}

static void
test_agents_context_budget (void)
{
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("planner", NULL);
  DaConversableAgent *agent = DA_CONVERSABLE_AGENT (assistant);
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaRequest) full = NULL;
  g_autoptr(DaRequest) trimmed = NULL;
  g_autoptr(DaRequest) tiny = NULL;
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", "read", "{\"path\":\"/x\"}");
  DaMessage *m;

  da_conversable_agent_set_system_message (agent, "12345678");           /* 2 tokens */
  da_conversable_agent_set_model (agent, "llama3.2");
  da_conversable_agent_set_temperature (agent, 0.5);
  da_conversable_agent_set_max_tokens (agent, 256);

  g_ptr_array_add (history, sized_message (DA_ROLE_USER, "user", 40));   /* 10 */
  m = sized_message (DA_ROLE_ASSISTANT, "planner", 27);                  /* 27 + 4 + 13 = 44 → 11 */
  da_message_add_tool_call (m, call);
  g_ptr_array_add (history, m);
  m = sized_message (DA_ROLE_TOOL, "planner", 8);                        /* 2 */
  da_message_set_tool_call_id (m, "call_1");
  g_ptr_array_add (history, m);
  g_ptr_array_add (history, sized_message (DA_ROLE_ASSISTANT, "planner", 40)); /* 10 */
  g_ptr_array_add (history, sized_message (DA_ROLE_ASSISTANT, "user", 41));    /* 11: a peer's streamed reply */

  g_assert_cmpint (da_estimate_tokens (g_ptr_array_index (history, 1)), ==, 11);
  g_assert_cmpint (da_estimate_tokens (g_ptr_array_index (history, 4)), ==, 11);

  full = da_conversable_agent_build_request (agent, history);
  g_assert_cmpstr (full->model, ==, "llama3.2");
  g_assert_cmpfloat (full->temperature, ==, 0.5);
  g_assert_cmpint (full->max_tokens, ==, 256);
  g_assert_cmpuint (full->messages->len, ==, 6);
  g_assert_cmpint (da_request_get_role (full, 0), ==, DA_ROLE_SYSTEM);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (full->messages, 0)), ==, "12345678");
  g_assert_cmpint (da_request_get_role (full, 1), ==, DA_ROLE_USER);
  g_assert_cmpint (da_request_get_role (full, 2), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpuint (da_message_get_tool_calls (g_ptr_array_index (full->messages, 2))->len, ==, 1);
  g_assert_cmpint (da_request_get_role (full, 3), ==, DA_ROLE_TOOL);
  /* The peer's reply is a user message to this agent; the history itself
   * is left as it was, and the request shares its messages. */
  g_assert_cmpint (da_request_get_role (full, 5), ==, DA_ROLE_USER);
  g_assert_cmpint (da_message_get_role (g_ptr_array_index (history, 4)), ==, DA_ROLE_ASSISTANT);
  g_assert_true (g_ptr_array_index (full->messages, 5) == g_ptr_array_index (history, 4));
  g_assert_true (g_ptr_array_index (full->messages, 4) == g_ptr_array_index (history, 3));

  /* 2 + 10 + 11 + 2 + 10 + 11 = 46. A budget of 25 keeps the system
   * message and the last two (2 + 10 + 11); the tool result that lost
   * its call goes too. */
  da_conversable_agent_set_context_max_tokens (agent, 25);
  trimmed = da_conversable_agent_build_request (agent, history);
  g_assert_cmpuint (trimmed->messages->len, ==, 3);
  g_assert_cmpint (da_request_get_role (trimmed, 0), ==, DA_ROLE_SYSTEM);
  g_assert_true (g_ptr_array_index (trimmed->messages, 1) == g_ptr_array_index (history, 3));

  /* A budget of 26 would keep the tool result, but not without its call. */
  g_clear_pointer (&trimmed, da_request_unref);
  da_conversable_agent_set_context_max_tokens (agent, 26);
  trimmed = da_conversable_agent_build_request (agent, history);
  g_assert_cmpuint (trimmed->messages->len, ==, 3);

  /* The newest message stays even when it alone is over budget. */
  da_conversable_agent_set_context_max_tokens (agent, 1);
  tiny = da_conversable_agent_build_request (agent, history);
  g_assert_cmpuint (tiny->messages->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (tiny->messages, 1)), ==,
                   da_message_get_content (g_ptr_array_index (history, 4)));
}

static void
test_agents_mode_strings (void)
{
  DaTerminationMode tmode;
  DaHumanInputMode hmode;

  g_assert_true (da_termination_mode_from_string ("regex", &tmode));
  g_assert_cmpint (tmode, ==, DA_TERMINATION_MODE_REGEX);
  g_assert_cmpstr (da_termination_mode_to_string (DA_TERMINATION_MODE_CONTAINS), ==, "contains");
  g_assert_false (da_termination_mode_from_string ("fuzzy", &tmode));
  g_assert_true (da_human_input_mode_from_string ("terminate", &hmode));
  g_assert_cmpint (hmode, ==, DA_HUMAN_INPUT_TERMINATE);
  g_assert_cmpstr (da_human_input_mode_to_string (DA_HUMAN_INPUT_NEVER), ==, "never");
  g_assert_false (da_human_input_mode_from_string ("sometimes", &hmode));
}

/* A request nobody else holds is extended for the next call; one that
 * is held is never changed under its holder. */
static void
test_agents_request_reuse (void)
{
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("planner", NULL);
  DaConversableAgent *agent = DA_CONVERSABLE_AGENT (assistant);
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaRequest) held = NULL;
  g_autoptr(DaRequest) next = NULL;
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func (g_object_unref);
  DaRequest *first;
  DaRequest *request;

  da_conversable_agent_set_system_message (agent, "Be brief.");
  da_conversable_agent_set_model (agent, "m1");
  g_ptr_array_add (history, da_message_new (DA_ROLE_USER, "user", "Begin."));
  g_ptr_array_add (history, da_message_new (DA_ROLE_ASSISTANT, "planner", "One."));

  first = da_conversable_agent_build_request (agent, history);
  g_assert_cmpuint (first->messages->len, ==, 3);
  da_request_unref (first);

  /* Extended: the same request, the new messages appended, the rest
   * re-read (a sender that changed changes the role). */
  g_ptr_array_add (history, da_message_new (DA_ROLE_ASSISTANT, "critic", "Two."));
  da_message_set_sender (g_ptr_array_index (history, 1), "critic");
  da_conversable_agent_set_model (agent, "m2");
  da_conversable_agent_set_temperature (agent, 0.25);
  request = da_conversable_agent_build_request (agent, history);
  g_assert_true (request == first);
  g_assert_cmpuint (request->messages->len, ==, 4);
  g_assert_cmpstr (request->model, ==, "m2");
  g_assert_cmpfloat (request->temperature, ==, 0.25);
  g_assert_cmpint (da_request_get_role (request, 0), ==, DA_ROLE_SYSTEM);
  g_assert_cmpint (da_request_get_role (request, 1), ==, DA_ROLE_USER);
  g_assert_cmpint (da_request_get_role (request, 2), ==, DA_ROLE_USER);
  g_assert_cmpint (da_request_get_role (request, 3), ==, DA_ROLE_USER);
  g_assert_true (g_ptr_array_index (request->messages, 3) == g_ptr_array_index (history, 2));
  held = request;

  /* Held by the caller: a new request, and the held one stays as it was. */
  g_ptr_array_add (history, da_message_new (DA_ROLE_ASSISTANT, "planner", "Three."));
  next = da_conversable_agent_build_request (agent, history);
  g_assert_true (next != held);
  g_assert_cmpuint (next->messages->len, ==, 5);
  g_assert_cmpint (da_request_get_role (next, 4), ==, DA_ROLE_ASSISTANT);
  g_assert_cmpuint (held->messages->len, ==, 4);
  g_clear_pointer (&next, da_request_unref);

  /* A new system message, or another history: built afresh. */
  da_conversable_agent_set_system_message (agent, "Be thorough.");
  request = da_conversable_agent_build_request (agent, history);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (request->messages, 0)), ==, "Be thorough.");
  g_assert_cmpuint (request->messages->len, ==, 5);
  da_request_unref (request);

  g_ptr_array_add (other, da_message_new (DA_ROLE_USER, "user", "Elsewhere."));
  request = da_conversable_agent_build_request (agent, other);
  g_assert_cmpuint (request->messages->len, ==, 2);
  g_assert_cmpstr (da_message_get_content (g_ptr_array_index (request->messages, 1)), ==, "Elsewhere.");
  da_request_unref (request);

  /* No system message any more: the old one does not linger. */
  da_conversable_agent_set_system_message (agent, NULL);
  request = da_conversable_agent_build_request (agent, other);
  g_assert_cmpuint (request->messages->len, ==, 1);
  g_assert_cmpint (da_request_get_role (request, 0), ==, DA_ROLE_USER);
  da_request_unref (request);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agents/defaults", test_agents_defaults);
  g_test_add_func ("/agents/termination-check", test_agents_termination_check);
  g_test_add_func ("/agents/auto-reply-per-sender", test_agents_auto_reply_per_sender);
  g_test_add_func ("/agents/context-budget", test_agents_context_budget);
  g_test_add_func ("/agents/request-reuse", test_agents_request_reuse);
  g_test_add_func ("/agents/mode-strings", test_agents_mode_strings);

  return g_test_run ();
}
