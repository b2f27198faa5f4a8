/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pulls a file outside the policy into a writable folder by a hard link. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  char link_path[4096], buf[256];

  probe_usage (argc, 2, "probe-hardlink SECRET WRITABLE_DIR");
  snprintf (link_path, sizeof link_path, "%s/hardlink-probe", argv[2]);
  unlink (link_path);
  if (link (argv[1], link_path) != 0)
    BLOCKED ("link %s (%s)", argv[1], strerror (errno));
  else
    {
      int fd = open (link_path, O_RDONLY);

      ESCAPED ("linked %s into %s%s", argv[1], argv[2],
               fd >= 0 && read (fd, buf, sizeof buf) > 0 ? " and read it" : "");
      if (fd >= 0)
        close (fd);
      unlink (link_path);
    }
  EXPECT_FAIL (linkat (AT_FDCWD, argv[1], AT_FDCWD, link_path, AT_SYMLINK_FOLLOW), "linkat");
  unlink (link_path);
  return probe_done ();
}
