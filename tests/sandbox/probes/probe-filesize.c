/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes one file up to 64 MiB; blocked when the file-size limit stops it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  static char block[1 << 20];
  char path[4096];
  long total = 0;
  int fd, err = 0;

  probe_usage (argc, 1, "probe-filesize DIR");
  signal (SIGXFSZ, SIG_IGN);
  snprintf (path, sizeof path, "%s/big-file", argv[1]);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    {
      fprintf (stderr, "open %s: %s\n", path, strerror (errno));
      return 2;
    }
  memset (block, 'x', sizeof block);
  while (total < 64L << 20)
    {
      ssize_t w = write (fd, block, sizeof block);

      if (w <= 0)
        {
          err = errno;
          break;
        }
      total += w;
    }
  close (fd);
  unlink (path);
  if (total < 64L << 20)
    BLOCKED ("writing stopped at %ld KiB (%s)", total >> 10, strerror (err));
  else
    ESCAPED ("wrote %ld MiB", total >> 20);
  return probe_done ();
}
