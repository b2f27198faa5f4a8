/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a set-user-ID copy of itself (owned by someone else) and checks
 * whether it came up with the owner's uid. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

int
main (int argc, char *argv[])
{
  struct stat st;
  int pipefd[2];
  pid_t pid;
  char buf[32] = { 0 };

  if (argc == 2 && strcmp (argv[1], "--print-euid") == 0)
    {
      printf ("%d\n", (int) geteuid ());
      return 0;
    }
  probe_usage (argc, 1, "probe-setuid SETUID_COPY");

  if (stat (argv[1], &st) != 0)
    {
      BLOCKED ("stat %s (%s)", argv[1], strerror (errno));
      return probe_done ();
    }
  if (!(st.st_mode & S_ISUID))
    {
      fprintf (stderr, "%s is not set-user-ID\n", argv[1]);
      return 2;
    }
  if (pipe (pipefd) != 0)
    return 2;
  pid = fork ();
  if (pid == 0)
    {
      dup2 (pipefd[1], 1);
      execl (argv[1], argv[1], "--print-euid", (char *) NULL);
      _exit (127);
    }
  close (pipefd[1]);
  if (read (pipefd[0], buf, sizeof buf - 1) < 0)
    buf[0] = '\0';
  waitpid (pid, NULL, 0);

  if (buf[0] == '\0')
    BLOCKED ("exec of %s failed", argv[1]);
  else if (atoi (buf) == (int) st.st_uid && st.st_uid != geteuid ())
    ESCAPED ("set-user-ID gave uid %d", atoi (buf));
  else
    BLOCKED ("set-user-ID ignored: still uid %d, owner %d", atoi (buf), (int) st.st_uid);
  return probe_done ();
}
