/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads a file outside the policy, directly and by listing its folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  char buf[256];
  char dir[4096];
  int fd;
  DIR *d;

  probe_usage (argc, 1, "probe-read-outside SECRET");
  fd = open (argv[1], O_RDONLY);
  if (fd < 0)
    BLOCKED ("open %s (%s)", argv[1], strerror (errno));
  else if (read (fd, buf, sizeof buf) > 0)
    ESCAPED ("read %s", argv[1]);
  else
    BLOCKED ("read %s (%s)", argv[1], strerror (errno));

  snprintf (dir, sizeof dir, "%s", argv[1]);
  d = opendir (dirname (dir));
  if (d == NULL)
    BLOCKED ("list %s (%s)", dir, strerror (errno));
  else
    {
      ESCAPED ("list %s", dir);
      closedir (d);
    }
  EXPECT_FAIL (open ("/root", O_RDONLY | O_DIRECTORY), "open /root");
  EXPECT_FAIL (open ("/etc/shadow", O_RDONLY), "open /etc/shadow");
  return probe_done ();
}
