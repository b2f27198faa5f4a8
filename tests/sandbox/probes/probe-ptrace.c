/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ptrace and process_vm_readv against a child, the parent and the host. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

/* On success, let go again at once: a stopped parent would hang the run. */
static void
attach (pid_t pid, const char *what)
{
  if (ptrace (PTRACE_ATTACH, pid, NULL, NULL) != 0)
    {
      BLOCKED ("%s (%s)", what, strerror (errno));
      return;
    }
  ESCAPED ("%s", what);
  waitpid (pid, NULL, __WALL);
  ptrace (PTRACE_DETACH, pid, NULL, NULL);
  kill (pid, SIGCONT);
}

int
main (int argc, char *argv[])
{
  pid_t child, host;
  char local[16], remote_buf[16] = "x";
  struct iovec l = { local, sizeof local }, r = { remote_buf, sizeof remote_buf };

  probe_usage (argc, 1, "probe-ptrace HOST_PID");
  host = (pid_t) atoi (argv[1]);

  child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  attach (child, "PTRACE_ATTACH child");
  if (ptrace (PTRACE_SEIZE, child, NULL, NULL) == 0)
    {
      ESCAPED ("PTRACE_SEIZE child");
      ptrace (PTRACE_DETACH, child, NULL, NULL);
    }
  else
    BLOCKED ("PTRACE_SEIZE child (%s)", strerror (errno));
  EXPECT_FAIL (process_vm_readv (child, &l, 1, &r, 1, 0), "process_vm_readv child");
  attach (getppid (), "PTRACE_ATTACH parent");
  attach (host, "PTRACE_ATTACH host process");
  EXPECT_FAIL (process_vm_readv (host, &l, 1, &r, 1, 0), "process_vm_readv host process");
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);

  child = fork ();
  if (child == 0)
    {
      if (ptrace (PTRACE_TRACEME, 0, NULL, NULL) == 0)
        _exit (10);
      _exit (11);
    }
  {
    int status = 0;

    waitpid (child, &status, 0);
    if (WIFEXITED (status) && WEXITSTATUS (status) == 10)
      ESCAPED ("PTRACE_TRACEME");
    else
      BLOCKED ("PTRACE_TRACEME");
  }
  return probe_done ();
}
