/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "da-application.h"
#include "da-test-util.h"
#include "da-window.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

gboolean
da_test_wait_for (DaTestCondition condition,
                  gpointer        data,
                  guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return condition (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
da_test_wait_ms (guint ms)
{
  da_test_wait_for (never, NULL, ms);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  guint *frames = data;

  (*frames)++;

  return *frames < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
three_frames (gpointer data)
{
  return *(guint *) data >= 3;
}

/* Waits until the widget is mapped and a few frames have been drawn. */
void
da_test_wait_drawn (GtkWidget *widget)
{
  guint frames = 0;

  g_assert_true (da_test_wait_for ((DaTestCondition) gtk_widget_get_mapped, widget, 10000));
  gtk_widget_add_tick_callback (widget, tick_cb, &frames, NULL);
  gtk_widget_queue_draw (widget);
  g_assert_true (da_test_wait_for (three_frames, &frames, 10000));
}

char *
da_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  char *path;
  GskRenderer *renderer;
  int width, height;

  da_test_wait_drawn (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                          "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  return path;
}

GtkWidget *
da_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (css_class == NULL || gtk_widget_has_css_class (child, css_class)))
        return child;

      found = da_test_find_widget (child, type, css_class);
      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef void (*AppFunc) (DaApplication *app,
                         GtkWindow     *window);

void
da_test_quit_app (DaApplication *app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  da_test_wait_ms (20);
}

static void
run_app_test (gconstpointer data)
{
  AppFunc func = (AppFunc) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaApplication) app = NULL;
  GtkWindow *window;

  /* Each case is a fresh process, as a person starting the application
   * would have; the HOME, D-Bus session and keyring are shared, so a case
   * can also run the application twice to see what survives a restart. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* Screenshots show where a transition ends, not its middle. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = da_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  g_application_activate (G_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (DA_IS_WINDOW (window));
  da_test_wait_drawn (GTK_WIDGET (window));

  func (app, window);

  da_test_quit_app (app);
}

void
da_test_add_app_func (const char *path,
                      void      (*func) (DaApplication *app,
                                         GtkWindow     *window))
{
  g_test_add_data_func (path, (gconstpointer) func, run_app_test);
}

static GSubprocess *server;
static char *server_url;

/* The loopback OpenAI-compatible server (tests/support); the model named
 * in a request picks its behaviour. Returns its base URL. */
const char *
da_test_server_start (const char *required_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *path = g_getenv ("DA_OPENAI_TEST_SERVER");

  if (server_url != NULL)
    return server_url;

  g_assert_nonnull (path);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, path, required_key ? "--require-key" : NULL, required_key, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  server_url = g_strdup_printf ("http://127.0.0.1:%s/v1", g_strstrip (line));

  return server_url;
}

void
da_test_server_stop (void)
{
  if (server == NULL)
    return;

  /* The server exits when its stdin closes. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  g_clear_pointer (&server_url, g_free);
}
