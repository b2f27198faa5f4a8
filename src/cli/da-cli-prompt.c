/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal permission prompt, with Deno's wording and meaning:
 *
 *   ┏ ⚠️  planner (read_file) requests read access to “/etc/passwd”.
 *   ┠─ Run again with --allow-read to bypass this prompt.
 *   ┗ Allow? [y/n/A] (y = yes, allow once; n = no, deny; A = always allow this for planner) >
 *
 * y allows this request, n denies it, A allows this target for this agent
 * from now on (stored, revocable with `denoagents-cli permissions`) — but
 * only after a second, deliberate step: the word "always" must be typed;
 * anything else there allows only this time. Other answers are asked
 * again; end of input denies.
 *
 * The prompt reads the terminal itself (/dev/tty), never stdin; it
 * discards whatever was typed before the question (tcflush TCIFLUSH) so
 * that keys pressed earlier cannot answer it, sets canonical mode with
 * echo while it reads and restores the terminal afterwards. Without a
 * terminal every request is denied. Requests are asked one at a time. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "da-cli-prompt.h"
#include "da-cli-prompt-private.h"

#define MAX_LINE 256

struct _DaCliPrompt
{
  GObject              parent_instance;

  char                *tty_path;
  GQueue               queue;      /* Pending */

  /* The request being asked */
  struct _Pending     *current;
  int                  fd;
  struct termios       saved;
  gboolean             restore;
  GInputStream        *stream;
  GCancellable        *reading;
  GString             *line;
  gboolean             confirming;
};

typedef struct _Pending
{
  DaPermissionRequest *request;
  GCancellable        *cancellable;
  gulong               cancel_id;
} Pending;

G_DEFINE_FINAL_TYPE (DaCliPrompt, da_cli_prompt, G_TYPE_OBJECT)

static void next_request (DaCliPrompt *self);
static void read_line (DaCliPrompt *self);

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
strip (const char **line,
       gsize       *len)
{
  while (*len > 0 && is_blank ((*line)[0]))
    {
      (*line)++;
      (*len)--;
    }
  while (*len > 0 && is_blank ((*line)[*len - 1]))
    (*len)--;
}

/**
 * _da_cli_prompt_parse_answer:
 *
 * Deno's answers: y / yes, n / no (any case), and a capital A.
 */
DaCliAnswer
_da_cli_prompt_parse_answer (const char *line,
                             gsize       len)
{
  strip (&line, &len);

  if (len == 1 && line[0] == 'A')
    return DA_CLI_ANSWER_ALL;
  if ((len == 1 && g_ascii_tolower (line[0]) == 'y') ||
      (len == 3 && g_ascii_strncasecmp (line, "yes", 3) == 0))
    return DA_CLI_ANSWER_YES;
  if ((len == 1 && g_ascii_tolower (line[0]) == 'n') ||
      (len == 2 && g_ascii_strncasecmp (line, "no", 2) == 0))
    return DA_CLI_ANSWER_NO;
  return DA_CLI_ANSWER_INVALID;
}

/* The second step of "A": exactly the word "always". */
gboolean
_da_cli_prompt_parse_confirm (const char *line,
                              gsize       len)
{
  strip (&line, &len);
  return len == 6 && memcmp (line, "always", 6) == 0;
}

static void
pending_free (Pending *pending)
{
  if (pending->cancel_id != 0)
    g_cancellable_disconnect (pending->cancellable, pending->cancel_id);
  g_clear_object (&pending->cancellable);
  g_clear_object (&pending->request);
  g_free (pending);
}

static void
say (DaCliPrompt *self,
     const char  *text)
{
  gsize len = strlen (text);

  while (len > 0 && self->fd >= 0)
    {
      ssize_t w = write (self->fd, text, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      text += w;
      len -= (gsize) w;
    }
}

static void
close_tty (DaCliPrompt *self)
{
  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_object (&self->stream);
  if (self->fd >= 0)
    {
      if (self->restore)
        tcsetattr (self->fd, TCSANOW, &self->saved);
      close (self->fd);
    }
  self->fd = -1;
  self->restore = FALSE;
  g_string_truncate (self->line, 0);
  self->confirming = FALSE;
}

static void
finish_current (DaCliPrompt        *self,
                DaPermissionAnswer  answer,
                const char         *verdict)
{
  Pending *pending = g_steal_pointer (&self->current);
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;

  if (pending == NULL)
    return;

  if (verdict != NULL && self->fd >= 0)
    {
      what = da_permission_request_describe (pending->request);
      text = g_strdup_printf ("%s %s.\n", verdict, what);
      say (self, text);
    }
  close_tty (self);
  da_permission_request_answer (pending->request, answer);
  pending_free (pending);

  next_request (self);
}

/* What "always" covers: the target, or for a command line or a script
 * only that exact text. */
static const char *
always_scope (DaPermissionRequest *request)
{
  if (!da_permission_request_get_always_exact (request))
    return "this";
  if (g_strcmp0 (da_permission_request_get_tool (request), "run_python") == 0)
    return "this exact script";
  return "this exact command";
}

static char *
question (DaPermissionRequest *request)
{
  g_autofree char *agent = da_permission_request_get_display_agent (request);
  g_autofree char *tool = da_permission_request_get_display_tool (request);
  g_autofree char *what = da_permission_request_describe (request);
  g_autofree char *detail = da_permission_request_get_display_detail (request);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "┏ ⚠️  %s (%s) requests %s.\n", agent, tool, what);
  if (detail != NULL)
    g_string_append_printf (text, "┠─ %s: %s\n",
                            da_permission_request_get_kind (request) != DA_PERMISSION_RUN ? "For" :
                            g_strcmp0 (da_permission_request_get_tool (request), "run_python") == 0
                              ? "Script" : "Command",
                            detail);
  g_string_append_printf (text, "┠─ Run again with %s to bypass this prompt.\n",
                          da_permission_request_get_flag (request));
  g_string_append_printf (text, "┗ Allow? [y/n/A] (y = yes, allow once; n = no, deny; "
                          "A = always allow %s for %s) > ", always_scope (request), agent);
  return g_string_free (text, FALSE);
}

static void
answered_line (DaCliPrompt *self,
               const char  *line,
               gsize        len)
{
  Pending *pending = self->current;

  if (self->confirming)
    {
      if (_da_cli_prompt_parse_confirm (line, len))
        finish_current (self, DA_PERMISSION_ANSWER_ALWAYS, "✅ Always granted");
      else
        finish_current (self, DA_PERMISSION_ANSWER_ONCE, "✅ Granted once");
      return;
    }

  switch (_da_cli_prompt_parse_answer (line, len))
    {
    case DA_CLI_ANSWER_YES:
      finish_current (self, DA_PERMISSION_ANSWER_ONCE, "✅ Granted");
      return;
    case DA_CLI_ANSWER_NO:
      finish_current (self, DA_PERMISSION_ANSWER_DENY, "❌ Denied");
      return;
    case DA_CLI_ANSWER_ALL:
      {
        g_autofree char *agent = da_permission_request_get_display_agent (pending->request);
        g_autofree char *text =
          g_strdup_printf ("┗ Always allow %s for %s, in later runs too? Type 'always' to "
                           "confirm; anything else allows only this time > ",
                           always_scope (pending->request), agent);

        self->confirming = TRUE;
        say (self, text);
        read_line (self);
        return;
      }
    case DA_CLI_ANSWER_INVALID:
    default:
      say (self, "┗ Unrecognized option. Allow? [y/n/A] (y = yes, allow once; n = no, deny; "
                 "A = always allow) > ");
      read_line (self);
      return;
    }
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DaCliPrompt) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *data, *nl;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->current == NULL)
    return;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      say (self, "\n");
      finish_current (self, DA_PERMISSION_ANSWER_DENY, "❌ Denied (no answer)");
      return;
    }

  data = g_bytes_get_data (bytes, &len);
  g_string_append_len (self->line, data, (gssize) len);
  nl = memchr (self->line->str, '\n', self->line->len);
  if (nl == NULL && self->line->len < MAX_LINE)
    {
      read_line (self);
      return;
    }

  {
    g_autofree char *line = g_strndup (self->line->str,
                                       nl ? (gsize) (nl - self->line->str) : self->line->len);

    g_string_truncate (self->line, 0);
    answered_line (self, line, strlen (line));
  }
}

static void
read_line (DaCliPrompt *self)
{
  g_input_stream_read_bytes_async (self->stream, MAX_LINE, G_PRIORITY_DEFAULT, self->reading,
                                    read_cb, g_object_ref (self));
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  DaCliPrompt *self = user_data;

  if (self->current != NULL && g_cancellable_is_cancelled (self->current->cancellable))
    {
      say (self, "\n");
      finish_current (self, DA_PERMISSION_ANSWER_DENY, "❌ No longer needed:");
    }
  else
    {
      /* A queued request that nobody waits for any more. */
      for (GList *l = self->queue.head; l != NULL; )
        {
          Pending *pending = l->data;
          GList *next = l->next;

          if (g_cancellable_is_cancelled (pending->cancellable))
            {
              g_queue_delete_link (&self->queue, l);
              da_permission_request_answer (pending->request, DA_PERMISSION_ANSWER_DENY);
              pending_free (pending);
            }
          l = next;
        }
    }
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              DaCliPrompt  *self)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, NULL);
}

static void
next_request (DaCliPrompt *self)
{
  g_autofree char *text = NULL;
  struct termios attrs;

  if (self->current != NULL || g_queue_is_empty (&self->queue))
    return;

  self->current = g_queue_pop_head (&self->queue);
  self->fd = open (self->tty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->fd < 0)
    {
      finish_current (self, DA_PERMISSION_ANSWER_DENY, NULL);
      return;
    }

  if (tcgetattr (self->fd, &self->saved) == 0)
    {
      attrs = self->saved;
      attrs.c_lflag |= ICANON | ECHO | ECHOE | ECHOK;
      self->restore = TRUE;
      tcsetattr (self->fd, TCSANOW, &attrs);
    }
  /* Keys pressed before the question must not answer it. */
  tcflush (self->fd, TCIFLUSH);

  text = question (self->current->request);
  say (self, text);

  self->stream = g_unix_input_stream_new (self->fd, FALSE);
  self->reading = g_cancellable_new ();
  read_line (self);
}

static void
prompter_cb (DaPermissionBroker  *broker,
             DaPermissionRequest *request,
             GCancellable        *cancellable,
             gpointer             user_data)
{
  DaCliPrompt *self = user_data;
  Pending *pending = g_new0 (Pending, 1);

  pending->request = g_object_ref (request);
  pending->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  pending->cancel_id = g_cancellable_connect (pending->cancellable, G_CALLBACK (cancelled_cb),
                                              self, NULL);
  g_queue_push_tail (&self->queue, pending);
  next_request (self);
}

static void
da_cli_prompt_dispose (GObject *object)
{
  DaCliPrompt *self = DA_CLI_PROMPT (object);
  Pending *pending;

  if (self->current != NULL)
    {
      pending = g_steal_pointer (&self->current);
      close_tty (self);
      da_permission_request_answer (pending->request, DA_PERMISSION_ANSWER_DENY);
      pending_free (pending);
    }
  while ((pending = g_queue_pop_head (&self->queue)) != NULL)
    {
      da_permission_request_answer (pending->request, DA_PERMISSION_ANSWER_DENY);
      pending_free (pending);
    }

  G_OBJECT_CLASS (da_cli_prompt_parent_class)->dispose (object);
}

static void
da_cli_prompt_finalize (GObject *object)
{
  DaCliPrompt *self = DA_CLI_PROMPT (object);

  g_free (self->tty_path);
  g_string_free (self->line, TRUE);

  G_OBJECT_CLASS (da_cli_prompt_parent_class)->finalize (object);
}

static void
da_cli_prompt_class_init (DaCliPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_cli_prompt_dispose;
  object_class->finalize = da_cli_prompt_finalize;
}

static void
da_cli_prompt_init (DaCliPrompt *self)
{
  self->fd = -1;
  self->line = g_string_new (NULL);
  g_queue_init (&self->queue);
}

/**
 * da_cli_prompt_new:
 * @tty_path: (nullable): the terminal to ask on; %NULL for /dev/tty
 */
DaCliPrompt *
da_cli_prompt_new (const char *tty_path)
{
  DaCliPrompt *self = g_object_new (DA_TYPE_CLI_PROMPT, NULL);

  self->tty_path = g_strdup (tty_path ? tty_path : "/dev/tty");
  return self;
}

/**
 * da_cli_prompt_is_available:
 *
 * Returns: whether there is a terminal to ask on
 */
gboolean
da_cli_prompt_is_available (DaCliPrompt *self)
{
  int fd;

  g_return_val_if_fail (DA_IS_CLI_PROMPT (self), FALSE);

  fd = open (self->tty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/**
 * da_cli_prompt_attach:
 *
 * Makes this prompt the one @broker asks. The broker keeps a reference.
 */
void
da_cli_prompt_attach (DaCliPrompt        *self,
                      DaPermissionBroker *broker)
{
  g_return_if_fail (DA_IS_CLI_PROMPT (self));
  g_return_if_fail (DA_IS_PERMISSION_BROKER (broker));

  da_permission_broker_set_prompter (broker, prompter_cb, g_object_ref (self), g_object_unref);
}
