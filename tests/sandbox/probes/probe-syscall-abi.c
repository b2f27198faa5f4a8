/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Syscalls through the 32-bit entry point (int 0x80) and the x32 ABI,
 * which a filter written for x86-64 numbers would not see. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

static void
run (int which, const char *what)
{
  pid_t pid = fork ();
  int status = 0;

  if (pid == 0)
    {
      long r;

      if (which == 0)
        {
          /* i386 getpid is 20. */
          __asm__ volatile ("int $0x80" : "=a" (r) : "a" (20L) : "memory");
        }
      else
        {
          /* x32 getpid: __X32_SYSCALL_BIT | 39. */
          __asm__ volatile ("syscall" : "=a" (r) : "a" (0x40000000L | 39L) : "rcx", "r11", "memory");
        }
      _exit (r > 0 ? 10 : 11);
    }
  waitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 10)
    ESCAPED ("%s ran", what);
  else if (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS)
    BLOCKED ("%s: killed by the seccomp filter (SIGSYS)", what);
  else if (WIFSIGNALED (status))
    BLOCKED ("%s: killed by signal %d (the kernel offers no such entry point here)", what, WTERMSIG (status));
  else
    BLOCKED ("%s: refused", what);
}

int
main (void)
{
  run (0, "int 0x80 getpid");
  run (1, "x32 getpid");
  return probe_done ();
}
