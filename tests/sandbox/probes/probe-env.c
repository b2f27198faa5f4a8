/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The environment holds only what the policy lets in:
 *   probe-env -absent NAME … -present NAME=VALUE … */
#define _GNU_SOURCE
#include "probe.h"

extern char **environ;

int
main (int argc, char *argv[])
{
  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "-absent") == 0)
        {
          if (getenv (argv[i + 1]) != NULL)
            ESCAPED ("%s is in the environment", argv[i + 1]);
          else
            BLOCKED ("%s is not in the environment", argv[i + 1]);
        }
      else
        {
          char *eq = strchr (argv[i + 1], '=');
          const char *v;

          if (eq == NULL)
            return 2;
          *eq = '\0';
          v = getenv (argv[i + 1]);
          if (v == NULL || strcmp (v, eq + 1) != 0)
            ESCAPED ("control failed: %s is %s, expected %s", argv[i + 1], v ? v : "unset", eq + 1);
          else
            OK ("control: %s=%s passed in", argv[i + 1], v);
        }
    }
  for (char **e = environ; *e; e++)
    if (strncmp (*e, "LD_", 3) == 0)
      ESCAPED ("%s", *e);
  return probe_done ();
}
