/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the loopback test servers live: listen on 127.0.0.1, print the port
 * on stdout (the tests read it), serve until stdin closes (the test that
 * started us is gone) or SIGTERM/SIGINT arrives. */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "da-test-server-loop.h"

static gboolean
on_stdin_cb (gint         fd,
             GIOCondition condition,
             gpointer     user_data)
{
  char buf[256];
  gssize n = read (fd, buf, sizeof buf);

  if (n <= 0)
    {
      g_main_loop_quit (user_data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/**
 * da_test_server_serve:
 * @port: the port to listen on, 0 for any free one
 * @keep_running: serve on after stdin closes
 *
 * Returns: the process's exit status: 0, or 1 when it cannot listen
 */
int
da_test_server_serve (SoupServer *server,
                      int         port,
                      gboolean    keep_running)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  guint stdin_id = 0, term_id, int_id;

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("cannot listen: %s\n", error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  g_print ("%d\n", g_uri_get_port (uris->data));
  fflush (stdout);

  if (!keep_running)
    stdin_id = g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin_cb, loop);
  term_id = g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  int_id = g_unix_signal_add (SIGINT, on_signal_cb, loop);
  g_main_loop_run (loop);

  g_clear_handle_id (&stdin_id, g_source_remove);
  g_clear_handle_id (&term_id, g_source_remove);
  g_clear_handle_id (&int_id, g_source_remove);
  return 0;
}
