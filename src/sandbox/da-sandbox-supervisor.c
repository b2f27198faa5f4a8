/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* The sandboxed child (everything between fork and exec) and pid 1 of
 * the namespaces, which reaps, answers seccomp notifications with EPERM
 * and reports them, and runs the proxy bridge. */

static int error_fd = -1;

void
_da_sandbox_child_fail (int         code,
                        const char *message)
{
  if (error_fd >= 0)
    {
      char buf[1024];
      ssize_t r;

      /* No allocation: this may run with the address space capped. */
      snprintf (buf, sizeof buf, "%c%s", (char) code, message);
      r = write (error_fd, buf, strlen (buf));
      (void) r;
    }
  _exit (code);
}

static void
child_check (gboolean  ok,
             GError   *error)
{
  if (!ok)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, error ? error->message : "setup failed");
}

gboolean
_da_sandbox_send_fd (int sock,
                     int fd)
{
  char byte = 'F';
  struct iovec iov = { &byte, 1 };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;

  memset (&u, 0, sizeof u);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));

  return sendmsg (sock, &msg, MSG_NOSIGNAL) == 1;
}

int
_da_sandbox_recv_fd (int sock)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  int fd = -1;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
    return -1;
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg != NULL && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
      cmsg->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  return fd;
}

static int
move_fd (int fd,
         int target)
{
  if (fd == target)
    return fcntl (fd, F_SETFD, 0) == 0 ? target : -1;
  return dup2 (fd, target);
}

/* Dies with the process that started us. The parent-death signal is
 * armed only from now on: if the parent was killed between our fork and
 * this call (a tool cancelled while the sandbox starts), nothing would
 * ever come. The parent still holds the read end of @parent_fd's pipe
 * while it lives, so a write end with no reader means it is gone. */
static void
die_with_parent (int parent_fd)
{
  struct pollfd p = { .fd = parent_fd, .events = 0 };

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot set the parent-death signal");
  if (poll (&p, 1, 0) < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
    _exit (DA_SANDBOX_EXIT_SETUP);
}

void
_da_sandbox_child_exec (DaSandboxContext *ctx)
{
  g_autoptr(GError) error = NULL;
  int fds[6];
  int listener = -1;
  int saved;
  sigset_t none;

  /* Our pid, for the monitor to tell our Landlock domain's audit
   * records from others'. */
  if (ctx->pid_fd >= 0)
    {
      G_GNUC_UNUSED ssize_t w = send (ctx->pid_fd, "p", 1, MSG_NOSIGNAL);
    }

  /* The monitor ignores SIGPIPE and blocks SIGCHLD; the tool gets the
   * defaults. */
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Park every descriptor we keep above the numbers they move to. */
  fds[0] = fcntl (ctx->error_fd, F_DUPFD_CLOEXEC, 64);
  fds[1] = fcntl (ctx->notify_send, F_DUPFD_CLOEXEC, 64);
  fds[2] = fcntl (ctx->stdout_fd, F_DUPFD_CLOEXEC, 64);
  fds[3] = fcntl (ctx->stderr_fd, F_DUPFD_CLOEXEC, 64);
  fds[4] = fcntl (ctx->bpf_fd, F_DUPFD_CLOEXEC, 64);
  fds[5] = ctx->go_fd >= 0 ? fcntl (ctx->go_fd, F_DUPFD_CLOEXEC, 64) : -1;
  error_fd = fds[0];
  if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 || fds[4] < 0 ||
      (ctx->go_fd >= 0 && fds[5] < 0))
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot move descriptors");

  die_with_parent (error_fd);
  if (setsid () < 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "setsid failed");

  if (isatty (0))
    {
      /* A terminal inside would be a way to type into the user's shell. */
      int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

      if (null_fd < 0 || dup2 (null_fd, 0) < 0)
        _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot replace the terminal on stdin");
      close (null_fd);
    }
  if (move_fd (fds[2], 1) < 0 || move_fd (fds[3], 2) < 0 ||
      move_fd (fds[0], DA_SANDBOX_FD_ERROR) < 0 || move_fd (fds[1], DA_SANDBOX_FD_NOTIFY) < 0 ||
      move_fd (fds[4], DA_SANDBOX_FD_BPF) < 0 ||
      (fds[5] >= 0 && move_fd (fds[5], DA_SANDBOX_FD_GO) < 0))
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot move descriptors");
  error_fd = DA_SANDBOX_FD_ERROR;
  fcntl (DA_SANDBOX_FD_ERROR, F_SETFD, FD_CLOEXEC);
  fcntl (DA_SANDBOX_FD_NOTIFY, F_SETFD, FD_CLOEXEC);
  fcntl (DA_SANDBOX_FD_BPF, F_SETFD, FD_CLOEXEC);
  if (fds[5] >= 0)
    fcntl (DA_SANDBOX_FD_GO, F_SETFD, FD_CLOEXEC);
  _da_sandbox_close_fds_from (fds[5] >= 0 ? DA_SANDBOX_FD_GO + 1 : DA_SANDBOX_FD_BPF + 1);

  /* Nothing here looks up a path until pid 1 has dropped the host's
   * root (strict, moderate): privileges and seccomp first. */
  child_check (_da_sandbox_drop_privileges (&error), error);
  child_check (_da_sandbox_seccomp_load (DA_SANDBOX_FD_BPF, &listener, &ctx->memory_cgroup, &error), error);
  close (DA_SANDBOX_FD_BPF);

  if (!_da_sandbox_send_fd (DA_SANDBOX_FD_NOTIFY, listener))
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot hand the seccomp listener to the supervisor");
  close (listener);
  close (DA_SANDBOX_FD_NOTIFY);

  if (fds[5] >= 0)
    {
      char go;

      /* EOF: pid 1 failed, and its reason is on the error pipe. */
      if (read (DA_SANDBOX_FD_GO, &go, 1) != 1)
        _exit (DA_SANDBOX_EXIT_SETUP);
      close (DA_SANDBOX_FD_GO);
    }

  if (ctx->policy->cwd != NULL)
    {
      if (chdir (ctx->policy->cwd) != 0)
        {
          g_autofree char *msg = g_strdup_printf ("cwd %s: %s", ctx->policy->cwd, g_strerror (errno));
          _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, msg);
        }
    }
  else if (ctx->namespaces && chdir ("/") != 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot enter /");

  child_check (_da_sandbox_landlock_apply (ctx, &error), error);

  /* Limits last: once the address space is capped nothing here may
   * allocate (a sanitizer's allocator could not map memory any more). */
  child_check (_da_sandbox_apply_rlimits (ctx->policy, ctx->nproc_base, ctx->memory_cgroup, &error), error);

  environ = ctx->envp;
  execvp (ctx->argv[0], ctx->argv);
  saved = errno;
  {
    char msg[512];

    snprintf (msg, sizeof msg, "%s: %s", ctx->argv[0], strerror (saved));
    _da_sandbox_child_fail (saved == ENOENT ? DA_SANDBOX_EXIT_NOTFOUND : DA_SANDBOX_EXIT_NOEXEC, msg);
  }
}

void
_da_sandbox_report_child_status (int status)
{
  if (!WIFSIGNALED (status))
    return;
  if (WTERMSIG (status) == SIGXCPU)
    _da_sandbox_report_limit ("cpu_seconds");
  else if (WTERMSIG (status) == SIGXFSZ)
    _da_sandbox_report_limit ("max_file_mb");
}

static int
status_to_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return DA_SANDBOX_EXIT_SETUP;
}

#define MAX_POLL 512

void
_da_sandbox_init_main (DaSandboxContext *ctx)
{
  g_autoptr(GError) error = NULL;
  DaSandboxBridge *bridge = NULL;
  sigset_t mask;
  int sfd, listener = -1;
  int go[2];
  pid_t child;

  error_fd = ctx->error_fd;

  die_with_parent (error_fd);
  child_check (_da_sandbox_write_id_maps (ctx->uid, ctx->gid, &error), error);

  /* Our memory holds the caller's environment: keep it from /proc. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (sethostname ("sandbox", 7) != 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "sethostname failed");

  if (ctx->policy->isolation == DA_SANDBOX_ISOLATION_MODERATE)
    child_check (_da_sandbox_loopback_up (&error), error);
  child_check (_da_sandbox_setup_root (ctx, &error), error);

  /* Blocked before the fork, so the tool's exit cannot be missed. */
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  sigprocmask (SIG_BLOCK, &mask, NULL);

  /* The tool starts in the cgroups (when there are any).  EOF means the
   * monitor is gone. */
  if (ctx->cgroup_fd >= 0)
    {
      char byte;

      if (read (ctx->cgroup_fd, &byte, 1) != 1)
        _exit (DA_SANDBOX_EXIT_SETUP);
      close (ctx->cgroup_fd);
    }

  if (pipe2 (go, O_CLOEXEC) != 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "pipe failed");
  child = fork ();
  if (child < 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "fork failed");
  if (child == 0)
    {
      close (go[1]);
      ctx->go_fd = go[0];
      _da_sandbox_child_exec (ctx);
    }
  close (go[0]);

  /* While the tool's process starts. */
  child_check (_da_sandbox_detach_old_root (&error), error);
  if (ctx->proxy_fd >= 0)
    {
      bridge = _da_sandbox_bridge_new (ctx->proxy_fd, ctx->policy->net_proxy_port,
                                       ctx->policy->net_max_connections, &error);
      child_check (bridge != NULL, error);
    }
  sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "signalfd failed");
  if (write (go[1], "g", 1) != 1)
    _da_sandbox_child_fail (DA_SANDBOX_EXIT_SETUP, "cannot start the tool");
  close (go[1]);

  close (ctx->error_fd);
  error_fd = -1;
  close (ctx->notify_send);
  close (ctx->bpf_fd);
  close (ctx->stdout_fd);
  close (ctx->stderr_fd);
  clearenv ();

  for (;;)
    {
      struct pollfd fds[MAX_POLL];
      int watch = listener >= 0 ? listener : ctx->notify_recv;
      int n = 0, first_bridge, notify_idx = -1;

      fds[n++] = (struct pollfd) { sfd, POLLIN, 0 };
      if (watch >= 0)
        {
          notify_idx = n;
          fds[n++] = (struct pollfd) { watch, POLLIN, 0 };
        }
      first_bridge = n;
      if (bridge != NULL)
        n += _da_sandbox_bridge_add_pollfds (bridge, fds + n, MAX_POLL - n);

      if (poll (fds, (nfds_t) n, -1) < 0 && errno != EINTR)
        _exit (DA_SANDBOX_EXIT_SETUP);

      if (notify_idx >= 0 && fds[notify_idx].revents != 0)
        {
          if (listener < 0)
            {
              listener = _da_sandbox_recv_fd (ctx->notify_recv);
              close (ctx->notify_recv);
              ctx->notify_recv = -1;
            }
          else if ((fds[notify_idx].revents & POLLIN) == 0 || !_da_sandbox_seccomp_handle (listener))
            {
              close (listener);
              listener = -1;
            }
        }

      if (bridge != NULL)
        _da_sandbox_bridge_dispatch (bridge, fds + first_bridge, n - first_bridge);

      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          int status;
          pid_t pid;

          while (read (sfd, &si, sizeof si) == sizeof si)
            ;
          while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
            {
              _da_sandbox_report_child_status (status);
              if (pid == child)
                _exit (status_to_code (status));
            }
        }
    }
}
