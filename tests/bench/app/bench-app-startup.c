/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cold start to first frame, and idle memory: runs the real denoagents
 * executable (DA_APP_BINARY) again and again under the same X server and
 * measures from just before exec to the first "after-paint" of its main
 * window's frame clock (the program prints that CLOCK_MONOTONIC time when
 * DA_BENCH_FIRST_FRAME is set), then reads its RSS two seconds later. The
 * history file and the page cache are warm after the first run: this is
 * process start-up, not a disk-cold boot. Prints figures; asserts nothing
 * about them.
 *
 * Each run also starts DA_BENCH_EMPTY_WINDOW, an empty libadwaita window
 * measured the same way: the part of the start-up that any GTK
 * application pays here (opening the display, which in GTK 4.8 on X11
 * also sets up GL; the theme; the first frame). */
#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

#define RUNS 10

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef struct
{
  double start_ms[RUNS];
  double cpu_ms[RUNS];
  double rss_mb[RUNS];
} Figures;

static void
run_once (const char *binary,
          Figures    *figures,
          guint       run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  gint64 t0, first_frame = 0, cpu_us = 0, rss_kb = 0;
  char *line;

  t0 = g_get_monotonic_time ();
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "first-frame-us "))
        first_frame = g_ascii_strtoll (line + 15, NULL, 10);
      else if (g_str_has_prefix (line, "first-frame-cpu-us "))
        cpu_us = g_ascii_strtoll (line + 19, NULL, 10);
      else if (g_str_has_prefix (line, "rss-kb "))
        rss_kb = g_ascii_strtoll (line + 7, NULL, 10);
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_frame, >, t0);
  g_assert_cmpint (rss_kb, >, 0);

  figures->start_ms[run] = (first_frame - t0) / 1000.0;
  figures->cpu_ms[run] = cpu_us / 1000.0;
  figures->rss_mb[run] = rss_kb / 1024.0;
}

static void
sort_figures (Figures *figures)
{
  qsort (figures->start_ms, RUNS, sizeof (double), compare_doubles);
  qsort (figures->cpu_ms, RUNS, sizeof (double), compare_doubles);
  qsort (figures->rss_mb, RUNS, sizeof (double), compare_doubles);
}

#define MEDIAN(a) (((a)[RUNS / 2 - 1] + (a)[RUNS / 2]) / 2)

int
main (int   argc,
      char *argv[])
{
  const char *binary = g_getenv ("DA_APP_BINARY");
  const char *empty = g_getenv ("DA_BENCH_EMPTY_WINDOW");
  Figures app = { 0 }, reference = { 0 };

  g_assert_nonnull (binary);
  g_setenv ("DA_BENCH_FIRST_FRAME", "1", TRUE);
  g_print ("1..1\n");
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      g_print ("# load average: %s", load);
  }

  /* Once each, unmeasured: the history file, the page cache and the
   * accessibility bus are warm for every measured run. */
  run_once (binary, &app, 0);
  if (empty != NULL)
    run_once (empty, &reference, 0);

  for (guint run = 0; run < RUNS; run++)
    {
      run_once (binary, &app, run);
      g_print ("# run %u: first frame after %.1f ms (CPU time %.1f ms), idle RSS %.1f MiB",
               run + 1, app.start_ms[run], app.cpu_ms[run], app.rss_mb[run]);
      if (empty != NULL)
        {
          run_once (empty, &reference, run);
          g_print ("; empty window %.1f ms (CPU time %.1f ms)", reference.start_ms[run], reference.cpu_ms[run]);
        }
      g_print ("\n");
    }

  sort_figures (&app);
  g_print ("# cold start to first frame: median %.1f ms, min %.1f ms, max %.1f ms (%d runs; goal < 300 ms)\n",
           MEDIAN (app.start_ms), app.start_ms[0], app.start_ms[RUNS - 1], RUNS);
  g_print ("# CPU time to first frame: median %.1f ms, min %.1f ms\n", MEDIAN (app.cpu_ms), app.cpu_ms[0]);
  g_print ("# idle memory (RSS 2 s after the first frame): median %.1f MiB, max %.1f MiB\n",
           MEDIAN (app.rss_mb), app.rss_mb[RUNS - 1]);
  if (empty != NULL)
    {
      sort_figures (&reference);
      g_print ("# an empty libadwaita window, the same way: median %.1f ms (min %.1f ms), CPU time median %.1f ms, "
               "RSS %.1f MiB\n", MEDIAN (reference.start_ms), reference.start_ms[0], MEDIAN (reference.cpu_ms),
               MEDIAN (reference.rss_mb));
    }
  g_print ("ok 1 /bench/app/startup\n");

  return 0;
}
