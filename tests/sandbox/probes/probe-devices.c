/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Device nodes beyond null/zero/full/random/urandom, and mknod. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  static const char *const devices[] = {
    "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/mem", "/dev/kmem", "/dev/port",
    "/dev/kmsg", "/dev/console", "/dev/tty", "/dev/tty0", "/dev/ptmx", "/dev/net/tun",
    "/dev/fuse", "/dev/loop-control", "/dev/loop0", "/dev/dri/card0", "/dev/input/event0",
    "/dev/snd/controlC0", "/dev/kvm", "/dev/vhost-net", "/dev/cpu/0/msr",
  };
  char node[4096];
  int fd;

  probe_usage (argc, 1, "probe-devices WRITABLE_DIR");
  for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
    {
      fd = open (devices[i], O_RDONLY | O_NONBLOCK | O_NOCTTY);
      if (fd >= 0)
        {
          ESCAPED ("open %s", devices[i]);
          close (fd);
        }
      else
        BLOCKED ("open %s (%s)", devices[i], strerror (errno));
    }
  snprintf (node, sizeof node, "%s/mem-node", argv[1]);
  EXPECT_FAIL (mknod (node, S_IFCHR | 0600, makedev (1, 1)), "mknod /dev/mem twin");
  snprintf (node, sizeof node, "%s/disk-node", argv[1]);
  EXPECT_FAIL (mknod (node, S_IFBLK | 0600, makedev (253, 0)), "mknod block device");
  unlink (node);

  /* Positive control: the devices the sandbox does give work. */
  fd = open ("/dev/null", O_WRONLY);
  if (fd < 0 || write (fd, "x", 1) != 1)
    ESCAPED ("control failed: /dev/null unusable (%s)", strerror (errno));
  if (fd >= 0)
    close (fd);
  return probe_done ();
}
