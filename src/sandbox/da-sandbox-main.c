/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* denoagents-sandbox --policy FILE [--report-fd N] -- COMMAND [ARG…]
 *
 * The monitor (this process) reads the policy, starts the sandbox, relays
 * the tool's output up to max_output_kb, enforces wall_seconds and exits
 * with the command's status.  125 means the sandbox could not be set up;
 * the reason is one line on stderr.
 *
 *   strict, moderate:  monitor → pid 1 (new user, mount, pid, net, ipc,
 *                      uts namespaces; fresh root; seccomp supervisor;
 *                      proxy bridge) → tool
 *   minimal:           monitor (seccomp supervisor, subreaper) → tool */

typedef struct
{
  DaSandboxContext  ctx;
  DaSandboxCgroup  *cgroup;
  pid_t             child;
  gboolean          child_done;
  int               child_status;
  int               out[2];          /* read ends of stdout / stderr pipes */
  guint64           output_left;
  gboolean          killed;
  int               listener;        /* minimal: seccomp notifications */
  DaSandboxAudit   *audit;           /* Landlock denials, or NULL */
  int               pid_recv;        /* the tool's pid arrives here, or -1 */
} Monitor;

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
die (const char *format,
     ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  _da_sandbox_report_error (msg);
  fprintf (stderr, "denoagents-sandbox: %s\n", msg);
  exit (DA_SANDBOX_EXIT_SETUP);
}

static gboolean
is_global_root (void)
{
  g_autofree char *map = NULL;
  guint64 inside, outside;
  char *end;

  if (geteuid () != 0 || getuid () != 0)
    return FALSE;
  if (!g_file_get_contents ("/proc/self/uid_map", &map, NULL, NULL))
    return TRUE;
  inside = g_ascii_strtoull (map, &end, 10);
  outside = g_ascii_strtoull (end, NULL, 10);
  return inside == 0 && outside == 0;
}

/* RLIMIT_NPROC counts every task of the real uid; in minimal the limit
 * is what the user already runs plus max_processes.  The kernel makes
 * up each status file on reading (tens of microseconds each): one
 * openat and read per process, into the stack, keeps this to that. */
static guint64
count_user_tasks (uid_t uid)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  int proc_fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && proc_fd >= 0 && (name = g_dir_read_name (dir)) != NULL)
    {
      char path[64];
      char status[8192];
      const char *u, *t;
      ssize_t len;
      int fd;

      if (!g_ascii_isdigit (name[0]))
        continue;
      g_snprintf (path, sizeof path, "%s/status", name);
      fd = openat (proc_fd, path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      /* One read gives the whole file (a seq_file fills the buffer);
       * Uid and Threads come in its first two kilobytes. */
      do
        len = read (fd, status, sizeof status - 1);
      while (len < 0 && errno == EINTR);
      close (fd);
      if (len <= 0)
        continue;
      status[len] = '\0';

      u = strstr (status, "\nUid:\t");
      t = strstr (status, "\nThreads:\t");
      if (u == NULL || t == NULL || g_ascii_strtoull (u + 6, NULL, 10) != uid)
        continue;
      total += g_ascii_strtoull (t + 10, NULL, 10);
    }
  if (proc_fd >= 0)
    close (proc_fd);
  return total;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void
write_all (int         fd,
           const char *buf,
           gsize       len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      buf += w;
      len -= (gsize) w;
    }
}

static void
reap (Monitor *m)
{
  int status;
  pid_t pid;

  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    {
      if (pid == m->child)
        {
          m->child_done = TRUE;
          m->child_status = status;
        }
      if (!m->ctx.namespaces)
        _da_sandbox_report_child_status (status);
    }
}

/* Kills everything in the sandbox.  With namespaces, killing pid 1 ends
 * the pid namespace; in minimal the monitor is a subreaper, so every
 * descendant is our child or becomes one when its parent dies. */
static void
kill_all (Monitor *m)
{
  if (m->cgroup != NULL)
    _da_sandbox_cgroup_kill (m->cgroup);

  if (m->ctx.namespaces)
    {
      if (!m->child_done)
        kill (m->child, SIGKILL);
      return;
    }

  for (guint round = 0; round < 10000; round++)
    {
      g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
      g_autofree char *self = g_strdup_printf (" %d ", (int) getpid ());
      const char *name;

      if (!m->child_done)
        kill (m->child, SIGKILL);
      kill (-m->child, SIGKILL);

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autofree char *stat = NULL;
          const char *close_paren;

          if (!g_ascii_isdigit (name[0]))
            continue;
          path = g_strdup_printf ("/proc/%s/stat", name);
          if (!g_file_get_contents (path, &stat, NULL, NULL) ||
              (close_paren = strrchr (stat, ')')) == NULL)
            continue;
          /* "pid (comm) S ppid …" */
          if (strlen (close_paren) > 3 && g_str_has_prefix (close_paren + 3, self))
            kill ((pid_t) g_ascii_strtoll (name, NULL, 10), SIGKILL);
        }

      reap (m);
      if (waitpid (-1, NULL, WNOHANG) < 0 && errno == ECHILD)
        return;
      g_usleep (1000);
    }
}

static gint64
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
relay (Monitor *m,
       int      which)
{
  char buf[65536];
  ssize_t r = read (m->out[which], buf, sizeof buf);

  if (r < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (r <= 0)
    {
      close (m->out[which]);
      m->out[which] = -1;
      return;
    }

  if ((guint64) r > m->output_left)
    {
      write_all (which == 0 ? 1 : 2, buf, (gsize) m->output_left);
      m->output_left = 0;
      if (!m->killed)
        {
          _da_sandbox_report_limit ("max_output_kb");
          m->killed = TRUE;
          kill_all (m);
        }
      for (int i = 0; i < 2; i++)
        if (m->out[i] >= 0)
          {
            close (m->out[i]);
            m->out[i] = -1;
          }
      return;
    }
  m->output_left -= (guint64) r;
  write_all (which == 0 ? 1 : 2, buf, (gsize) r);
}

static int
run_monitor (Monitor *m,
             int      sfd)
{
  gint64 deadline = now_ms () + (gint64) m->ctx.policy->wall_seconds * 1000;
  int exit_signal = 0;

  while (!m->child_done || m->out[0] >= 0 || m->out[1] >= 0)
    {
      struct pollfd fds[6];
      int idx_out[2] = { -1, -1 }, idx_notify = -1, idx_audit = -1, n = 0;
      int timeout = -1;
      gint64 now = now_ms ();

      if (!m->killed)
        timeout = (int) MIN (MAX (deadline - now, 0), G_MAXINT);

      fds[n++] = (struct pollfd) { sfd, POLLIN, 0 };
      for (int i = 0; i < 2; i++)
        if (m->out[i] >= 0)
          {
            idx_out[i] = n;
            fds[n++] = (struct pollfd) { m->out[i], POLLIN, 0 };
          }
      if (m->listener >= 0 || m->ctx.notify_recv >= 0)
        {
          idx_notify = n;
          fds[n++] = (struct pollfd) { m->listener >= 0 ? m->listener : m->ctx.notify_recv, POLLIN, 0 };
        }

      if (m->audit != NULL && _da_sandbox_audit_fd (m->audit) >= 0)
        {
          idx_audit = n;
          fds[n++] = (struct pollfd) { _da_sandbox_audit_fd (m->audit), POLLIN, 0 };
        }

      if (poll (fds, (nfds_t) n, timeout) < 0 && errno != EINTR)
        break;

      if (idx_audit >= 0 && fds[idx_audit].revents != 0)
        _da_sandbox_audit_read (m->audit);

      if (!m->killed && now_ms () >= deadline)
        {
          _da_sandbox_report_limit ("wall_seconds");
          m->killed = TRUE;
          kill_all (m);
        }

      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;

          while (read (sfd, &si, sizeof si) == sizeof si)
            if (si.ssi_signo != SIGCHLD && !m->killed)
              {
                exit_signal = (int) si.ssi_signo;
                m->killed = TRUE;
                kill_all (m);
              }
          reap (m);
          if (m->child_done && !m->ctx.namespaces)
            kill_all (m);
        }

      for (int i = 0; i < 2; i++)
        if (idx_out[i] >= 0 && fds[idx_out[i]].revents != 0 && m->out[i] >= 0)
          relay (m, i);

      if (idx_notify >= 0 && fds[idx_notify].revents != 0)
        {
          if (m->listener < 0)
            {
              m->listener = _da_sandbox_recv_fd (m->ctx.notify_recv);
              close (m->ctx.notify_recv);
              m->ctx.notify_recv = -1;
            }
          else if ((fds[idx_notify].revents & POLLIN) == 0 || !_da_sandbox_seccomp_handle (m->listener))
            {
              close (m->listener);
              m->listener = -2;
            }
        }
    }

  if (!m->child_done)
    {
      kill_all (m);
      waitpid (m->child, &m->child_status, 0);
    }
  if (m->audit != NULL)
    _da_sandbox_audit_finish (m->audit);
  if (m->cgroup != NULL && _da_sandbox_cgroup_hit_max (m->cgroup))
    _da_sandbox_report_limit ("max_processes");
  if (m->cgroup != NULL && _da_sandbox_cgroup_oom_killed (m->cgroup))
    _da_sandbox_report_limit ("memory_mb");

  if (exit_signal != 0)
    return 128 + exit_signal;
  if (WIFEXITED (m->child_status))
    return WEXITSTATUS (m->child_status);
  if (WIFSIGNALED (m->child_status))
    return 128 + WTERMSIG (m->child_status);
  return DA_SANDBOX_EXIT_SETUP;
}

/* The tool's pid as the monitor sees it: the kernel translates the
 * sender's credentials into the receiver's pid namespace. */
static pid_t
receive_tool_pid (int fd)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  union {
    char buf[CMSG_SPACE (sizeof (struct ucred))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  if (recvmsg (fd, &msg, MSG_DONTWAIT) != 1)
    return 0;
  for (cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_CREDENTIALS &&
        cmsg->cmsg_len == CMSG_LEN (sizeof (struct ucred)))
      {
        struct ucred cred;

        memcpy (&cred, CMSG_DATA (cmsg), sizeof cred);
        return cred.pid;
      }
  return 0;
}

G_GNUC_NORETURN static void
fail_started (Monitor    *m,
              const char *message)
{
  kill (m->child, SIGKILL);
  waitpid (m->child, NULL, 0);
  die ("%s", message);
}

static void
usage (void)
{
  fprintf (stderr, "usage: denoagents-sandbox --policy FILE [--report-fd N] -- COMMAND [ARG…]\n");
  exit (DA_SANDBOX_EXIT_SETUP);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) policy = NULL;
  g_autofree char *policy_data = NULL;
  g_autofree char *setup_msg = NULL;
  g_autofree char *audit_reason = NULL;
  const char *policy_path = NULL;
  Monitor m = { 0 };
  DaSandboxContext *ctx = &m.ctx;
  int report_fd = -1;
  int cmd = -1;
  int err_pipe[2], out_pipe[2], errout_pipe[2], notify[2], bpf_pipe[2];
  int pid_pair[2] = { -1, -1 };
  int cgroup_pipe[2];
  gsize policy_len = 0;
  sigset_t mask;
  GString *msg;
  char buf[512];
  ssize_t r;
  int sfd, code;
  gboolean global_root;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        {
          cmd = i + 1;
          break;
        }
      else if (strcmp (argv[i], "--policy") == 0 && i + 1 < argc)
        policy_path = argv[++i];
      else if (strcmp (argv[i], "--report-fd") == 0 && i + 1 < argc)
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (argv[++i], 10, 3, 1023, &v, NULL) ||
              fcntl ((int) v, F_GETFD) < 0)
            die ("--report-fd: not an open descriptor above 2: %s", argv[i]);
          report_fd = (int) v;
        }
      else
        usage ();
    }
  if (policy_path == NULL || cmd < 0 || cmd >= argc)
    usage ();

  _da_sandbox_report_set_fd (report_fd);
  fcntl (report_fd, F_SETFD, FD_CLOEXEC);

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    die ("cannot set the parent-death signal: %s", g_strerror (errno));

  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0 && open ("/dev/null", O_RDWR) != fd)
      die ("cannot open /dev/null for descriptor %d", fd);

  if (!g_file_get_contents (policy_path, &policy_data, &policy_len, &error))
    die ("%s", error->message);
  policy = _da_sandbox_policy_parse (policy_data, policy_len, &error);
  if (policy == NULL)
    die ("%s", error->message);

  /* Nothing the caller leaked reaches the sandbox. */
  if (report_fd > 3)
    syscall (SYS_close_range, 3u, (unsigned) report_fd - 1, 0u);
  _da_sandbox_close_fds_from (MAX (report_fd + 1, 3));

  ctx->policy = policy;
  ctx->argv = &argv[cmd];
  ctx->uid = getuid ();
  ctx->gid = getgid ();
  ctx->report_fd = report_fd;
  ctx->proxy_fd = -1;
  ctx->go_fd = -1;
  ctx->namespaces = policy->isolation != DA_SANDBOX_ISOLATION_MINIMAL;
  ctx->landlock_abi = _da_sandbox_landlock_abi ();
  ctx->pid_fd = -1;
  m.listener = -1;
  m.pid_recv = -1;
  m.output_left = policy->max_output_kb * 1024;

  if (!ctx->namespaces && ctx->landlock_abi < 1)
    die ("isolation minimal needs Landlock, which this kernel does not offer");

  global_root = is_global_root ();
  if (global_root && !ctx->namespaces)
    {
      m.cgroup = _da_sandbox_cgroup_new (policy->max_processes, policy->memory_mb, &error);
      if (m.cgroup == NULL)
        die ("%s", error->message);
      ctx->memory_cgroup = _da_sandbox_cgroup_has_memory (m.cgroup);
    }
  else if (!global_root && !ctx->namespaces)
    ctx->nproc_base = count_user_tasks (ctx->uid);

  /* Landlock denials reach only the audit log; reading it takes
   * CAP_AUDIT_READ, and is done only with a report descriptor to say
   * what was denied on.  The tool asks for its denials to be logged and,
   * with namespaces, sends its pid (to tell its domain's records from
   * others'); the monitor joins the log while the sandbox starts. */
  if (report_fd < 0)
    ; /* nowhere to report them: not read */
  else if (!global_root)
    audit_reason = g_strdup ("reading the audit log needs root");
  else if (ctx->landlock_abi < 7)
    audit_reason = g_strdup_printf ("Landlock ABI %d logs no denials (7 does)", ctx->landlock_abi);
  else
    ctx->landlock_log = TRUE;
  if (ctx->landlock_log && ctx->namespaces)
    {
      int one = 1;

      if (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pid_pair) != 0 ||
          setsockopt (pid_pair[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0)
        die ("socketpair: %s", g_strerror (errno));
      m.pid_recv = pid_pair[0];
      ctx->pid_fd = pid_pair[1];
    }

  if (!ctx->namespaces && policy->fs_temp)
    {
      ctx->temp_dir = g_dir_make_tmp ("denoagents-sandbox-XXXXXX", &error);
      if (ctx->temp_dir == NULL)
        die ("%s", error->message);
    }
  ctx->envp = _da_sandbox_build_env (policy, ctx->namespaces ? NULL : ctx->temp_dir);

  if (pipe2 (err_pipe, O_CLOEXEC) != 0 || pipe2 (cgroup_pipe, O_CLOEXEC) != 0 ||
      pipe2 (out_pipe, O_CLOEXEC) != 0 || pipe2 (errout_pipe, O_CLOEXEC) != 0 ||
      pipe2 (bpf_pipe, O_CLOEXEC) != 0 ||
      socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, notify) != 0)
    die ("pipe: %s", g_strerror (errno));
  ctx->error_fd = err_pipe[1];
  /* pid 1 forks the tool once the monitor has put it in the cgroups. */
  ctx->cgroup_fd = ctx->namespaces && global_root ? cgroup_pipe[0] : -1;
  ctx->stdout_fd = out_pipe[1];
  ctx->stderr_fd = errout_pipe[1];
  ctx->notify_send = notify[0];
  ctx->notify_recv = notify[1];
  ctx->bpf_fd = bpf_pipe[0];
  m.out[0] = out_pipe[0];
  m.out[1] = errout_pipe[0];

  _da_sandbox_report_start (ctx);

  signal (SIGPIPE, SIG_IGN);
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    die ("signalfd: %s", g_strerror (errno));

  if (ctx->namespaces)
    {
      m.child = (pid_t) syscall (SYS_clone,
                                 CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
                                 CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD,
                                 NULL, NULL, NULL, NULL);
      if (m.child < 0)
        die ("isolation %s needs user, mount, pid and network namespaces: %s",
             _da_sandbox_isolation_to_string (policy->isolation), g_strerror (errno));
      if (m.child == 0)
        {
          close (err_pipe[0]);
          close (cgroup_pipe[1]);
          close (out_pipe[0]);
          close (errout_pipe[0]);
          close (bpf_pipe[1]);
          close (sfd);
          if (m.pid_recv >= 0)
            close (m.pid_recv);
          _da_sandbox_init_main (ctx);
        }
    }
  else
    {
      if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        die ("cannot become a subreaper: %s", g_strerror (errno));
      m.child = fork ();
      if (m.child < 0)
        die ("fork: %s", g_strerror (errno));
      if (m.child == 0)
        {
          close (err_pipe[0]);
          close (cgroup_pipe[0]);
          close (cgroup_pipe[1]);
          close (out_pipe[0]);
          close (errout_pipe[0]);
          close (bpf_pipe[1]);
          close (sfd);
          if (m.pid_recv >= 0)
            close (m.pid_recv);
          _da_sandbox_child_exec (ctx);
        }
    }

  close (err_pipe[1]);
  close (cgroup_pipe[0]);
  close (out_pipe[1]);
  close (errout_pipe[1]);
  close (notify[0]);
  close (bpf_pipe[0]);
  if (pid_pair[1] >= 0)
    close (pid_pair[1]);
  ctx->pid_fd = -1;
  ctx->notify_send = -1;
  if (ctx->namespaces)
    {
      close (notify[1]);
      ctx->notify_recv = -1;
    }

  /* Everything below runs while pid 1 writes its own maps and sets up
   * its mounts.  Moving a process into a cgroup waits for an RCU grace
   * period, so pid 1 is moved as early as possible, and forks the tool
   * once the byte below says it was; the tool waits for the filter,
   * which is finished only once the audit log is joined. */
  if (ctx->namespaces && global_root &&
      ((m.cgroup = _da_sandbox_cgroup_new (policy->max_processes, policy->memory_mb, &error)) == NULL ||
       !_da_sandbox_cgroup_add (m.cgroup, m.child, &error)))
    fail_started (&m, error->message);
  if (!ctx->namespaces && m.cgroup != NULL && !_da_sandbox_cgroup_add (m.cgroup, m.child, &error))
    fail_started (&m, error->message);
  /* If pid 1 has already failed this write fails too; its reason comes
   * through the error pipe below. */
  if (ctx->cgroup_fd >= 0 && write (cgroup_pipe[1], "c", 1) != 1)
    g_debug ("cgroup: %s", g_strerror (errno));
  close (cgroup_pipe[1]);

  if (ctx->landlock_log)
    m.audit = _da_sandbox_audit_open (&audit_reason);
  if (m.audit != NULL)
    _da_sandbox_audit_query (m.audit);
  else if (report_fd >= 0)
    {
      g_autofree char *notice = g_strdup_printf ("landlock denials not observable: %s", audit_reason);

      _da_sandbox_report_notice (notice);
    }
  if (!_da_sandbox_seccomp_build (ctx, bpf_pipe[1], &error))
    fail_started (&m, error->message);
  ctx->memory_cgroup = _da_sandbox_cgroup_has_memory (m.cgroup);
  _da_sandbox_report_memory (m.cgroup != NULL ? _da_sandbox_cgroup_memory (m.cgroup)
                                              : "RLIMIT_AS and RLIMIT_DATA (no memory cgroup: not run by root)");
  /* The last byte after the filter: how memory_mb is enforced. */
  if (write (bpf_pipe[1], ctx->memory_cgroup ? "m" : "r", 1) != 1)
    g_debug ("filter: %s", g_strerror (errno));
  close (bpf_pipe[1]);

  /* Setup errors arrive as one code byte and a message; EOF means the
   * tool was executed. */
  msg = g_string_new (NULL);
  while ((r = read (err_pipe[0], buf, sizeof buf)) != 0)
    {
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        break;
      g_string_append_len (msg, buf, r);
    }
  close (err_pipe[0]);
  setup_msg = g_string_free (msg, FALSE);

  if (setup_msg[0] != '\0')
    {
      code = (guchar) setup_msg[0];
      m.killed = TRUE;
      kill_all (&m);
      if (!m.child_done)
        waitpid (m.child, NULL, 0);
      if (code == DA_SANDBOX_EXIT_SETUP)
        _da_sandbox_report_error (setup_msg + 1);
      fprintf (stderr, "denoagents-sandbox: %s\n", setup_msg + 1);
    }
  else
    {
      /* The tool sent its pid before it made its Landlock domain. */
      if (m.audit != NULL)
        _da_sandbox_audit_set_tool (m.audit, ctx->namespaces ? receive_tool_pid (m.pid_recv) : m.child);
      code = run_monitor (&m, sfd);
    }

  if (m.listener >= 0)
    close (m.listener);
  for (int i = 0; i < 2; i++)
    if (m.out[i] >= 0)
      close (m.out[i]);
  if (ctx->notify_recv >= 0)
    close (ctx->notify_recv);
  close (sfd);
  _da_sandbox_cgroup_free (m.cgroup);
  _da_sandbox_audit_free (m.audit);
  if (m.pid_recv >= 0)
    close (m.pid_recv);
  if (ctx->temp_dir != NULL)
    {
      nftw (ctx->temp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
      g_free (ctx->temp_dir);
    }
  g_strfreev (ctx->envp);

  return code;
}
