/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Looks for the caller's secrets through /proc: other processes'
 * environment, their root and cwd links, and the host's /proc/1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

static int
file_contains (const char *path, const char *needle)
{
  static char buf[1 << 16];
  ssize_t n, total = 0;
  int fd = open (path, O_RDONLY);

  if (fd < 0)
    return -1;
  while (total < (ssize_t) sizeof buf - 1 && (n = read (fd, buf + total, sizeof buf - 1 - total)) > 0)
    total += n;
  close (fd);
  for (ssize_t i = 0; i + (ssize_t) strlen (needle) <= total; i++)
    if (memcmp (buf + i, needle, strlen (needle)) == 0)
      return 1;
  return 0;
}

int
main (int argc, char *argv[])
{
  char path[4200];
  const char *pids[3];
  char ppid[32];

  probe_usage (argc, 3, "probe-proc MARKER HOST_PID SECRET");
  snprintf (ppid, sizeof ppid, "%d", (int) getppid ());
  pids[0] = "1";
  pids[1] = ppid;
  pids[2] = argv[2];

  for (int i = 0; i < 3; i++)
    {
      int r;

      snprintf (path, sizeof path, "/proc/%s/environ", pids[i]);
      r = file_contains (path, argv[1]);
      if (r == 1)
        ESCAPED ("secret in %s", path);
      else
        BLOCKED ("%s (%s)", path, r < 0 ? strerror (errno) : "no secret");

      snprintf (path, sizeof path, "/proc/%s/root%s", pids[i], argv[3]);
      r = file_contains (path, argv[1]);
      if (r == 1)
        ESCAPED ("secret file through %s", path);
      else
        BLOCKED ("%s (%s)", path, r < 0 ? strerror (errno) : "no secret");

      snprintf (path, sizeof path, "/proc/%s/cwd", pids[i]);
      {
        char target[4096];
        ssize_t n = readlink (path, target, sizeof target - 1);

        if (n >= 0 && i == 2)
          {
            target[n] = '\0';
            ESCAPED ("host process cwd %s", target);
          }
        else
          BLOCKED ("readlink %s", path);
      }
    }
  return probe_done ();
}
