/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads outside through a symlink made in a writable folder. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  char link_path[4096], buf[256];
  int fd;

  probe_usage (argc, 2, "probe-symlink SECRET WRITABLE_DIR");
  snprintf (link_path, sizeof link_path, "%s/symlink-probe", argv[2]);
  unlink (link_path);
  if (symlink (argv[1], link_path) != 0)
    {
      printf ("note: symlink failed (%s)\n", strerror (errno));
      return probe_done ();
    }
  fd = open (link_path, O_RDONLY);
  if (fd >= 0 && read (fd, buf, sizeof buf) > 0)
    ESCAPED ("read %s through %s", argv[1], link_path);
  else
    BLOCKED ("read through symlink (%s)", strerror (errno));
  if (fd >= 0)
    close (fd);

  /* A symlink to the root of the host. */
  unlink (link_path);
  if (symlink ("/proc/1/root", link_path) == 0)
    {
      char through[4200];

      snprintf (through, sizeof through, "%s%s", link_path, argv[1]);
      fd = open (through, O_RDONLY);
      if (fd >= 0 && read (fd, buf, sizeof buf) > 0)
        ESCAPED ("read %s through /proc/1/root", argv[1]);
      else
        BLOCKED ("read through /proc/1/root symlink (%s)", strerror (errno));
      if (fd >= 0)
        close (fd);
    }
  unlink (link_path);
  return probe_done ();
}
