/* SPDX-License-Identifier: GPL-3.0-or-later */
/* io_uring: a way around seccomp for file and socket operations. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

int
main (void)
{
  unsigned char params[120] = { 0 };   /* struct io_uring_params */

  EXPECT_FAIL (syscall (425 /* io_uring_setup */, 8, params), "io_uring_setup");
  EXPECT_FAIL (syscall (426 /* io_uring_enter */, 0, 0, 0, 0, NULL, 0), "io_uring_enter");
  EXPECT_FAIL (syscall (427 /* io_uring_register */, 0, 0, NULL, 0), "io_uring_register");
  return probe_done ();
}
