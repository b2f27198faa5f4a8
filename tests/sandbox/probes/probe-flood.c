/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes 16 MiB to stdout; the test checks how much came out. */
#define _GNU_SOURCE
#include <unistd.h>

#include "probe.h"

int
main (void)
{
  static char block[65536];

  memset (block, 'y', sizeof block);
  for (int i = 0; i < 256; i++)
    if (write (1, block, sizeof block) < 0)
      return 0;
  return 0;
}
