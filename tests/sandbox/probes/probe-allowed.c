/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Positive control: an allowed read and an allowed write work.
 * Exit 0 when both did. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  char buf[256] = { 0 }, path[4096];
  int fd;

  probe_usage (argc, 3, "probe-allowed READABLE EXPECTED WRITABLE_DIR");
  fd = open (argv[1], O_RDONLY);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) < 0 || strncmp (buf, argv[2], strlen (argv[2])) != 0)
    ESCAPED ("control failed: cannot read %s (%s)", argv[1], strerror (errno));
  else
    OK ("control: read %s", argv[1]);
  if (fd >= 0)
    close (fd);

  snprintf (path, sizeof path, "%s/written", argv[3]);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write (fd, "written", 7) != 7)
    ESCAPED ("control failed: cannot write %s (%s)", path, strerror (errno));
  else
    OK ("control: wrote %s", path);
  if (fd >= 0)
    close (fd);
  unlink (path);
  return probe_done ();
}
