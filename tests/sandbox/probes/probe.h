/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escape probes: each tries one attack and prints what happened.
 * Exit 0: every attempt was blocked.  Exit 1: something got through.
 * Exit 2: the probe itself could not run. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int probe_escaped;

#define BLOCKED(...) do { printf ("blocked: "); printf (__VA_ARGS__); printf ("\n"); } while (0)
#define OK(...)      do { printf ("ok: "); printf (__VA_ARGS__); printf ("\n"); } while (0)
#define ESCAPED(...) do { probe_escaped = 1; printf ("ESCAPED: "); printf (__VA_ARGS__); printf ("\n"); } while (0)

/* For calls that return -1 on failure. */
#define EXPECT_FAIL(expr, what) do {                                    \
    errno = 0;                                                          \
    if ((long) (expr) < 0)                                              \
      BLOCKED ("%s (%s)", what, strerror (errno));                      \
    else                                                                \
      ESCAPED ("%s", what);                                             \
  } while (0)

static inline int
probe_done (void)
{
  fflush (stdout);
  return probe_escaped ? 1 : 0;
}

static inline void
probe_usage (int argc, int want, const char *usage)
{
  if (argc < want + 1)
    {
      fprintf (stderr, "usage: %s\n", usage);
      exit (2);
    }
}
