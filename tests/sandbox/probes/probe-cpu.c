/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Spins for up to 20 seconds of wall time.  Blocked when the CPU limit
 * ends it first (the process dies of SIGXCPU; the test checks that). */
#define _GNU_SOURCE
#include <time.h>

#include "probe.h"

int
main (void)
{
  struct timespec start, now;
  volatile unsigned long x = 0;

  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    {
      for (int i = 0; i < 10000000; i++)
        x += (unsigned long) i;
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec - start.tv_sec < 20);
  ESCAPED ("spun for 20 seconds (%lu)", x);
  return probe_done ();
}
