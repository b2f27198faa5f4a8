/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>

#include "da-cli-secret.h"

/* Reading a key from a terminal turns echo off. Whatever ends the read —
 * Enter, end of file, an error, Ctrl-C, a hang-up, Ctrl-Z — the terminal
 * gets its settings back: the signal handlers restore them before the
 * signal takes its default course (and turn echo off again after a stop). */

static const int terminating_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int stop_signals[] = { SIGTSTP, SIGTTIN, SIGTTOU };

static volatile sig_atomic_t tty_fd = -1;
static struct termios saved_termios;
static struct termios quiet_termios;
static struct sigaction saved_actions[NSIG];

static void
install_handler (int    signum,
                 void (*handler) (int))
{
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction (signum, &action, NULL);
}

static void
terminate_handler (int signum)
{
  int saved_errno = errno;

  if (tty_fd >= 0)
    {
      tcsetattr (tty_fd, TCSANOW, &saved_termios);
      (void) !write (STDERR_FILENO, "\n", 1);
    }
  sigaction (signum, &saved_actions[signum], NULL);
  raise (signum);
  errno = saved_errno;
}

static void
stop_handler (int signum)
{
  int saved_errno = errno;
  struct sigaction dfl;

  if (tty_fd >= 0)
    tcsetattr (tty_fd, TCSANOW, &saved_termios);

  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset (&dfl.sa_mask);
  sigaction (signum, &dfl, NULL);
  raise (signum);

  /* Continued. */
  install_handler (signum, stop_handler);
  if (tty_fd >= 0)
    tcsetattr (tty_fd, TCSANOW, &quiet_termios);
  errno = saved_errno;
}

static void
echo_restore (int fd)
{
  tcsetattr (fd, TCSANOW, &saved_termios);
  tty_fd = -1;

  for (guint i = 0; i < G_N_ELEMENTS (terminating_signals); i++)
    sigaction (terminating_signals[i], &saved_actions[terminating_signals[i]], NULL);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &saved_actions[stop_signals[i]], NULL);
}

static gboolean
echo_off (int      fd,
          GError **error)
{
  if (tcgetattr (fd, &saved_termios) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot read the terminal settings: %s", g_strerror (errsv));
      return FALSE;
    }

  quiet_termios = saved_termios;
  quiet_termios.c_lflag &= ~(tcflag_t) (ECHO | ECHOE | ECHOK | ECHONL);
  quiet_termios.c_lflag |= ICANON;

  for (guint i = 0; i < G_N_ELEMENTS (terminating_signals); i++)
    sigaction (terminating_signals[i], NULL, &saved_actions[terminating_signals[i]]);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], NULL, &saved_actions[stop_signals[i]]);

  tty_fd = fd;
  for (guint i = 0; i < G_N_ELEMENTS (terminating_signals); i++)
    install_handler (terminating_signals[i], terminate_handler);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    install_handler (stop_signals[i], stop_handler);

  if (tcsetattr (fd, TCSAFLUSH, &quiet_termios) != 0)
    {
      int errsv = errno;

      echo_restore (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot turn off the terminal echo: %s", g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/* Reads up to a newline or end of file, one byte at a time so nothing
 * after the line is consumed. */
static gboolean
read_line (int      fd,
           char    *buffer,
           gsize    size,
           gsize   *out_len,
           GError **error)
{
  gsize len = 0;

  for (;;)
    {
      char c;
      gssize n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       "cannot read the API key: %s", g_strerror (errsv));
          return FALSE;
        }

      if (n == 0 || c == '\n')
        break;

      if (len + 1 >= size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "the API key is longer than %d bytes", DA_CLI_SECRET_MAX_LENGTH);
          return FALSE;
        }

      buffer[len++] = c;
    }

  buffer[len] = '\0';
  *out_len = len;

  return TRUE;
}

/**
 * da_cli_read_secret:
 * @fd: where to read from
 * @prompt: (nullable): written to stderr when @fd is a terminal
 *
 * Reads one line: from a terminal with echo off, otherwise as it comes
 * (a pipe, a file). Surrounding white space is dropped.
 *
 * Returns: (transfer full): the key, to be freed with da_cli_secret_free(),
 *   or %NULL with an error (also when the line is empty).
 */
char *
da_cli_read_secret (int          fd,
                    const char  *prompt,
                    GError     **error)
{
  char *buffer = g_malloc (DA_CLI_SECRET_MAX_LENGTH + 1);
  gboolean is_tty = isatty (fd);
  gboolean ok;
  gsize len = 0;
  char *start;
  char *ret;

  if (is_tty)
    {
      if (!echo_off (fd, error))
        {
          g_free (buffer);
          return NULL;
        }
      if (prompt != NULL)
        g_printerr ("%s", prompt);
    }

  ok = read_line (fd, buffer, DA_CLI_SECRET_MAX_LENGTH + 1, &len, error);

  if (is_tty)
    {
      echo_restore (fd);
      g_printerr ("\n");
    }

  if (!ok)
    {
      explicit_bzero (buffer, DA_CLI_SECRET_MAX_LENGTH + 1);
      g_free (buffer);
      return NULL;
    }

  start = g_strstrip (buffer);
  if (start[0] == '\0')
    {
      explicit_bzero (buffer, DA_CLI_SECRET_MAX_LENGTH + 1);
      g_free (buffer);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "no API key given (the input was empty)");
      return NULL;
    }

  ret = g_strdup (start);
  explicit_bzero (buffer, DA_CLI_SECRET_MAX_LENGTH + 1);
  g_free (buffer);

  return ret;
}

void
da_cli_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
