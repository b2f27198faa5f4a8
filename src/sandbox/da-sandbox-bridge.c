/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* The proxy bridge of "moderate": pid 1 accepts on 127.0.0.1:PORT inside
 * the sandbox's network namespace and relays each connection to the
 * application's proxy on a unix socket outside.  The socket is reached
 * through an O_PATH descriptor opened before the host root went away. */

#define BUF_SIZE 16384

typedef struct
{
  int    fd[2];          /* 0: the tool's side, 1: the proxy's side */
  char   buf[2][BUF_SIZE];
  gsize  len[2];         /* bytes read from fd[i], waiting for fd[1 - i] */
  gsize  off[2];
  gboolean eof[2];
  gboolean shut[2];      /* fd[i] was shut down for writing */
  int    poll_idx[2];
} Conn;

struct _DaSandboxBridge
{
  int        listen_fd;
  int        proxy_fd;
  guint      max_connections;
  GPtrArray *conns;
  int        listen_idx;
};

static void
conn_free (Conn *c)
{
  close (c->fd[0]);
  close (c->fd[1]);
  g_free (c);
}

DaSandboxBridge *
_da_sandbox_bridge_new (int        proxy_fd,
                        guint16    port,
                        guint      max_connections,
                        GError   **error)
{
  struct sockaddr_in addr = { 0 };
  DaSandboxBridge *bridge;
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "bridge socket: %s", g_strerror (errno));
      return NULL;
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0 || listen (fd, 64) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "bridge listen on 127.0.0.1:%u: %s", port, g_strerror (errno));
      close (fd);
      return NULL;
    }

  bridge = g_new0 (DaSandboxBridge, 1);
  bridge->listen_fd = fd;
  bridge->proxy_fd = proxy_fd;
  bridge->max_connections = max_connections;
  bridge->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  return bridge;
}

static int
connect_proxy (DaSandboxBridge *bridge)
{
  struct sockaddr_un addr = { 0 };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  addr.sun_family = AF_UNIX;
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", bridge->proxy_fd);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0 ||
      fcntl (fd, F_SETFL, O_NONBLOCK) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static void
accept_one (DaSandboxBridge *bridge)
{
  Conn *c;
  int tool = accept4 (bridge->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  int proxy;

  if (tool < 0)
    return;
  proxy = connect_proxy (bridge);
  if (proxy < 0)
    {
      close (tool);
      return;
    }
  c = g_new0 (Conn, 1);
  c->fd[0] = tool;
  c->fd[1] = proxy;
  g_ptr_array_add (bridge->conns, c);
}

int
_da_sandbox_bridge_add_pollfds (DaSandboxBridge *bridge,
                                struct pollfd   *fds,
                                int              max)
{
  int n = 0;

  bridge->listen_idx = -1;
  if (bridge->conns->len < bridge->max_connections && n < max)
    {
      bridge->listen_idx = n;
      fds[n++] = (struct pollfd) { bridge->listen_fd, POLLIN, 0 };
    }

  for (guint i = 0; i < bridge->conns->len; i++)
    {
      Conn *c = g_ptr_array_index (bridge->conns, i);

      for (int s = 0; s < 2; s++)
        {
          short events = 0;

          if (!c->eof[s] && c->len[s] == 0)
            events |= POLLIN;
          if (c->len[1 - s] > c->off[1 - s])
            events |= POLLOUT;
          c->poll_idx[s] = -1;
          if (n < max)
            {
              c->poll_idx[s] = n;
              fds[n++] = (struct pollfd) { c->fd[s], events, 0 };
            }
        }
    }
  return n;
}

/* Moves data for one connection; FALSE when it is finished. */
static gboolean
conn_step (Conn          *c,
           struct pollfd *fds)
{
  for (int s = 0; s < 2; s++)
    {
      short rev = c->poll_idx[s] >= 0 ? fds[c->poll_idx[s]].revents : 0;

      if ((rev & (POLLIN | POLLHUP | POLLERR)) && !c->eof[s] && c->len[s] == 0)
        {
          ssize_t r = read (c->fd[s], c->buf[s], BUF_SIZE);

          if (r > 0)
            {
              c->len[s] = (gsize) r;
              c->off[s] = 0;
            }
          else if (r == 0 || (errno != EAGAIN && errno != EINTR))
            c->eof[s] = TRUE;
        }
    }

  for (int s = 0; s < 2; s++)
    {
      int to = c->fd[1 - s];

      if (c->len[s] > c->off[s])
        {
          ssize_t w = write (to, c->buf[s] + c->off[s], c->len[s] - c->off[s]);

          if (w > 0)
            c->off[s] += (gsize) w;
          else if (w < 0 && errno != EAGAIN && errno != EINTR)
            return FALSE;
          if (c->off[s] == c->len[s])
            c->len[s] = c->off[s] = 0;
        }
      if (c->eof[s] && c->len[s] == 0 && !c->shut[1 - s])
        {
          shutdown (to, SHUT_WR);
          c->shut[1 - s] = TRUE;
        }
    }

  return !(c->eof[0] && c->eof[1] && c->len[0] == 0 && c->len[1] == 0);
}

void
_da_sandbox_bridge_dispatch (DaSandboxBridge *bridge,
                             struct pollfd   *fds,
                             int              n)
{
  guint n_conns = bridge->conns->len;

  for (guint i = n_conns; i > 0; i--)
    {
      Conn *c = g_ptr_array_index (bridge->conns, i - 1);

      if (!conn_step (c, fds))
        g_ptr_array_remove_index_fast (bridge->conns, i - 1);
    }

  if (bridge->listen_idx >= 0 && bridge->listen_idx < n && (fds[bridge->listen_idx].revents & POLLIN))
    accept_one (bridge);
}

void
_da_sandbox_bridge_free (DaSandboxBridge *bridge)
{
  if (bridge == NULL)
    return;
  g_ptr_array_unref (bridge->conns);
  close (bridge->listen_fd);
  g_free (bridge);
}
