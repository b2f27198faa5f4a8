/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connects to a unix socket outside: abstract (NAME) or path (/PATH). */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  socklen_t len;
  int fd;

  probe_usage (argc, 1, "probe-unix @ABSTRACT|/PATH");
  if (argv[1][0] == '@')
    {
      size_t n = strlen (argv[1] + 1);

      memcpy (addr.sun_path + 1, argv[1] + 1, n);
      len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + 1 + n);
    }
  else
    {
      snprintf (addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
      len = sizeof addr;
    }

  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0)
    {
      BLOCKED ("socket(AF_UNIX) (%s)", strerror (errno));
      return probe_done ();
    }
  if (connect (fd, (struct sockaddr *) &addr, len) == 0)
    {
      char buf[64] = { 0 };

      if (read (fd, buf, sizeof buf - 1) > 0)
        ESCAPED ("connected to %s, it said: %s", argv[1], buf);
      else
        ESCAPED ("connected to %s", argv[1]);
    }
  else
    BLOCKED ("connect %s (%s)", argv[1], strerror (errno));
  close (fd);
  return probe_done ();
}
