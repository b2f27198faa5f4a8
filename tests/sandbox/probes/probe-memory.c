/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Allocates and touches memory up to 1 GiB; blocked when the limit stops
 * it first. */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "probe.h"

#define CHUNK (16UL << 20)
#define CAP   (1024UL << 20)

int
main (void)
{
  unsigned long total = 0;

  while (total < CAP)
    {
      void *p = mmap (NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

      if (p == MAP_FAILED)
        break;
      memset (p, 1, CHUNK);
      total += CHUNK;
    }
  if (total < CAP)
    BLOCKED ("allocation stopped at %lu MiB", total >> 20);
  else
    ESCAPED ("allocated %lu MiB", total >> 20);
  return probe_done ();
}
