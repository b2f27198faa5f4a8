/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures for the tools layer: broker decisions per second (by rule, by a
 * prompt answered at once, with the audit log in a real store), and the
 * wall time of one built-in tool call in the sandbox (read_file,
 * run_shell_command, run_python). Prints, asserts nothing timed. */
#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "da-builtin-tool.h"
#include "da-permission-broker.h"
#include "da-store.h"

#define DECISIONS 2000
#define RUNS      20

static void
answer_cb (DaPermissionBroker  *broker,
           DaPermissionRequest *request,
           GCancellable        *cancellable,
           gpointer             user_data)
{
  da_permission_request_answer (request, DA_PERMISSION_ANSWER_ONCE);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint *left = user_data;

  da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), result, NULL, NULL, NULL);
  (*left)--;
}

static void
bench_broker (DaPermissionBroker *broker,
              const char         *label,
              const char         *target)
{
  guint left = DECISIONS;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < DECISIONS; i++)
    da_permission_broker_request_async (broker, "bench", "read_file", DA_PERMISSION_READ,
                                        target, NULL, NULL, request_cb, &left);
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_print ("# broker %-28s %8.0f decisions/s (%.1f µs each, audit row included)\n",
           label, DECISIONS / seconds, seconds * 1e6 / DECISIONS);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  DaToolResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = da_tool_run_finish (DA_TOOL (object), result, &error);
  if (*out == NULL)
    g_error ("tool failed: %s", error->message);
}

static void
bench_tool (DaPermissions   *permissions,
            DaSandboxRunner *runner,
            const char      *name,
            const char      *arguments,
            const char      *grant)
{
  g_autoptr(DaTool) tool = da_builtin_tool_new (name);
  g_autoptr(JsonObject) args = da_tool_parse_arguments (tool, arguments, NULL);
  double total = 0;

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(DaToolContext) context = da_tool_context_new ("bench", name, permissions, runner, NULL);
      DaToolResult *result = NULL;
      gint64 start;
      double ms;

      if (grant != NULL)
        da_tool_context_add_granted (context, DA_PERMISSION_READ, grant, TRUE);
      start = g_get_monotonic_time ();
      da_tool_run_async (tool, context, args, NULL, run_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      ms = (double) (g_get_monotonic_time () - start) / 1000.0;
      if (!result->ok)
        g_error ("%s did not succeed: %s", name, result->content);
      da_tool_result_free (result);
      total += ms;
    }

  g_print ("# %-18s %6.1f ms per call in the sandbox (mean of %u)\n", name, total / RUNS, RUNS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *file = NULL;
  g_autofree char *args = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(DaPermissions) permissions = NULL;
  g_autoptr(DaPermissionBroker) broker = NULL;
  g_autoptr(DaSandboxRunner) runner = NULL;
  char *real;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("da-bench-tools-XXXXXX", &error);
  g_assert_no_error (error);
  real = realpath (dir, NULL);
  g_free (dir);
  dir = g_strdup (real);
  free (real);
  db = g_build_filename (dir, "history.db", NULL);
  file = g_build_filename (dir, "data.txt", NULL);
  g_file_set_contents (file, "some data\n", -1, &error);
  g_assert_no_error (error);

  store = da_store_new (db, &error);
  g_assert_no_error (error);
  permissions = da_permissions_new (dir);
  da_permissions_add_flag (permissions, "allow-read", dir, &error);
  g_assert_no_error (error);
  broker = da_permission_broker_new (store);
  da_permission_broker_set_permissions (broker, "bench", permissions);
  da_permission_broker_set_prompter (broker, answer_cb, NULL, NULL);

  g_print ("1..1\n");
  bench_broker (broker, "allowed by rule", file);
  bench_broker (broker, "asked, answered at once", "/elsewhere/data.txt");

  runner = da_sandbox_runner_new (NULL);
  args = g_strdup_printf ("{\"path\": \"%s\"}", file);
  bench_tool (permissions, runner, "read_file", args, file);
  bench_tool (permissions, runner, "run_shell_command", "{\"command\": \"true\"}", NULL);
  bench_tool (permissions, runner, "run_python", "{\"code\": \"pass\"}", NULL);
  g_print ("ok 1 /bench/tools\n");

  g_unlink (file);
  g_clear_object (&broker);
  g_clear_object (&store);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        g_unlink (child);
      }
    g_rmdir (dir);
  }
  return 0;
}
