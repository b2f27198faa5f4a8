/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bounded fork bomb: at most 512 children, each waiting to be killed.
 * Blocked when fork fails before that. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#define CAP 512

int
main (void)
{
  static pid_t kids[CAP];
  int n = 0, err = 0;

  for (; n < CAP; n++)
    {
      pid_t pid = fork ();

      if (pid == 0)
        {
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          pause ();
          _exit (0);
        }
      if (pid < 0)
        {
          err = errno;
          break;
        }
      kids[n] = pid;
    }
  for (int i = 0; i < n; i++)
    kill (kids[i], SIGKILL);
  for (int i = 0; i < n; i++)
    waitpid (kids[i], NULL, 0);

  if (n < CAP)
    BLOCKED ("fork failed after %d children (%s)", n, strerror (err));
  else
    ESCAPED ("%d children started", n);
  return probe_done ();
}
