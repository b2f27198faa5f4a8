/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the built denoagents-cli against a real gnome-keyring-daemon: meson
 * starts this test through build-aux/test-session.sh. */
#define _GNU_SOURCE /* posix_openpt, ptsname */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "da-keyring.h"

#define SECRET "sk-test-5f1d2c9a-never-shown"
#define OPENAI_URL "https://api.openai.com/v1"

static void
assert_no_secret (CliResult *result)
{
  g_assert_null (strstr (result->out, SECRET));
  g_assert_null (strstr (result->err, SECRET));
}

static char *
lookup (const char *kind,
        const char *base_url)
{
  g_autoptr(GError) error = NULL;
  char *secret = da_keyring_lookup_sync (kind, base_url, NULL, &error);

  g_assert_no_error (error);
  return secret;
}

static void
test_cli_version_help (void)
{
  g_autoptr(CliResult) version = cli_run (NULL, "--version", NULL);
  g_autoptr(CliResult) help = cli_run (NULL, "--help", NULL);
  g_autoptr(CliResult) keys_help = cli_run (NULL, "keys", "--help", NULL);
  g_autoptr(CliResult) set_help = cli_run (NULL, "keys", "set", "--help", NULL);
  g_autoptr(CliResult) delete_help = cli_run (NULL, "keys", "delete", "-h", NULL);
  g_autofree char *expected = g_strdup_printf ("denoagents-cli %s\n", PACKAGE_VERSION);

  g_assert_cmpint (version->exit_status, ==, 0);
  g_assert_cmpstr (version->out, ==, expected);

  g_assert_cmpint (help->exit_status, ==, 0);
  g_assert_nonnull (strstr (help->out, "keys"));
  g_assert_cmpstr (help->err, ==, "");

  g_assert_cmpint (keys_help->exit_status, ==, 0);
  g_assert_nonnull (strstr (keys_help->out, "delete"));

  g_assert_cmpint (set_help->exit_status, ==, 0);
  g_assert_nonnull (strstr (set_help->out, "--base-url"));

  g_assert_cmpint (delete_help->exit_status, ==, 0);
  g_assert_nonnull (strstr (delete_help->out, "PROVIDER"));
}

static void
test_cli_keys_cycle (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonObject *object;
  char *stored;

  {
    g_autoptr(CliResult) set = cli_run (SECRET "\n", "keys", "set", "openai", NULL);

    g_assert_cmpint (set->exit_status, ==, 0);
    g_assert_cmpstr (set->err, ==, "");
    g_assert_nonnull (strstr (set->out, OPENAI_URL));
    assert_no_secret (set);
  }

  stored = lookup ("openai", OPENAI_URL);
  g_assert_cmpstr (stored, ==, SECRET);
  da_keyring_secret_free (stored);

  {
    g_autoptr(CliResult) list = cli_run (NULL, "keys", "list", NULL);

    g_assert_cmpint (list->exit_status, ==, 0);
    g_assert_cmpstr (list->out, ==, "openai     " OPENAI_URL "\n");
    g_assert_cmpstr (list->err, ==, "");
    assert_no_secret (list);
  }

  {
    g_autoptr(CliResult) list = cli_run (NULL, "keys", "list", "--json", NULL);

    g_assert_cmpint (list->exit_status, ==, 0);
    assert_no_secret (list);
    json_parser_load_from_data (parser, list->out, -1, &error);
    g_assert_no_error (error);
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    object = json_array_get_object_element (array, 0);
    g_assert_cmpuint (json_object_get_size (object), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "openai");
    g_assert_cmpstr (json_object_get_string_member (object, "base_url"), ==, OPENAI_URL);
  }

  {
    g_autoptr(CliResult) delete = cli_run (NULL, "keys", "delete", "openai", NULL);

    g_assert_cmpint (delete->exit_status, ==, 0);
    g_assert_cmpstr (delete->err, ==, "");
  }

  g_assert_null (lookup ("openai", OPENAI_URL));

  {
    g_autoptr(CliResult) list = cli_run (NULL, "keys", "list", NULL);

    g_assert_cmpint (list->exit_status, ==, 0);
    g_assert_cmpstr (list->out, ==, "");
  }

  {
    g_autoptr(CliResult) delete = cli_run (NULL, "keys", "delete", "openai", NULL);

    cli_assert_one_error (delete, 1, "no API key stored for openai at " OPENAI_URL);
  }
}

static void
test_cli_keys_base_url (void)
{
  char *stored;

  {
    /* No trailing newline, surrounding blanks, CRLF-free: all fine. */
    g_autoptr(CliResult) set = cli_run ("  local-key  ", "keys", "set", "ollama",
                                        "--base-url", "HTTP://LocalHost:11434/v1/", NULL);

    g_assert_cmpint (set->exit_status, ==, 0);
    g_assert_nonnull (strstr (set->out, "http://localhost:11434/v1"));
  }

  stored = lookup ("ollama", "http://localhost:11434/v1");
  g_assert_cmpstr (stored, ==, "local-key");
  da_keyring_secret_free (stored);

  /* Only the first line counts. */
  {
    g_autoptr(CliResult) set = cli_run ("first-line\r\nsecond-line\n", "keys", "set", "ollama",
                                        "-u", "http://localhost:11434/v1", NULL);

    g_assert_cmpint (set->exit_status, ==, 0);
  }

  stored = lookup ("ollama", "http://localhost:11434/v1");
  g_assert_cmpstr (stored, ==, "first-line");
  da_keyring_secret_free (stored);

  {
    g_autoptr(CliResult) delete = cli_run (NULL, "keys", "delete", "ollama",
                                           "--base-url=http://localhost:11434/v1///", NULL);

    g_assert_cmpint (delete->exit_status, ==, 0);
  }

  g_assert_null (lookup ("ollama", "http://localhost:11434/v1"));
}

static void
test_cli_keys_errors (void)
{
  static const struct
  {
    const char *input;
    const char *args[6];
    int         exit_status;
    const char *contains;
  } cases[] = {
    { NULL, { NULL }, 2, "missing command" },
    { NULL, { "frobnicate", NULL }, 2, "unknown command 'frobnicate'" },
    { NULL, { "--frobnicate", NULL }, 2, "unknown option '--frobnicate'" },
    { NULL, { "keys", NULL }, 2, "missing command" },
    { NULL, { "keys", "rotate", NULL }, 2, "unknown command 'rotate'" },
    { SECRET, { "keys", "set", NULL }, 2, "missing PROVIDER" },
    { SECRET, { "keys", "set", "openai", "extra", NULL }, 2, "too many arguments" },
    { SECRET, { "keys", "set", "skynet", NULL }, 2, "unknown provider kind 'skynet'" },
    { SECRET, { "keys", "set", "openai", "--base-url", "ftp://example.com", NULL }, 2, "invalid base URL" },
    { SECRET, { "keys", "set", "openai", "--base-url", "https://u:" SECRET "@example.com", NULL }, 2, "user name or password" },
    { SECRET, { "keys", "set", "openai", "--frobnicate", NULL }, 2, "--frobnicate" },
    { NULL, { "keys", "set", "openai", "--api-key=" SECRET, NULL }, 2, "--api-key" },
    { SECRET, { "keys", "set", "openai", "--base-url", NULL }, 2, "--base-url" },
    { "", { "keys", "set", "openai", NULL }, 1, "no API key given" },
    { "   \n" SECRET "\n", { "keys", "set", "openai", NULL }, 1, "no API key given" },
    { "sk-\x01-control\n", { "keys", "set", "openai", NULL }, 1, "control characters" },
    { NULL, { "keys", "list", "extra", NULL }, 2, "too many arguments" },
    { NULL, { "keys", "delete", NULL }, 2, "missing PROVIDER" },
    { NULL, { "keys", "delete", "anthropic", NULL }, 1, "no API key stored for anthropic at https://api.anthropic.com/v1" },
    { NULL, { "keys", "delete", "skynet", NULL }, 2, "unknown provider kind" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) result = cli_runv (cases[i].input, cases[i].args);

      g_test_message ("case %u: %s", i, result->err);
      cli_assert_one_error (result, cases[i].exit_status, cases[i].contains);
      assert_no_secret (result);
    }

  /* None of them stored anything. */
  {
    g_autoptr(CliResult) list = cli_run (NULL, "keys", "list", NULL);

    g_assert_cmpint (list->exit_status, ==, 0);
    g_assert_cmpstr (list->out, ==, "");
  }
}

/* Pseudo-terminal tests: the CLI gets a pty as its controlling terminal. */

typedef struct
{
  int master;
  int slave;
} Pty;

static void
pty_open (Pty *pty)
{
  struct termios attrs;

  pty->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (pty->master, >=, 0);
  g_assert_cmpint (grantpt (pty->master), ==, 0);
  g_assert_cmpint (unlockpt (pty->master), ==, 0);
  pty->slave = open (ptsname (pty->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (pty->slave, >=, 0);

  /* A fresh terminal echoes; otherwise the test would prove nothing. */
  g_assert_cmpint (tcgetattr (pty->slave, &attrs), ==, 0);
  g_assert_true (attrs.c_lflag & ECHO);
}

static void
pty_close (Pty *pty)
{
  close (pty->master);
  close (pty->slave);
}

static void
child_setup (gpointer user_data)
{
  setsid ();
  ioctl (STDIN_FILENO, TIOCSCTTY, 0);
}

static GSubprocess *
pty_spawn (Pty         *pty,
           const char  *first_arg,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DA_CLI_PATH"));
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_take_stdin_fd (launcher, dup (pty->slave));
  g_subprocess_launcher_take_stdout_fd (launcher, dup (pty->slave));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (pty->slave));
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

/* Reads what the terminal shows until @text appears. */
static void
pty_read_until (Pty        *pty,
                GString    *seen,
                const char *text)
{
  while (strstr (seen->str, text) == NULL)
    {
      char buffer[256];
      gssize n = read (pty->master, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("terminal closed before \"%s\" appeared; it showed: %s", text, seen->str);
      g_string_append_len (seen, buffer, n);
    }
}

/* Reads whatever is left once the program has exited. */
static void
pty_read_rest (Pty     *pty,
               GString *seen)
{
  int flags = fcntl (pty->master, F_GETFL);

  fcntl (pty->master, F_SETFL, flags | O_NONBLOCK);
  for (;;)
    {
      char buffer[256];
      gssize n = read (pty->master, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (seen, buffer, n);
    }
  fcntl (pty->master, F_SETFL, flags);
}

static void
assert_echo_restored (Pty *pty)
{
  struct termios attrs;

  g_assert_cmpint (tcgetattr (pty->slave, &attrs), ==, 0);
  g_assert_true (attrs.c_lflag & ECHO);
  g_assert_true (attrs.c_lflag & ICANON);
}

static void
test_cli_keys_tty_no_echo (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *typed = SECRET "\n";
  Pty pty;
  char *stored;

  pty_open (&pty);
  process = pty_spawn (&pty, "keys", "set", "openai", NULL);

  pty_read_until (&pty, seen, "API key for openai at " OPENAI_URL ": ");
  g_assert_cmpint (write (pty.master, typed, strlen (typed)), ==, (gssize) strlen (typed));

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  pty_read_rest (&pty, seen);

  g_test_message ("terminal showed: %s", seen->str);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (seen->str, "Stored the API key for openai"));
  g_assert_null (strstr (seen->str, SECRET));
  g_assert_null (strstr (seen->str, "sk-test"));
  assert_echo_restored (&pty);

  stored = lookup ("openai", OPENAI_URL);
  g_assert_cmpstr (stored, ==, SECRET);
  da_keyring_secret_free (stored);

  g_assert_true (da_keyring_delete_sync ("openai", OPENAI_URL, NULL, &error));
  g_assert_no_error (error);
  pty_close (&pty);
}

static void
test_cli_keys_tty_interrupted (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  struct termios attrs;
  char typed[] = "sk-half-typed";
  Pty pty;

  pty_open (&pty);
  process = pty_spawn (&pty, "keys", "set", "openai", NULL);

  pty_read_until (&pty, seen, "API key for openai at " OPENAI_URL ": ");
  g_assert_cmpint (write (pty.master, typed, strlen (typed)), ==, (gssize) strlen (typed));

  /* Ctrl-C, as the terminal's own interrupt character. */
  g_assert_cmpint (tcgetattr (pty.slave, &attrs), ==, 0);
  g_assert_false (attrs.c_lflag & ECHO);
  g_assert_cmpint (write (pty.master, &attrs.c_cc[VINTR], 1), ==, 1);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  pty_read_rest (&pty, seen);

  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGINT);
  g_assert_null (strstr (seen->str, typed));
  assert_echo_restored (&pty);

  g_assert_null (lookup ("openai", OPENAI_URL));
  pty_close (&pty);
}

/* End of file at the prompt (Ctrl-D): an error, and the terminal is back. */
static void
test_cli_keys_tty_eof (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  struct termios attrs;
  Pty pty;

  pty_open (&pty);
  process = pty_spawn (&pty, "keys", "set", "openai", NULL);

  pty_read_until (&pty, seen, "API key for openai at " OPENAI_URL ": ");
  g_assert_cmpint (tcgetattr (pty.slave, &attrs), ==, 0);
  g_assert_cmpint (write (pty.master, &attrs.c_cc[VEOF], 1), ==, 1);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  pty_read_rest (&pty, seen);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (seen->str, "denoagents-cli: no API key given"));
  assert_echo_restored (&pty);
  pty_close (&pty);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (g_getenv ("DA_TEST_SESSION") == NULL || g_getenv ("DA_CLI_PATH") == NULL)
    {
      g_printerr ("test-cli-keys: run me through build-aux/test-session.sh with "
                  "DA_CLI_PATH set (meson test does both)\n");
      return 1;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/version-help", test_cli_version_help);
  g_test_add_func ("/cli/keys/cycle", test_cli_keys_cycle);
  g_test_add_func ("/cli/keys/base-url", test_cli_keys_base_url);
  g_test_add_func ("/cli/keys/errors", test_cli_keys_errors);
  g_test_add_func ("/cli/keys/tty-no-echo", test_cli_keys_tty_no_echo);
  g_test_add_func ("/cli/keys/tty-interrupted", test_cli_keys_tty_interrupted);
  g_test_add_func ("/cli/keys/tty-eof", test_cli_keys_tty_eof);

  ret = g_test_run ();

  da_keyring_disconnect ();

  return ret;
}
