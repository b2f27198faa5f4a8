/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "da-sandbox-error.h"
#include "da-sandbox-seccomp-rules.h"

/* The seccomp filter's rules.  Denied calls go to the supervisor through
 * a user notification (SCMP_ACT_NOTIFY): it writes a report line and
 * answers EPERM.  They are compiled to BPF at build time
 * (gen-sandbox-filters.c), not at each start: the helper only copies the
 * finished program (da-sandbox-seccomp.c).  Foreign architectures (i386 through int 0x80, x32) kill the
 * process; libseccomp's native x86-64 filter treats x32 numbers as a
 * foreign architecture. */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const denied_syscalls[] = {
  "ptrace", "process_vm_readv", "process_vm_writev",
  "io_uring_setup", "io_uring_enter", "io_uring_register",
  "keyctl", "add_key", "request_key",
  "bpf", "perf_event_open", "userfaultfd",
  "mount", "umount2", "pivot_root", "chroot",
  "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
  "mount_setattr",
  "unshare", "setns",
  "open_by_handle_at", "name_to_handle_at",
  "kexec_load", "kexec_file_load",
  "init_module", "finit_module", "delete_module",
  "acct", "swapon", "swapoff", "reboot", "quotactl", "quotactl_fd",
  "lookup_dcookie", "uselib", "vhangup", "syslog",
  "iopl", "ioperm", "pidfd_getfd", "fanotify_init",
  "process_madvise", "process_mrelease", "kcmp",
  "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
};

static const unsigned long namespace_flags[] = {
  CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
  CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME,
};

static gboolean
check (int          rc,
       const char  *what,
       GError     **error)
{
  if (rc == 0)
    return TRUE;
  g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
               "seccomp: %s: %s", what, g_strerror (-rc));
  return FALSE;
}

/* Socket families.  The family is an int, but seccomp compares all 64
 * bits: every test below errs on the side of refusing when the upper
 * bits are set (the kernel would look only at the lower ones). */
static gboolean
deny_families (scmp_filter_ctx   ctx,
               int               nr,
               gboolean          allow_unix,
               gboolean          allow_inet,
               GError          **error)
{
  if (!allow_unix && !allow_inet)
    return check (seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 0), "socket rule", error);

  if (!allow_inet)
    return check (seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 1,
                                    SCMP_A0 (SCMP_CMP_NE, AF_UNIX)), "socket rule", error);

  /* AF_UNIX (1), AF_INET (2) and AF_INET6 (10) only. */
  if (!check (seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 1,
                                SCMP_A0 (SCMP_CMP_GT, AF_INET6)), "socket rule", error) ||
      !check (seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 1,
                                SCMP_A0 (SCMP_CMP_EQ, AF_UNSPEC)), "socket rule", error))
    return FALSE;
  for (int family = AF_INET + 1; family < AF_INET6; family++)
    if (!check (seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 1,
                                  SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) family)), "socket rule", error))
      return FALSE;
  return TRUE;
}

/* Builds the filter with libseccomp and writes it as raw BPF to out_fd.
 * unix_sockets: socket(AF_UNIX) allowed; inet: TCP sockets allowed too
 * (for the proxy). */
gboolean
_da_sandbox_seccomp_export (gboolean   unix_sockets,
                            gboolean   inet,
                            int        out_fd,
                            GError   **error)
{
  scmp_filter_ctx fctx;
  gboolean ok = FALSE;

  fctx = seccomp_init (SCMP_ACT_ALLOW);
  if (fctx == NULL)
    {
      g_set_error_literal (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                           "seccomp: cannot create a filter");
      return FALSE;
    }

  if (!check (seccomp_attr_set (fctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), "badarch", error) ||
      !check (seccomp_attr_set (fctx, SCMP_FLTATR_CTL_NNP, 1), "nnp", error))
    goto out;

  for (guint i = 0; i < G_N_ELEMENTS (denied_syscalls); i++)
    {
      int nr = seccomp_syscall_resolve_name (denied_syscalls[i]);

      if (nr == __NR_SCMP_ERROR)
        continue;
      if (!check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, nr, 0), denied_syscalls[i], error))
        goto out;
    }

  /* clone3 passes its flags in memory seccomp cannot read: answer ENOSYS
   * so the C library falls back to clone, whose flags we can check. */
  if (!check (seccomp_rule_add (fctx, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (clone3), 0), "clone3", error))
    goto out;
  for (guint i = 0; i < G_N_ELEMENTS (namespace_flags); i++)
    if (!check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, SCMP_SYS (clone), 1,
                                  SCMP_A0 (SCMP_CMP_MASKED_EQ, namespace_flags[i], namespace_flags[i])),
                "clone", error))
      goto out;

  /* personality: only PER_LINUX (0), which changes nothing; libseccomp
   * cannot also let the 0xffffffff query through in the same rule. */
  if (!check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, SCMP_SYS (personality), 1,
                                SCMP_A0 (SCMP_CMP_NE, 0)), "personality", error))
    goto out;

  /* ioctl requests are unsigned int: compare the low 32 bits. */
  if (!check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, SCMP_SYS (ioctl), 1,
                                SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI)), "TIOCSTI", error) ||
      !check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, SCMP_SYS (ioctl), 1,
                                SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX)), "TIOCLINUX", error))
    goto out;

  if (!deny_families (fctx, SCMP_SYS (socket), unix_sockets, inet, error) ||
      !deny_families (fctx, SCMP_SYS (socketpair), TRUE, FALSE, error))
    goto out;

  if (inet)
    {
      /* Internet sockets only as TCP: the proxy speaks nothing else. */
      static const int types[] = { SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_DCCP, SOCK_PACKET };
      static const int families[] = { AF_INET, AF_INET6 };

      for (guint f = 0; f < G_N_ELEMENTS (families); f++)
        for (guint t = 0; t < G_N_ELEMENTS (types); t++)
          if (!check (seccomp_rule_add (fctx, SCMP_ACT_NOTIFY, SCMP_SYS (socket), 2,
                                        SCMP_A0 (SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t) families[f]),
                                        SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xfu, (scmp_datum_t) types[t])),
                      "socket type rule", error))
            goto out;
    }

  if (!check (seccomp_export_bpf (fctx, out_fd), "export", error))
    goto out;
  ok = TRUE;

out:
  seccomp_release (fctx);
  return ok;
}
