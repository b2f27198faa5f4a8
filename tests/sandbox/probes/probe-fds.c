/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Descriptors inherited from outside beyond stdin, stdout, stderr. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int
main (void)
{
  int open_fds = 0;

  for (int fd = 3; fd < 4096; fd++)
    if (fcntl (fd, F_GETFD) >= 0)
      {
        char link[64], target[4096];
        ssize_t n;

        snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink (link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        ESCAPED ("descriptor %d is open (%s)", fd, target);
        open_fds++;
      }
  if (open_fds == 0)
    BLOCKED ("no descriptor above 2 is open");
  return probe_done ();
}
