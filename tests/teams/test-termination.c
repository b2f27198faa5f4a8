/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "da-test-team.h"
#include "da-termination-private.h"

static DaMessage *
msg (const char *sender,
     const char *content)
{
  return da_message_new (DA_ROLE_ASSISTANT, sender, content);
}

static gboolean
check_texts (DaTermination      *termination,
             const char * const *texts)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; texts[i] != NULL; i++)
    g_ptr_array_add (messages, msg ("alice", texts[i]));
  return da_termination_check (termination, messages);
}

static void
test_algebra_and (void)
{
  g_autoptr(DaTermination) t =
    da_termination_all_new (da_termination_max_messages_new (2),
                            da_termination_text_mention_new ("stop", NULL),
                            NULL);
  const char *hello_world[] = { "Hello", "World", NULL };
  const char *hello_stop[] = { "Hello", "stop", NULL };

  g_assert_false (check_texts (t, hello_world));
  g_assert_false (da_termination_get_terminated (t));
  g_assert_null (da_termination_get_reason (t));

  da_termination_reset (t);
  g_assert_true (check_texts (t, hello_stop));
  g_assert_cmpstr (da_termination_get_reason (t), ==,
                   "all: max_messages: 2 reached; text_mention: 'stop' from alice");

  /* Fired stays fired until reset. */
  g_assert_true (check_texts (t, hello_world));
  da_termination_reset (t);
  g_assert_false (da_termination_get_terminated (t));

  /* "all" remembers a child that fired earlier. */
  {
    const char *one[] = { "stop now", NULL };
    const char *two[] = { "more", NULL };

    g_assert_false (check_texts (t, one));
    g_assert_true (check_texts (t, two));
  }
}

static void
test_algebra_or (void)
{
  g_autoptr(DaTermination) t =
    da_termination_any_new (da_termination_max_messages_new (3),
                            da_termination_text_mention_new ("stop", NULL),
                            NULL);
  g_autoptr(DaMessage) a = msg ("alice", "one");
  g_autoptr(DaMessage) b = msg ("bob", "two");
  g_autoptr(DaMessage) c = msg ("alice", "three");

  g_assert_false (da_termination_check_message (t, a));
  g_assert_false (da_termination_check_message (t, b));
  g_assert_true (da_termination_check_message (t, c));
  g_assert_cmpstr (da_termination_get_reason (t), ==, "max_messages: 3 reached");

  da_termination_reset (t);
  {
    const char *stop[] = { "please stop", NULL };

    g_assert_true (check_texts (t, stop));
    g_assert_cmpstr (da_termination_get_reason (t), ==, "text_mention: 'stop' from alice");
  }
}

static void
test_leaves (void)
{
  const char *critic[] = { "critic", NULL };
  g_autoptr(DaTermination) mention = da_termination_text_mention_new ("APPROVE", critic);
  g_autoptr(DaTermination) tokens = da_termination_token_usage_new (100, 0, 0);
  g_autoptr(DaTermination) completion = da_termination_token_usage_new (0, 0, 5);
  g_autoptr(DaTermination) timeout_now = da_termination_timeout_new (0);
  g_autoptr(DaTermination) timeout_later = da_termination_timeout_new (3600);
  g_autoptr(DaTermination) handoff = da_termination_handoff_new ("user");
  g_autoptr(DaTermination) external = da_termination_external_new ();
  g_autoptr(DaTermination) source = da_termination_source_match_new (critic);
  g_autoptr(DaMessage) from_writer = msg ("writer", "APPROVE");
  g_autoptr(DaMessage) from_critic = msg ("critic", "I APPROVE.");
  g_autoptr(DaMessage) used = msg ("writer", "x");
  g_autoptr(DaMessage) transfer = msg ("writer", "");
  g_autoptr(DaToolCall) call = da_tool_call_new ("c1", "transfer_to_User", "{}");
  g_autofree char *target = NULL;

  g_assert_false (da_termination_check_message (mention, from_writer));
  g_assert_true (da_termination_check_message (mention, from_critic));
  g_assert_cmpstr (da_termination_get_reason (mention), ==, "text_mention: 'APPROVE' from critic");

  da_message_set_usage (used, 60, 3);
  g_assert_false (da_termination_check_message (tokens, used));
  g_assert_false (da_termination_add_usage (tokens, 30, 1));
  g_assert_true (da_termination_add_usage (tokens, 5, 1));
  g_assert_cmpstr (da_termination_get_reason (tokens), ==, "token_usage: 100 tokens (limit 100 total)");
  g_assert_false (da_termination_check_message (completion, used));
  g_assert_true (da_termination_check_message (completion, used));

  g_assert_true (da_termination_check_message (timeout_now, used));
  g_assert_cmpstr (da_termination_get_reason (timeout_now), ==, "timeout: 0 s elapsed");
  g_assert_false (da_termination_check_message (timeout_later, used));

  da_message_add_tool_call (transfer, call);
  target = da_handoff_dup_target (transfer);
  g_assert_cmpstr (target, ==, "User");
  g_assert_false (da_termination_check_message (handoff, used));
  g_assert_true (da_termination_check_message (handoff, transfer));
  g_assert_cmpstr (da_termination_get_reason (handoff), ==, "handoff: writer handed over to User");

  g_assert_false (da_termination_check_message (external, used));
  da_termination_external_set (external);
  g_assert_true (da_termination_check_message (external, used));
  da_termination_reset (external);
  g_assert_false (da_termination_check_message (external, used));

  g_assert_false (da_termination_check_message (source, from_writer));
  g_assert_true (da_termination_check_message (source, from_critic));
  g_assert_cmpstr (da_termination_get_reason (source), ==, "source_match: critic spoke");
}

/* A timeout counts running time only: paused between runs, and the
 * tree tells how long until its first running timeout is due. */
static void
test_timeout_clock (void)
{
  g_autoptr(DaTermination) tree =
    da_termination_all_new (da_termination_timeout_new (0.2),
                            da_termination_any_new (da_termination_timeout_new (0.05),
                                                    da_termination_max_messages_new (100),
                                                    NULL),
                            NULL);
  g_autoptr(GPtrArray) nothing = g_ptr_array_new ();
  gint64 left;

  g_assert_cmpint (da_termination_get_time_left (tree), ==, -1);
  da_termination_start_clock (tree);
  left = da_termination_get_time_left (tree);
  g_assert_cmpint (left, >, 0);
  g_assert_cmpint (left, <=, 50 * 1000);

  g_usleep (60 * 1000);
  g_assert_cmpint (da_termination_get_time_left (tree), ==, 0);
  /* The short one fires; the long one is still due. */
  g_assert_false (da_termination_check (tree, nothing));
  left = da_termination_get_time_left (tree);
  g_assert_cmpint (left, >, 0);
  g_assert_cmpint (left, <=, 140 * 1000);

  da_termination_pause_clock (tree);
  g_assert_cmpint (da_termination_get_time_left (tree), ==, -1);
  g_usleep (250 * 1000);
  g_assert_false (da_termination_check (tree, nothing));
  da_termination_start_clock (tree);
  left = da_termination_get_time_left (tree);
  g_assert_cmpint (left, >, 0);
  g_assert_cmpint (left, <=, 140 * 1000);

  g_usleep (left + 1000);
  g_assert_true (da_termination_check (tree, nothing));
  g_assert_cmpstr (da_termination_get_reason (tree), ==,
                   "all: timeout: 0.2 s elapsed; timeout: 0.05 s elapsed");
  g_assert_cmpint (da_termination_get_time_left (tree), ==, -1);

  da_termination_reset (tree);
  g_assert_cmpint (da_termination_get_time_left (tree), ==, -1);
}

static char *
to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static DaTermination *
sample_tree (void)
{
  return da_termination_any_new (da_termination_all_new (da_termination_max_messages_new (5),
                                                         da_termination_token_usage_new (1000, 0, 0),
                                                         NULL),
                                 da_termination_external_new (),
                                 da_termination_text_mention_new ("DONE", NULL),
                                 NULL);
}

static void
test_state (void)
{
  g_autoptr(DaTermination) t = sample_tree ();
  g_autoptr(DaTermination) copy = sample_tree ();
  g_autoptr(DaTermination) other = da_termination_max_messages_new (5);
  g_autoptr(DaMessage) m = msg ("alice", "hi");
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  da_message_set_usage (m, 400, 20);
  g_assert_false (da_termination_check_message (t, m));
  g_assert_false (da_termination_check_message (t, m));
  da_termination_external_set (t);

  state = da_termination_save_state (t);
  g_assert_true (da_termination_load_state (copy, state, &error));
  g_assert_no_error (error);
  again = da_termination_save_state (copy);
  a = to_string (state);
  b = to_string (again);
  g_assert_cmpstr (a, ==, b);

  /* The copy continues from the same state: the external stop was set. */
  g_assert_true (da_termination_check_message (copy, m));
  g_assert_cmpstr (da_termination_get_reason (copy), ==, "external: stop requested");

  g_assert_false (da_termination_load_state (other, state, &error));
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_STATE);
  g_assert_true (g_str_has_prefix (error->message, "$.termination: "));
}

static void
test_to_json_round_trip (void)
{
  g_autoptr(DaTermination) t = sample_tree ();
  g_autoptr(JsonNode) json = da_termination_to_json (t);
  g_autoptr(DaTermination) parsed = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = to_string (json);
  g_autofree char *b = NULL;

  g_assert_cmpstr (a, ==, "{\"any\":[{\"all\":[{\"max_messages\":5},{\"token_usage\":{\"max_total\":1000}}]},"
                          "{\"external\":true},{\"text_mention\":\"DONE\"}]}");
  parsed = da_termination_new_from_json (json, &error);
  g_assert_no_error (error);
  again = da_termination_to_json (parsed);
  b = to_string (again);
  g_assert_cmpstr (a, ==, b);
}

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "teams", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_parse_fixtures (void)
{
  static const struct {
    const char *file;
    const char *error_prefix;   /* NULL: valid */
    const char *canonical;
  } cases[] = {
    { "termination-design.json", NULL,
      "{\"any\":[{\"text_mention\":\"TERMINATE\"},{\"max_messages\":10}]}" },
    { "termination-full.json", NULL,
      "{\"all\":[{\"text_mention\":\"APPROVE\",\"sources\":[\"critic\"]},"
      "{\"any\":[{\"token_usage\":{\"max_total\":5000,\"max_completion\":900}},{\"timeout\":30.5},"
      "{\"handoff\":\"user\"},{\"external\":true},{\"source_match\":[\"user\"]}]}]}" },
    { "termination-bad-two-keys.json", "$.any[1]: one condition per object", NULL },
    { "termination-bad-unknown.json", "$.all[0].any[0]: unknown condition \"max_turns\"", NULL },
    { "termination-bad-count.json", "$.max_messages: expected a positive message count", NULL },
    { "termination-bad-sources.json", "$: \"sources\" only goes with", NULL },
    { "termination-bad-empty.json", "$.any: expected a non-empty array", NULL },
    { "termination-bad-json.json", "$: not valid JSON", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *data = read_fixture (cases[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(DaTermination) t = _da_termination_parse_data (data, -1, &error);

      g_test_message ("%s", cases[i].file);
      if (cases[i].error_prefix == NULL)
        {
          g_autoptr(JsonNode) json = NULL;
          g_autofree char *canonical = NULL;

          g_assert_no_error (error);
          json = da_termination_to_json (t);
          canonical = to_string (json);
          g_assert_cmpstr (canonical, ==, cases[i].canonical);
        }
      else
        {
          g_assert_null (t);
          g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG);
          if (!g_str_has_prefix (error->message, cases[i].error_prefix))
            g_error ("%s: unexpected error: %s", cases[i].file, error->message);
        }
    }
}

static void
test_parse_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTermination) t = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append (deep, "{\"any\":[");
  g_string_append (deep, "{\"max_messages\":1}");
  for (guint i = 0; i < 40; i++)
    g_string_append (deep, "]}");

  t = _da_termination_parse_data (deep->str, deep->len, &error);
  g_assert_null (t);
  g_assert_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teams/termination/and", test_algebra_and);
  g_test_add_func ("/teams/termination/or", test_algebra_or);
  g_test_add_func ("/teams/termination/leaves", test_leaves);
  g_test_add_func ("/teams/termination/timeout-clock", test_timeout_clock);
  g_test_add_func ("/teams/termination/state", test_state);
  g_test_add_func ("/teams/termination/to-json", test_to_json_round_trip);
  g_test_add_func ("/teams/termination/parse-fixtures", test_parse_fixtures);
  g_test_add_func ("/teams/termination/parse-depth", test_parse_depth);

  return g_test_run ();
}
