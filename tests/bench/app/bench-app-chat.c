/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The chat view under load, in the real application window under Xvfb:
 *  - opening a stored 10,000-message conversation, from the request to the
 *    first frame painted after its newest messages arrived (the end of the
 *    conversation, what the window shows), and to the first frame after
 *    all of them are in;
 *  - scrolling it with GtkAdjustment steps, one per frame;
 *  - a reply streaming at 200 deltas per second.
 * Frame intervals come from the window's frame-clock "after-paint"
 * timestamps. Each frame's own work, from "before-paint" to "after-paint"
 * (events, tick callbacks, layout, drawing), is measured both in wall
 * time and in the main thread's CPU time: on a shared machine the wall
 * time includes waiting for a core, the CPU time is what the frame cost.
 * Prints figures; asserts nothing about them. */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "da-application.h"
#include "da-chat-session.h"
#include "da-chat-view.h"
#include "da-store.h"
#include "da-window.h"

#define N_MESSAGES 10000
#define SCROLL_FRAMES 120
#define STREAM_DELTAS 600

typedef struct
{
  GArray  *paints;     /* gint64 µs */
  GArray  *work;       /* double ms, wall time of each frame's work */
  GArray  *work_cpu;   /* double ms, CPU time of each frame's work */
  gint64   frame_start;
  gint64   frame_start_cpu;
  gboolean recording;
} Recorder;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Recorder      *rec)
{
  rec->frame_start = g_get_monotonic_time ();
  rec->frame_start_cpu = thread_cpu_us ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Recorder      *rec)
{
  gint64 now = g_get_monotonic_time ();

  if (rec->recording)
    {
      double wall = (now - rec->frame_start) / 1000.0;
      double cpu = (thread_cpu_us () - rec->frame_start_cpu) / 1000.0;

      g_array_append_val (rec->paints, now);
      if (rec->frame_start != 0)
        {
          g_array_append_val (rec->work, wall);
          g_array_append_val (rec->work_cpu, cpu);
        }
    }
}

static void
recorder_reset (Recorder *rec)
{
  g_array_set_size (rec->paints, 0);
  g_array_set_size (rec->work, 0);
  g_array_set_size (rec->work_cpu, 0);
}

/* CPU time of the whole process (all threads), in ms: the machine the
 * benchmarks run on may be shared, and wall time then says little. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static void
print_load (void)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("# load average: %s", load);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_work (const char *what,
            GArray     *ms,
            const char *kind)
{
  g_autoptr(GString) which = g_string_new (NULL);
  guint over = 0;

  if (ms->len == 0)
    return;
  /* Which frames (counted from the first recorded one) went over. */
  for (guint i = 0; i < ms->len; i++)
    if (g_array_index (ms, double, i) > 16.0 && over++ < 6)
      g_string_append_printf (which, "%s#%u %.1f ms", which->len ? ", " : " (", i,
                              g_array_index (ms, double, i));
  if (which->len > 0)
    g_string_append (which, over > 6 ? ", …)" : ")");
  g_array_sort (ms, compare_doubles);
  g_print ("# %s: frame work (%s) p50 %.1f ms, p99 %.1f ms, max %.1f ms; %u of %u frames over 16 ms%s\n",
           what, kind, g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.99))),
           g_array_index (ms, double, ms->len - 1), over, ms->len, which->str);
}

static void
print_intervals (const char *what,
                 GArray     *paints)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  double sum = 0;

  for (guint i = 1; i < paints->len; i++)
    {
      double d = (g_array_index (paints, gint64, i) - g_array_index (paints, gint64, i - 1)) / 1000.0;

      g_array_append_val (ms, d);
      sum += d;
    }
  if (ms->len == 0)
    {
      g_print ("# %s: no frames\n", what);
      return;
    }
  g_array_sort (ms, compare_doubles);
  g_print ("# %s: %u frames, interval mean %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           what, ms->len + 1, sum / ms->len,
           g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.99))),
           g_array_index (ms, double, ms->len - 1));
}

static void
iterate_until (gboolean (*cond) (gpointer), gpointer data)
{
  while (!cond (data))
    g_main_context_iteration (NULL, TRUE);
}

static gint64
populate (void)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (path, &error);
  gint64 id, t0 = g_get_monotonic_time ();

  g_assert_no_error (error);
  id = da_store_create_conversation (store, "Ten thousand messages", "Assistant", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(DaMessage) message = NULL;
      g_autofree char *text = NULL;

      if (i % 2 == 0)
        text = g_strdup_printf ("Question %u: what does step %u of the plan need?", i / 2, i % 97);
      else if (i % 40 == 1)
        text = g_strdup_printf ("Step %u needs this:\n\n```python\nfor n in range(%u):\n    print(n)\n```\n", i, i % 13);
      else
        text = g_strdup_printf ("Step **%u** needs three things:\n\n1. a *list* of items\n2. a count of %u\n"
                                "3. a check that the result is right.\n\nThen it is done.", i, i * 7 % 1000);
      message = da_message_new (i % 2 ? DA_ROLE_ASSISTANT : DA_ROLE_USER, i % 2 ? "Assistant" : "user", text);
      g_assert_true (da_store_add_message (store, id, message, &error));
    }
  da_store_flush (store);
  g_print ("# stored %d messages in %.1f s\n", N_MESSAGES, (g_get_monotonic_time () - t0) / 1e6);

  return id;
}

static gboolean
history_loaded (gpointer app)
{
  return da_application_get_history_loaded (app);
}

typedef struct
{
  DaChatSession *session;
  DaMessageList *list;
  gint64         latest_at;
  gint64         latest_painted_at;
  gint64         loaded_at;
  gint64         painted_at;
} Opening;

/* A frame shows the conversation once its rows are in the list. */
static void
open_paint_cb (GdkFrameClock *clock,
               Opening       *o)
{
  gint64 now = g_get_monotonic_time ();

  if (o->latest_painted_at == 0 && o->latest_at != 0 && da_message_list_get_n_rows (o->list) > 0)
    o->latest_painted_at = now;
  if (o->painted_at == 0 && o->loaded_at != 0 && da_message_list_get_n_rows (o->list) > 0)
    o->painted_at = now;
}

static void
latest_loaded_cb (DaChatSession *session,
                  GParamSpec    *pspec,
                  Opening       *o)
{
  o->latest_at = g_get_monotonic_time ();
}

static void
loaded_cb (DaChatSession *session,
           GParamSpec    *pspec,
           Opening       *o)
{
  o->loaded_at = g_get_monotonic_time ();
}

static gboolean
opened (gpointer data)
{
  return ((Opening *) data)->painted_at != 0;
}

typedef struct
{
  GtkAdjustment *adjustment;
  guint          frames;
} Scroller;

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  Scroller *s = data;
  double value = gtk_adjustment_get_value (s->adjustment);
  double step = gtk_adjustment_get_page_size (s->adjustment) / 3;

  gtk_adjustment_set_value (s->adjustment, MAX (0, value - step));
  s->frames++;

  return s->frames < SCROLL_FRAMES ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
scrolled (gpointer data)
{
  return ((Scroller *) data)->frames >= SCROLL_FRAMES;
}

typedef struct
{
  DaMessage *reply;
  guint      deltas;
  gint64     last;
  gint64     max_gap;
  gint64     started;
} Streamer;

/* Deltas are due every 5 ms from the start; a timer that fired late
 * appends all that are due, as a network read would hand over several
 * chunks at once. */
static gboolean
stream_cb (gpointer data)
{
  Streamer *s = data;
  gint64 now = g_get_monotonic_time ();
  guint due = MIN (STREAM_DELTAS, (guint) ((now - s->started) / 5000) + 1);
  static const char *words[] = { "The ", "plan ", "has ", "**three** ", "steps", ", ", "and ",
                                 "each ", "one ", "`counts`", ".\n\n", "- item ", "one\n" };

  if (s->last != 0)
    s->max_gap = MAX (s->max_gap, now - s->last);
  s->last = now;
  while (s->deltas < due)
    {
      da_message_append_text (s->reply, words[s->deltas % G_N_ELEMENTS (words)], -1);
      s->deltas++;
    }

  if (s->deltas < STREAM_DELTAS)
    return G_SOURCE_CONTINUE;

  da_message_set_state (s->reply, DA_MESSAGE_STATE_COMPLETE);
  return G_SOURCE_REMOVE;
}

static gboolean
streamed (gpointer data)
{
  return ((Streamer *) data)->deltas >= STREAM_DELTAS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DaApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaAgentSpec) spec = NULL;
  g_autoptr(DaChatSession) live = NULL;
  g_autoptr(DaMessage) question = NULL;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (gint64)),
                   g_array_new (FALSE, FALSE, sizeof (double)),
                   g_array_new (FALSE, FALSE, sizeof (double)), 0, 0, FALSE };
  Opening o = { 0 };
  Scroller scroller = { 0 };
  Streamer streamer = { 0 };
  GtkWindow *window;
  GdkFrameClock *clock;
  GtkWidget *list;
  gint64 id, t0;
  double c0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_print ("1..1\n");

  print_load ();
  id = g_getenv ("DA_BENCH_STREAM_ONLY") ? -1 : populate ();

  app = da_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gtk_window_set_default_size (window, 1000, 800);
  iterate_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, window);
  iterate_until (history_loaded, app);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &rec);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &rec);

  if (id < 0)
    goto stream;

  /* Opening */
  o.session = da_application_find_session (app, id);
  g_assert_nonnull (o.session);
  o.list = da_chat_view_get_message_list (da_window_get_chat_view (DA_WINDOW (window)));
  g_signal_connect (o.session, "notify::latest-loaded", G_CALLBACK (latest_loaded_cb), &o);
  g_signal_connect (o.session, "notify::loaded", G_CALLBACK (loaded_cb), &o);
  g_signal_connect (clock, "after-paint", G_CALLBACK (open_paint_cb), &o);
  t0 = g_get_monotonic_time ();
  c0 = cpu_ms ();
  da_window_show_session (DA_WINDOW (window), o.session);
  iterate_until (opened, &o);
  g_print ("# open a %d-message conversation: newest messages loaded after %.1f ms, first frame showing them "
           "after %.1f ms (goal < 200 ms); all loaded after %.1f ms, first frame after that %.1f ms; CPU time %.1f ms\n",
           N_MESSAGES, (o.latest_at - t0) / 1000.0, (o.latest_painted_at - t0) / 1000.0,
           (o.loaded_at - t0) / 1000.0, (o.painted_at - t0) / 1000.0, cpu_ms () - c0);
  g_print ("# rows in view: %u, rows bound so far: %u\n",
           da_message_list_get_n_rows (o.list), da_message_list_get_n_binds (o.list));
  g_signal_handlers_disconnect_by_func (clock, open_paint_cb, &o);

  /* Scrolling, from the end towards the start, a third of a page a frame */
  list = GTK_WIDGET (o.list);
  scroller.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  gtk_adjustment_set_value (scroller.adjustment, gtk_adjustment_get_upper (scroller.adjustment));
  rec.recording = TRUE;
  c0 = cpu_ms ();
  gtk_widget_add_tick_callback (list, scroll_tick_cb, &scroller, NULL);
  iterate_until (scrolled, &scroller);
  rec.recording = FALSE;
  g_print ("# scrolling: CPU time %.1f ms per frame; rows bound so far: %u\n",
           (cpu_ms () - c0) / SCROLL_FRAMES, da_message_list_get_n_binds (o.list));
  print_intervals ("scrolling 10,000 messages", rec.paints);
  print_work ("scrolling", rec.work, "wall");
  print_work ("scrolling", rec.work_cpu, "CPU");
  recorder_reset (&rec);

stream:
  /* Streaming at 200 deltas/s */
  spec = da_agent_spec_new ("Assistant");
  live = da_chat_session_new (NULL, spec);
  da_application_add_session (app, live);
  da_window_show_session (DA_WINDOW (window), live);
  question = da_message_new (DA_ROLE_USER, "user", "Stream a long answer");
  g_list_store_append (G_LIST_STORE (da_chat_session_get_messages (live)), question);
  streamer.reply = da_message_new_streaming ("Assistant");
  g_list_store_append (G_LIST_STORE (da_chat_session_get_messages (live)), streamer.reply);
  rec.recording = TRUE;
  streamer.started = g_get_monotonic_time ();
  c0 = cpu_ms ();
  g_timeout_add (5, stream_cb, &streamer);
  stream_cb (&streamer);
  iterate_until (streamed, &streamer);
  rec.recording = FALSE;
  g_print ("# streaming: %d deltas at %.0f deltas/s, longest main-loop gap between deltas %.1f ms\n",
           STREAM_DELTAS, STREAM_DELTAS / ((g_get_monotonic_time () - streamer.started) / 1e6),
           streamer.max_gap / 1000.0);
  g_print ("# streaming: CPU time %.2f ms per delta\n", (cpu_ms () - c0) / STREAM_DELTAS);
  print_intervals ("streaming at 200 deltas/s", rec.paints);
  print_work ("streaming", rec.work, "wall");
  print_work ("streaming", rec.work_cpu, "CPU");
  g_object_unref (streamer.reply);

  g_print ("ok 1 /bench/app/chat\n");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_array_unref (rec.paints);
  g_array_unref (rec.work);
  g_array_unref (rec.work_cpu);

  return 0;
}
