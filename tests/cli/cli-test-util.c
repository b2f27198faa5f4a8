/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"

static const char *
cli_path (void)
{
  const char *path = g_getenv ("DA_CLI_PATH");

  g_assert_nonnull (path);
  return path;
}

CliResult *
cli_runv (const char         *input,
          const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliResult *result = g_new0 (CliResult, 1);

  g_ptr_array_add (argv, (gpointer) cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, input ? input : "", NULL,
                                 &result->out, &result->err, &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_exited (process))
    result->exit_status = g_subprocess_get_exit_status (process);
  else
    result->exit_status = -1;

  return result;
}

CliResult *
cli_run (const char *input,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return cli_runv (input, (const char * const *) args->pdata);
}

void
cli_result_free (CliResult *result)
{
  if (result == NULL)
    return;

  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

/* The contract for every failure: nothing on stdout, exactly one line on
 * stderr that starts with "denoagents-cli: ", and the right status. */
void
cli_assert_one_error (CliResult  *result,
                      int         exit_status,
                      const char *contains)
{
  const char *newline;

  if (result->exit_status != exit_status)
    g_test_message ("stderr: %s", result->err);
  g_assert_cmpint (result->exit_status, ==, exit_status);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_true (g_str_has_prefix (result->err, "denoagents-cli: "));
  newline = strchr (result->err, '\n');
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline, ==, "\n");
  if (contains != NULL && strstr (result->err, contains) == NULL)
    g_error ("expected \"%s\" in: %s", contains, result->err);
}
