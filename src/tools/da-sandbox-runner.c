/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "da-sandbox-runner-private.h"
#include "da-tool-error.h"

/**
 * DaSandboxRunner:
 *
 * Runs one command inside denoagents-sandbox: writes the policy to a
 * 0600 file, gives the input as an unlinked 0600 file on stdin (never a
 * pipe the command could leave full), spawns the helper with
 * GSubprocess, reads stdout and stderr up to a cap, reads the report
 * descriptor's JSON lines, and kills the helper (and with it the whole
 * sandbox) on cancellation. Exit status 125 is a %DA_TOOL_ERROR_SANDBOX
 * with the helper's one-line reason.
 */

#define DEFAULT_MAX_CAPTURE (256 * 1024)
#define REPORT_FD 3
#define CHUNK 16384

struct _DaSandboxRunner
{
  GObject  parent_instance;

  char    *path;
  gsize    max_capture;
};

G_DEFINE_FINAL_TYPE (DaSandboxRunner, da_sandbox_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_MAX_CAPTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct _Run Run;

typedef struct
{
  Run          *run;
  GInputStream *stream;
  GByteArray   *data;
  gsize         cap;
  gboolean      truncated;
} Reader;

struct _Run
{
  GTask        *task;       /* owned while anything is pending */
  GSubprocess  *process;
  char         *policy_path;
  Reader        readers[3]; /* stdout, stderr, reports */
  guint         n_pending;
  gint64        started;
  gulong        cancel_id;
  GError       *error;
};

void
da_sandbox_run_free (DaSandboxRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->out, g_bytes_unref);
  g_clear_pointer (&run->err, g_bytes_unref);
  g_clear_pointer (&run->reports, g_ptr_array_unref);
  g_free (run);
}

static void
run_free (Run *run)
{
  for (guint i = 0; i < G_N_ELEMENTS (run->readers); i++)
    {
      g_clear_object (&run->readers[i].stream);
      g_clear_pointer (&run->readers[i].data, g_byte_array_unref);
    }
  if (run->policy_path != NULL)
    g_unlink (run->policy_path);
  g_free (run->policy_path);
  g_clear_object (&run->process);
  g_clear_error (&run->error);
  g_free (run);
}

static char *
first_line (GByteArray *data)
{
  g_autofree char *text = g_strndup ((const char *) data->data, data->len);
  char *nl = strchr (text, '\n');

  if (nl != NULL)
    *nl = '\0';
  return g_utf8_make_valid (text, -1);
}

static void
parse_reports (GByteArray *data,
               GPtrArray  *reports)
{
  gsize start = 0;

  for (gsize i = 0; i < data->len; i++)
    {
      g_autoptr(GError) error = NULL;
      DaSandboxReport *report;

      if (data->data[i] != '\n')
        continue;
      report = _da_sandbox_report_parse ((const char *) data->data + start, i - start, &error);
      if (report != NULL)
        g_ptr_array_add (reports, report);
      else
        g_warning ("%s", error->message);
      start = i + 1;
    }
}

static void
maybe_finish (Run *run)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DaSandboxRun) result = NULL;
  GCancellable *cancellable;

  if (--run->n_pending > 0)
    return;

  task = g_steal_pointer (&run->task);
  cancellable = g_task_get_cancellable (task);
  if (run->cancel_id != 0)
    g_cancellable_disconnect (cancellable, run->cancel_id);
  run->cancel_id = 0;

  if (run->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&run->error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  result = g_new0 (DaSandboxRun, 1);
  result->duration_us = g_get_monotonic_time () - run->started;
  result->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) da_sandbox_report_free);
  parse_reports (run->readers[2].data, result->reports);

  if (g_subprocess_get_if_exited (run->process))
    result->exit_status = g_subprocess_get_exit_status (run->process);
  else
    {
      result->exit_status = -1;
      result->term_signal = g_subprocess_get_term_sig (run->process);
    }

  if (result->exit_status == 125)
    {
      g_autofree char *reason = first_line (run->readers[1].data);

      for (guint i = 0; i < result->reports->len; i++)
        {
          DaSandboxReport *report = g_ptr_array_index (result->reports, i);

          if (g_strcmp0 (report->type, "error") == 0 && report->detail != NULL)
            {
              g_free (reason);
              reason = g_strdup (report->detail);
            }
        }
      g_task_return_new_error (task, DA_TOOL_ERROR, DA_TOOL_ERROR_SANDBOX,
                               "The sandbox could not be set up: %s",
                               reason[0] ? reason : "no reason given");
      return;
    }

  result->out = g_byte_array_free_to_bytes (g_steal_pointer (&run->readers[0].data));
  result->err = g_byte_array_free_to_bytes (g_steal_pointer (&run->readers[1].data));
  result->out_truncated = run->readers[0].truncated;
  result->err_truncated = run->readers[1].truncated;
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) da_sandbox_run_free);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL || (len = g_bytes_get_size (bytes)) == 0)
    {
      if (error != NULL)
        g_debug ("Reading from the sandbox: %s", error->message);
      maybe_finish (reader->run);
      return;
    }

  if (reader->data->len < reader->cap)
    {
      gsize room = reader->cap - reader->data->len;

      g_byte_array_append (reader->data, g_bytes_get_data (bytes, NULL), (guint) MIN (len, room));
      if (len > room)
        reader->truncated = TRUE;
    }
  else
    reader->truncated = TRUE;

  g_input_stream_read_bytes_async (reader->stream, CHUNK, G_PRIORITY_DEFAULT, NULL,
                                   read_cb, reader);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error) && run->error == NULL)
    run->error = g_steal_pointer (&error);
  maybe_finish (run);
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  Run *run = user_data;

  /* The helper's children die with it (PR_SET_PDEATHSIG). */
  g_subprocess_force_exit (run->process);
}

static void
da_sandbox_runner_finalize (GObject *object)
{
  DaSandboxRunner *self = DA_SANDBOX_RUNNER (object);

  g_free (self->path);

  G_OBJECT_CLASS (da_sandbox_runner_parent_class)->finalize (object);
}

static void
da_sandbox_runner_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DaSandboxRunner *self = DA_SANDBOX_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_MAX_CAPTURE:
      g_value_set_uint64 (value, self->max_capture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_sandbox_runner_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DaSandboxRunner *self = DA_SANDBOX_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_MAX_CAPTURE:
      da_sandbox_runner_set_max_capture (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_sandbox_runner_constructed (GObject *object)
{
  DaSandboxRunner *self = DA_SANDBOX_RUNNER (object);

  G_OBJECT_CLASS (da_sandbox_runner_parent_class)->constructed (object);

  if (self->path == NULL)
    {
      const char *env = g_getenv ("DA_SANDBOX_PATH");
      g_autofree char *installed = g_build_filename (LIBEXECDIR, "denoagents-sandbox", NULL);

      if (env != NULL && env[0] != '\0')
        self->path = g_strdup (env);
      else if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
        self->path = g_steal_pointer (&installed);
      else
        self->path = g_strdup (BUILD_SANDBOX_PATH);
    }
}

static void
da_sandbox_runner_class_init (DaSandboxRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = da_sandbox_runner_constructed;
  object_class->finalize = da_sandbox_runner_finalize;
  object_class->get_property = da_sandbox_runner_get_property;
  object_class->set_property = da_sandbox_runner_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CAPTURE] =
    g_param_spec_uint64 ("max-capture", NULL, NULL, 1, G_MAXUINT32, DEFAULT_MAX_CAPTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_sandbox_runner_init (DaSandboxRunner *self)
{
  self->max_capture = DEFAULT_MAX_CAPTURE;
}

/**
 * da_sandbox_runner_new:
 * @sandbox_path: (nullable): the helper; %NULL uses $DA_SANDBOX_PATH,
 *   then the installed helper in libexecdir, then the one in the build
 *   tree
 */
DaSandboxRunner *
da_sandbox_runner_new (const char *sandbox_path)
{
  return g_object_new (DA_TYPE_SANDBOX_RUNNER, "path", sandbox_path, NULL);
}

const char *
da_sandbox_runner_get_path (DaSandboxRunner *self)
{
  g_return_val_if_fail (DA_IS_SANDBOX_RUNNER (self), NULL);
  return self->path;
}

gsize
da_sandbox_runner_get_max_capture (DaSandboxRunner *self)
{
  g_return_val_if_fail (DA_IS_SANDBOX_RUNNER (self), 0);
  return self->max_capture;
}

/**
 * da_sandbox_runner_set_max_capture:
 *
 * How many bytes of stdout and of stderr are kept (default 256 KiB).
 */
void
da_sandbox_runner_set_max_capture (DaSandboxRunner *self,
                                   gsize            max_capture)
{
  g_return_if_fail (DA_IS_SANDBOX_RUNNER (self));
  g_return_if_fail (max_capture > 0);

  if (self->max_capture == max_capture)
    return;
  self->max_capture = max_capture;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CAPTURE]);
}

static int
input_fd (GBytes  *input,
          GError **error)
{
  g_autofree char *path = NULL;
  const guint8 *data;
  gsize len;
  int fd;

  fd = g_file_open_tmp ("denoagents-input-XXXXXX", &path, error);
  if (fd < 0)
    return -1;
  g_unlink (path);

  data = input ? g_bytes_get_data (input, &len) : NULL;
  if (data == NULL)
    len = 0;
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not write the tool's input: %s", g_strerror (saved));
          return -1;
        }
      data += w;
      len -= (gsize) w;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not rewind the tool's input: %s", g_strerror (saved));
      return -1;
    }
  return fd;
}

/**
 * da_sandbox_runner_run_async:
 * @policy: the sandbox policy (an object with the keys of DESIGN.md)
 * @argv: the command and its arguments
 * @input: (nullable): what the command reads on stdin
 *
 * Runs @argv inside the sandbox under @policy.
 */
void
da_sandbox_runner_run_async (DaSandboxRunner     *self,
                             JsonNode            *policy,
                             const char * const  *argv,
                             GBytes              *input,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *policy_text = NULL;
  g_autofree char *report_fd_text = NULL;
  int report_pipe[2] = { -1, -1 };
  int policy_fd, stdin_fd;
  Run *run;

  g_return_if_fail (DA_IS_SANDBOX_RUNNER (self));
  g_return_if_fail (policy != NULL && JSON_NODE_HOLDS_OBJECT (policy));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_sandbox_runner_run_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  run = g_new0 (Run, 1);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  policy_text = json_to_string (policy, FALSE);
  g_debug ("Sandbox policy: %s", policy_text);
  policy_fd = g_file_open_tmp ("denoagents-policy-XXXXXX.json", &run->policy_path, &error);
  if (policy_fd < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (write (policy_fd, policy_text, strlen (policy_text)) != (ssize_t) strlen (policy_text))
    {
      int saved = errno;

      close (policy_fd);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not write the sandbox policy: %s", g_strerror (saved));
      return;
    }
  close (policy_fd);

  if ((stdin_fd = input_fd (input, &error)) < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!g_unix_open_pipe (report_pipe, FD_CLOEXEC, &error))
    {
      close (stdin_fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_stdin_fd (launcher, stdin_fd);
  g_subprocess_launcher_take_fd (launcher, report_pipe[1], REPORT_FD);

  report_fd_text = g_strdup_printf ("%d", REPORT_FD);
  args = g_ptr_array_new ();
  g_ptr_array_add (args, self->path);
  g_ptr_array_add (args, (char *) "--policy");
  g_ptr_array_add (args, run->policy_path);
  g_ptr_array_add (args, (char *) "--report-fd");
  g_ptr_array_add (args, report_fd_text);
  g_ptr_array_add (args, (char *) "--");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  run->started = g_get_monotonic_time ();
  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  /* Closes the parent's copies of the descriptors handed to the child. */
  g_clear_object (&launcher);
  if (run->process == NULL)
    {
      close (report_pipe[0]);
      g_task_return_new_error (task, DA_TOOL_ERROR, DA_TOOL_ERROR_SANDBOX,
                               "Could not start the sandbox %s: %s", self->path, error->message);
      return;
    }

  run->readers[0].stream = g_object_ref (g_subprocess_get_stdout_pipe (run->process));
  run->readers[1].stream = g_object_ref (g_subprocess_get_stderr_pipe (run->process));
  run->readers[2].stream = g_unix_input_stream_new (report_pipe[0], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (run->readers); i++)
    {
      run->readers[i].run = run;
      run->readers[i].data = g_byte_array_new ();
      run->readers[i].cap = i < 2 ? self->max_capture : 64 * 1024;
    }

  run->task = g_steal_pointer (&task);
  run->n_pending = 4;
  for (guint i = 0; i < G_N_ELEMENTS (run->readers); i++)
    g_input_stream_read_bytes_async (run->readers[i].stream, CHUNK, G_PRIORITY_DEFAULT, NULL,
                                     read_cb, &run->readers[i]);
  g_subprocess_wait_async (run->process, NULL, wait_cb, run);

  if (cancellable != NULL)
    run->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), run, NULL);
}

/**
 * da_sandbox_runner_run_finish:
 *
 * Returns: (transfer full): what happened, or %NULL with an error
 *   (%DA_TOOL_ERROR_SANDBOX when the sandbox could not be set up,
 *   %G_IO_ERROR_CANCELLED)
 */
DaSandboxRun *
da_sandbox_runner_run_finish (DaSandboxRunner  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (DA_IS_SANDBOX_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
