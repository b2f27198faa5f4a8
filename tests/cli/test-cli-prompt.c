/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal permission prompt through a pseudo-terminal: the prompt
 * opens the pty's slave as its terminal, the test types on the master. */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "da-cli-prompt.h"
#include "da-cli-prompt-private.h"

typedef struct
{
  int                 master;
  int                 slave;
  char               *slave_path;
  GString            *seen;
  DaPermissionBroker *broker;
  DaCliPrompt        *prompt;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (f->master, >=, 0);
  g_assert_cmpint (grantpt (f->master), ==, 0);
  g_assert_cmpint (unlockpt (f->master), ==, 0);
  f->slave_path = g_strdup (ptsname (f->master));
  /* Kept open so the terminal lives between prompts. */
  f->slave = open (f->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (f->slave, >=, 0);
  f->seen = g_string_new (NULL);

  f->broker = da_permission_broker_new (NULL);
  f->prompt = da_cli_prompt_new (f->slave_path);
  g_assert_true (da_cli_prompt_is_available (f->prompt));
  da_cli_prompt_attach (f->prompt, f->broker);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->prompt);
  g_clear_object (&f->broker);
  close (f->master);
  close (f->slave);
  g_string_free (f->seen, TRUE);
  g_free (f->slave_path);
}

/* Reads what the terminal shows until @text appears, running the main
 * loop meanwhile (the prompt reads asynchronously). */
static void
read_until (Fixture    *f,
            const char *text)
{
  int flags = fcntl (f->master, F_GETFL);

  fcntl (f->master, F_SETFL, flags | O_NONBLOCK);
  while (strstr (f->seen->str, text) == NULL)
    {
      char buffer[512];
      gssize n = read (f->master, buffer, sizeof buffer);

      if (n > 0)
        g_string_append_len (f->seen, buffer, n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        g_error ("terminal closed before \"%s\" appeared; it showed: %s", text, f->seen->str);
      else
        g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    }
  fcntl (f->master, F_SETFL, flags);
}

static void
type (Fixture    *f,
      const char *keys)
{
  g_assert_cmpint (write (f->master, keys, strlen (keys)), ==, (gssize) strlen (keys));
}

typedef struct
{
  gboolean             done;
  DaPermissionDecision decision;
  char                *reason;
} Answer;

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr(GError) error = NULL;

  a->decision = da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), result,
                                                     &a->reason, NULL, &error);
  g_assert_no_error (error);
  a->done = TRUE;
}

static void
ask (Fixture          *f,
     DaPermissionKind  kind,
     const char       *target,
     const char       *detail,
     Answer           *a)
{
  da_permission_broker_request_async (f->broker, "planner", "read_file", kind, target, detail,
                                      NULL, request_cb, a);
}

static void
wait_for (Answer *a)
{
  while (!a->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_yes (Fixture       *f,
          gconstpointer  data)
{
  Answer a = { 0 };

  ask (f, DA_PERMISSION_READ, "/etc/passwd", NULL, &a);
  read_until (f, "> ");
  g_assert_nonnull (strstr (f->seen->str,
                            "┏ ⚠️  planner (read_file) requests read access to “/etc/passwd”.\r\n"
                            "┠─ Run again with --allow-read to bypass this prompt.\r\n"
                            "┗ Allow? [y/n/A] (y = yes, allow once; n = no, deny; "
                            "A = always allow this for planner) > "));
  type (f, "y\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  read_until (f, "✅ Granted read access to “/etc/passwd”.");
  g_free (a.reason);
}

static void
test_no (Fixture       *f,
         gconstpointer  data)
{
  Answer a = { 0 };

  ask (f, DA_PERMISSION_RUN, "sh", "rm -rf ~", &a);
  read_until (f, "> ");
  g_assert_nonnull (strstr (f->seen->str, "┠─ Command: rm -rf ~\r\n"));
  g_assert_nonnull (strstr (f->seen->str, "--allow-run"));
  type (f, "n\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_assert_cmpstr (a.reason, ==, "denied by the user");
  read_until (f, "❌ Denied");
  g_free (a.reason);
}

/* Keys typed before the question are discarded. */
static void
test_flushes_pending_input (Fixture       *f,
                            gconstpointer  data)
{
  Answer a = { 0 };

  type (f, "y\n");
  ask (f, DA_PERMISSION_NET, "example.com:443", NULL, &a);
  read_until (f, "> ");
  /* Had the early "y" been read, the request would be settled by now. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (a.done);
  type (f, "n\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_free (a.reason);
}

static void
test_always_two_steps (Fixture       *f,
                       gconstpointer  data)
{
  Answer a = { 0 }, b = { 0 }, c = { 0 };
  g_autoptr(GPtrArray) grants = NULL;

  ask (f, DA_PERMISSION_READ, "/srv/data", NULL, &a);
  read_until (f, "> ");
  type (f, "A\n");
  read_until (f, "Type 'always' to confirm");
  g_assert_false (a.done);
  type (f, "sure\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpstr (a.reason, ==, "allowed once by the user");
  grants = da_permission_broker_list_grants (f->broker, "planner", NULL);
  g_assert_cmpuint (grants->len, ==, 0);
  g_clear_pointer (&grants, g_ptr_array_unref);

  g_string_truncate (f->seen, 0);
  ask (f, DA_PERMISSION_READ, "/srv/data", NULL, &b);
  read_until (f, "> ");
  type (f, "A\n");
  read_until (f, "Type 'always' to confirm");
  type (f, "always\n");
  wait_for (&b);
  g_assert_cmpint (b.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  read_until (f, "✅ Always granted");
  grants = da_permission_broker_list_grants (f->broker, "planner", NULL);
  g_assert_cmpuint (grants->len, ==, 1);

  /* Now decided without a question. */
  g_string_truncate (f->seen, 0);
  ask (f, DA_PERMISSION_READ, "/srv/data/file", NULL, &c);
  wait_for (&c);
  g_assert_cmpint (c.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_free (a.reason);
  g_free (b.reason);
  g_free (c.reason);
}

/* "Always" for a shell command says, and grants, that exact command. */
static void
test_always_exact_command (Fixture       *f,
                           gconstpointer  data)
{
  Answer a = { 0 }, b = { 0 }, c = { 0 };
  g_autoptr(GPtrArray) grants = NULL;

  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls -la", NULL, request_cb, &a);
  read_until (f, "> ");
  g_assert_nonnull (strstr (f->seen->str, "┠─ Command: ls -la\r\n"));
  g_assert_nonnull (strstr (f->seen->str, "A = always allow this exact command for planner) > "));
  type (f, "A\n");
  read_until (f, "Always allow this exact command for planner, in later runs too? Type 'always'");
  type (f, "always\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  grants = da_permission_broker_list_grants (f->broker, "planner", NULL);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpstr (((DaGrant *) g_ptr_array_index (grants, 0))->detail, ==, "ls -la");

  /* The same command passes; another one is asked about. */
  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls -la", NULL, request_cb, &b);
  wait_for (&b);
  g_assert_cmpint (b.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_string_truncate (f->seen, 0);
  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "rm -rf ~", NULL, request_cb, &c);
  read_until (f, "> ");
  g_assert_nonnull (strstr (f->seen->str, "┠─ Command: rm -rf ~\r\n"));
  type (f, "n\n");
  wait_for (&c);
  g_assert_cmpint (c.decision, ==, DA_PERMISSION_DECISION_DENY);

  g_free (a.reason);
  g_free (b.reason);
  g_free (c.reason);
}

static void
test_unrecognized_then_no (Fixture       *f,
                           gconstpointer  data)
{
  Answer a = { 0 };

  ask (f, DA_PERMISSION_ENV, "HOME", NULL, &a);
  read_until (f, "> ");
  type (f, "a\n");
  read_until (f, "Unrecognized option");
  g_assert_false (a.done);
  type (f, "no\n");
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_free (a.reason);
}

static void
test_escapes_and_restores (Fixture       *f,
                           gconstpointer  data)
{
  struct termios attrs;
  Answer a = { 0 };

  /* The terminal as a password prompt would have left it. */
  g_assert_cmpint (tcgetattr (f->slave, &attrs), ==, 0);
  attrs.c_lflag &= ~(tcflag_t) ECHO;
  g_assert_cmpint (tcsetattr (f->slave, TCSANOW, &attrs), ==, 0);

  ask (f, DA_PERMISSION_READ, "/tmp/\x1b]0;owned\x07\x1b[2J\u202eevil\u200b", NULL, &a);
  read_until (f, "> ");
  g_assert_null (strchr (f->seen->str, '\x1b'));
  g_assert_null (strchr (f->seen->str, '\x07'));
  g_assert_null (strstr (f->seen->str, "\u202e"));
  g_assert_null (strstr (f->seen->str, "\u200b"));
  type (f, "n\n");
  wait_for (&a);
  /* The answer was echoed while asking … */
  read_until (f, "n\r\n");
  /* … and the terminal is as it was. */
  g_assert_cmpint (tcgetattr (f->slave, &attrs), ==, 0);
  g_assert_false (attrs.c_lflag & ECHO);
  g_free (a.reason);
}

static void
test_one_at_a_time (Fixture       *f,
                    gconstpointer  data)
{
  Answer a = { 0 }, b = { 0 };

  ask (f, DA_PERMISSION_READ, "/first", NULL, &a);
  ask (f, DA_PERMISSION_READ, "/second", NULL, &b);
  read_until (f, "> ");
  g_assert_null (strstr (f->seen->str, "/second"));
  type (f, "y\n");
  wait_for (&a);
  read_until (f, "“/second”");
  read_until (f, "A = always allow this for planner) > ");
  type (f, "n\n");
  wait_for (&b);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (b.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_free (a.reason);
  g_free (b.reason);
}

static void
test_no_terminal (void)
{
  g_autoptr(DaCliPrompt) prompt = da_cli_prompt_new ("/nonexistent/tty");
  g_autoptr(DaPermissionBroker) broker = da_permission_broker_new (NULL);
  Answer a = { 0 };

  g_assert_false (da_cli_prompt_is_available (prompt));
  da_cli_prompt_attach (prompt, broker);
  da_permission_broker_request_async (broker, "planner", "read_file", DA_PERMISSION_READ,
                                      "/etc/passwd", NULL, NULL, request_cb, &a);
  wait_for (&a);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_free (a.reason);
}

static void
test_parse (void)
{
  static const struct { const char *line; DaCliAnswer answer; } cases[] = {
    { "y", DA_CLI_ANSWER_YES }, { "Y", DA_CLI_ANSWER_YES }, { " yes \r", DA_CLI_ANSWER_YES },
    { "n", DA_CLI_ANSWER_NO }, { "NO", DA_CLI_ANSWER_NO }, { "A", DA_CLI_ANSWER_ALL },
    { "a", DA_CLI_ANSWER_INVALID }, { "all", DA_CLI_ANSWER_INVALID }, { "", DA_CLI_ANSWER_INVALID },
    { "yy", DA_CLI_ANSWER_INVALID }, { "y\x1b", DA_CLI_ANSWER_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (_da_cli_prompt_parse_answer (cases[i].line, strlen (cases[i].line)), ==,
                     cases[i].answer);
  g_assert_true (_da_cli_prompt_parse_confirm (" always\n", 8));
  g_assert_false (_da_cli_prompt_parse_confirm ("Always", 6));
  g_assert_false (_da_cli_prompt_parse_confirm ("y", 1));
  g_assert_false (_da_cli_prompt_parse_confirm ("always!", 7));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli-prompt/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("yes", test_yes);
  ADD ("no", test_no);
  ADD ("flushes-pending-input", test_flushes_pending_input);
  ADD ("always-two-steps", test_always_two_steps);
  ADD ("always-exact-command", test_always_exact_command);
  ADD ("unrecognized-then-no", test_unrecognized_then_no);
  ADD ("escapes-and-restores", test_escapes_and_restores);
  ADD ("one-at-a-time", test_one_at_a_time);
#undef ADD
  g_test_add_func ("/cli-prompt/no-terminal", test_no_terminal);
  g_test_add_func ("/cli-prompt/parse", test_parse);

  return g_test_run ();
}
