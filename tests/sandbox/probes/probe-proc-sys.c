/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writable kernel knobs under /proc. Only opens for writing; never writes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int
main (void)
{
  static const char *const knobs[] = {
    "/proc/sys/kernel/domainname", "/proc/sys/kernel/hostname",
    "/proc/sys/vm/drop_caches", "/proc/sys/kernel/core_pattern",
    "/proc/sysrq-trigger", "/proc/self/oom_score_adj", "/proc/self/attr/current",
    "/proc/self/setgroups", "/proc/self/uid_map",
  };

  for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
    {
      int fd = open (knobs[i], O_WRONLY);

      if (fd >= 0)
        {
          /* oom_score_adj can only go up without privilege: harmless. */
          if (strcmp (knobs[i], "/proc/self/oom_score_adj") == 0)
            BLOCKED ("%s is the process's own (allowed)", knobs[i]);
          else
            ESCAPED ("opened %s for writing", knobs[i]);
          close (fd);
        }
      else
        BLOCKED ("open %s for writing (%s)", knobs[i], strerror (errno));
    }
  return probe_done ();
}
