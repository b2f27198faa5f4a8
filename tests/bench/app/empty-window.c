/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor for the start-up benchmark: an empty libadwaita window (a
 * header bar and a status page, no icon) that reports its first frame the
 * way the application does under DA_BENCH_FIRST_FRAME, so that
 * bench-app-startup can show how much of the start-up is GTK's own (the
 * display, GL set-up, the theme) and how much the application's. */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <sys/resource.h>

static gboolean
settled_cb (gpointer user_data)
{
  g_autofree char *status = NULL;
  const char *rss;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (rss = strstr (status, "VmRSS:")) != NULL)
    g_print ("rss-kb %" G_GINT64_FORMAT "\n", g_ascii_strtoll (rss + 6, NULL, 10));
  g_application_quit (G_APPLICATION (user_data));

  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                GApplication  *app)
{
  struct rusage usage;

  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  getrusage (RUSAGE_SELF, &usage);
  g_print ("first-frame-cpu-us %" G_GINT64_FORMAT "\n",
           (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
           usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, app);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 2000, settled_cb, g_object_ref (app), g_object_unref);
}

static void
realize_cb (GtkWidget    *window,
            GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), app);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Empty");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.denoagents.BenchEmptyWindow",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
