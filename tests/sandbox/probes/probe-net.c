/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Direct TCP and UDP to the host over IPv4 and IPv6, around any proxy.
 * The test runs TCP and UDP echo servers on PORT at 127.0.0.1 and ::1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

static void
attempt (int family, int type, const char *host, int port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  const char *proto = type == SOCK_STREAM ? "tcp" : "udp";
  char buf[64];
  int fd;

  if (family == AF_INET)
    {
      struct sockaddr_in *a = (struct sockaddr_in *) &ss;
      a->sin_family = AF_INET;
      a->sin_port = htons ((uint16_t) port);
      inet_pton (AF_INET, host, &a->sin_addr);
      len = sizeof *a;
    }
  else
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
      a->sin6_family = AF_INET6;
      a->sin6_port = htons ((uint16_t) port);
      inet_pton (AF_INET6, host, &a->sin6_addr);
      len = sizeof *a;
    }

  fd = socket (family, type, 0);
  if (fd < 0)
    {
      BLOCKED ("%s %s socket (%s)", proto, host, strerror (errno));
      return;
    }
  if (connect (fd, (struct sockaddr *) &ss, len) != 0)
    {
      BLOCKED ("%s connect %s:%d (%s)", proto, host, port, strerror (errno));
      close (fd);
      return;
    }
  if (type == SOCK_STREAM)
    ESCAPED ("tcp connect %s:%d", host, port);
  else
    {
      struct pollfd p = { fd, POLLIN, 0 };

      if (send (fd, "ping", 4, 0) == 4 && poll (&p, 1, 500) == 1 && recv (fd, buf, sizeof buf, 0) > 0)
        ESCAPED ("udp echo from %s:%d", host, port);
      else
        BLOCKED ("udp %s:%d got no answer (%s)", host, port, strerror (errno));
    }
  close (fd);
}

int
main (int argc, char *argv[])
{
  int port;

  probe_usage (argc, 1, "probe-net PORT");
  port = atoi (argv[1]);
  attempt (AF_INET, SOCK_STREAM, "127.0.0.1", port);
  attempt (AF_INET6, SOCK_STREAM, "::1", port);
  attempt (AF_INET, SOCK_DGRAM, "127.0.0.1", port);
  attempt (AF_INET6, SOCK_DGRAM, "::1", port);
  return probe_done ();
}
