/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mounting, unmounting and changing root. */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  probe_usage (argc, 1, "probe-mount WRITABLE_DIR");
  EXPECT_FAIL (mount ("tmpfs", argv[1], "tmpfs", 0, NULL), "mount tmpfs");
  EXPECT_FAIL (mount ("/", argv[1], NULL, MS_BIND | MS_REC, NULL), "bind mount /");
  EXPECT_FAIL (mount (NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL), "remount / read-write");
  EXPECT_FAIL (umount2 ("/proc", MNT_DETACH), "umount /proc");
  EXPECT_FAIL (umount2 ("/", MNT_DETACH), "umount /");
  EXPECT_FAIL (chroot (argv[1]), "chroot");
  EXPECT_FAIL (syscall (SYS_pivot_root, argv[1], argv[1]), "pivot_root");
  EXPECT_FAIL (syscall (430 /* fsopen */, "tmpfs", 0), "fsopen");
  EXPECT_FAIL (syscall (428 /* open_tree */, -100, "/", 1 /* OPEN_TREE_CLONE */), "open_tree");
  return probe_done ();
}
