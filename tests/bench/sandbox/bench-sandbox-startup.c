/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up cost of denoagents-sandbox for /bin/true at each isolation
 * level, measured in the same run as bubblewrap with equivalent options.
 * Prints figures; asserts nothing. */
#include "config.h"

#include <sched.h>
#include <spawn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

extern char **environ;

#define ROUNDS 60

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Runs argv once; the time in ms, or a negative number if it failed. */
static double
run_once (const char *const *argv)
{
  gint64 start = g_get_monotonic_time ();
  pid_t pid;
  int status;

  if (posix_spawn (&pid, argv[0], NULL, NULL, (char *const *) argv, environ) != 0)
    return -1;
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return -1;
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

static void
report (const char *name,
        double     *ms)
{
  printf ("%-28s median %7.2f ms   p10 %7.2f ms   p90 %7.2f ms\n",
          name, ms[ROUNDS / 2], ms[ROUNDS / 10], ms[ROUNDS * 9 / 10]);
}

int
main (void)
{
  const char *sandbox = g_getenv ("DA_SANDBOX_PATH");
  g_autofree char *dir = g_dir_make_tmp ("da-sandbox-bench-XXXXXX", NULL);
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  static const char *const levels[] = { "strict", "moderate", "minimal" };
  double ours[3][ROUNDS], theirs[ROUNDS];
  gboolean ours_ok[3];
  gboolean theirs_ok = FALSE;
  char *policies[3];
  const char *bwrap_argv[] = {
    /* The same walls bubblewrap can build: all namespaces with a user
     * namespace, a fresh root with the same read-only binds, a private
     * /tmp, minimal /dev, fresh /proc, new session, no capabilities,
     * empty environment. */
    bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
    "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib",
    "--ro-bind", "/lib64", "/lib64", "--ro-bind", "/bin", "/bin",
    "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
    "--clearenv", "--cap-drop", "ALL", "/bin/true", NULL,
  };

  if (sandbox == NULL || dir == NULL)
    {
      fprintf (stderr, "DA_SANDBOX_PATH must name the helper\n");
      return 1;
    }

  /* DA_BENCH_REALTIME=1: this process and every contender run at
   * real-time priority (root only), so other jobs on a busy machine do
   * not decide the figures; the contenders are treated alike either way. */
  if (g_strcmp0 (g_getenv ("DA_BENCH_REALTIME"), "1") == 0)
    {
      struct sched_param sp = { .sched_priority = 1 };

      if (sched_setscheduler (0, SCHED_FIFO, &sp) != 0)
        printf ("real-time priority refused: %s\n", g_strerror (errno));
      else
        printf ("at real-time priority (SCHED_FIFO 1)\n");
    }

  printf ("sandbox start-up for /bin/true, %d runs each, uid %d\n", ROUNDS, (int) getuid ());

  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      g_autofree char *json = g_strdup_printf (
          "{\"isolation\":\"%s\",\"fs\":{\"read\":[\"/usr\",\"/lib\",\"/lib64\",\"/bin\"],\"temp\":true}}",
          levels[l]);

      policies[l] = g_strdup_printf ("%s/policy-%s.json", dir, levels[l]);
      g_file_set_contents (policies[l], json, -1, NULL);
      ours_ok[l] = TRUE;
    }
  theirs_ok = bwrap != NULL;

  /* Interleaved, so a busy moment on a shared machine costs every
   * contender alike. */
  for (int i = 0; i < ROUNDS; i++)
    {
      for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
        {
          const char *argv[] = { sandbox, "--policy", policies[l], "--", "/bin/true", NULL };

          ours[l][i] = run_once (argv);
          ours_ok[l] = ours_ok[l] && ours[l][i] >= 0;
        }
      if (theirs_ok)
        {
          theirs[i] = run_once (bwrap_argv);
          theirs_ok = theirs[i] >= 0;
        }
    }
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      qsort (ours[l], ROUNDS, sizeof (double), compare);
      unlink (policies[l]);
      g_free (policies[l]);
    }
  if (theirs_ok)
    qsort (theirs, ROUNDS, sizeof (double), compare);

  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      g_autofree char *name = g_strdup_printf ("denoagents-sandbox %s", levels[l]);

      if (ours_ok[l])
        report (name, ours[l]);
      else
        printf ("%-28s failed to run\n", name);
    }
  if (theirs_ok)
    report ("bwrap (equivalent)", theirs);
  else
    printf ("%-28s %s\n", "bwrap (equivalent)", bwrap ? "failed to run" : "not installed");

  if (ours_ok[0] && theirs_ok)
    printf ("strict median / bwrap median: %.2f\n", ours[0][ROUNDS / 2] / theirs[ROUNDS / 2]);

  rmdir (dir);
  return 0;
}
