/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TIOCSTI and TIOCLINUX: typing into the user's terminal.  Only the
 * filter's answer (EPERM) counts as blocked: ENOTTY would mean the call
 * reached the kernel. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

static void
try (int fd, unsigned long request, const char *what)
{
  char c = 'x';
  long r = syscall (SYS_ioctl, fd, request, &c);

  if (r == 0)
    ESCAPED ("%s on fd %d", what, fd);
  else if (errno == EPERM || errno == ENOSYS)
    BLOCKED ("%s on fd %d (%s)", what, fd, strerror (errno));
  else
    ESCAPED ("%s on fd %d reached the kernel (%s)", what, fd, strerror (errno));
}

int
main (void)
{
  int tty = open ("/dev/tty", O_RDWR);

  for (int fd = 0; fd < 3; fd++)
    {
      try (fd, TIOCSTI, "TIOCSTI");
      try (fd, TIOCSTI | (1UL << 32), "TIOCSTI with high bits");
      try (fd, TIOCLINUX, "TIOCLINUX");
    }
  if (tty >= 0)
    try (tty, TIOCSTI, "TIOCSTI on /dev/tty");
  else
    BLOCKED ("open /dev/tty (%s)", strerror (errno));
  return probe_done ();
}
