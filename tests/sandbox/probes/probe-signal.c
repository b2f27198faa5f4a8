/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signals to processes outside the sandbox (signal 0: permission only). */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  probe_usage (argc, 1, "probe-signal HOST_PID");
  EXPECT_FAIL (kill ((pid_t) atoi (argv[1]), 0), "signal the host test process");
  EXPECT_FAIL (kill (getppid (), 0), "signal the parent");
  EXPECT_FAIL (kill (1, 0), "signal pid 1");
  return probe_done ();
}
