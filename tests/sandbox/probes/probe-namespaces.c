/* SPDX-License-Identifier: GPL-3.0-or-later */
/* New namespaces, nested user namespaces included, by unshare, clone,
 * clone3 and setns. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void
try_clone (unsigned long flags, const char *what)
{
  long pid = syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    BLOCKED ("clone %s (%s)", what, strerror (errno));
  else
    {
      ESCAPED ("clone %s", what);
      waitpid ((pid_t) pid, NULL, 0);
    }
}

static void
try_clone3 (unsigned long flags, const char *what)
{
  uint64_t args[11] = { 0 };   /* struct clone_args */
  long pid;

  args[0] = flags;
  args[4] = SIGCHLD;           /* exit_signal */
  pid = syscall (435 /* clone3 */, args, 88);
  if (pid == 0)
    _exit (0);
  if (pid < 0)
    BLOCKED ("clone3 %s (%s)", what, strerror (errno));
  else
    {
      ESCAPED ("clone3 %s", what);
      waitpid ((pid_t) pid, NULL, 0);
    }
}

int
main (void)
{
  static const struct { unsigned long flag; const char *name; } ns[] = {
    { CLONE_NEWUSER, "user" }, { CLONE_NEWNS, "mount" }, { CLONE_NEWNET, "net" },
    { CLONE_NEWPID, "pid" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" },
    { CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
  };
  int fd;

  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    {
      char what[64];

      snprintf (what, sizeof what, "unshare %s", ns[i].name);
      EXPECT_FAIL (unshare ((int) ns[i].flag), what);
      try_clone (ns[i].flag, ns[i].name);
      try_clone3 (ns[i].flag, ns[i].name);
    }
  /* A user namespace nested by a plain fork first. */
  if (fork () == 0)
    _exit (unshare (CLONE_NEWUSER) == 0 ? 10 : 11);
  {
    int status = 0;

    wait (&status);
    if (WIFEXITED (status) && WEXITSTATUS (status) == 10)
      ESCAPED ("nested user namespace from a child");
    else
      BLOCKED ("nested user namespace from a child");
  }

  fd = open ("/proc/self/ns/user", O_RDONLY);
  if (fd >= 0)
    EXPECT_FAIL (setns (fd, 0), "setns");
  else
    BLOCKED ("open /proc/self/ns/user (%s)", strerror (errno));
  return probe_done ();
}
