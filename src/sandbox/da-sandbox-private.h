/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <glib.h>

#include "da-sandbox-policy-private.h"

G_BEGIN_DECLS

/* Exit statuses of the helper itself; everything else is the command's. */
#define DA_SANDBOX_EXIT_SETUP      125
#define DA_SANDBOX_EXIT_NOEXEC     126
#define DA_SANDBOX_EXIT_NOTFOUND   127

/* Descriptor numbers the sandboxed child keeps until exec. */
#define DA_SANDBOX_FD_ERROR        3
#define DA_SANDBOX_FD_NOTIFY       4
#define DA_SANDBOX_FD_BPF          5
#define DA_SANDBOX_FD_GO           6   /* strict, moderate: pid 1's go-ahead */

typedef struct _DaSandboxCgroup DaSandboxCgroup;

typedef struct
{
  DaSandboxPolicy  *policy;
  char            **argv;          /* the command */
  char            **envp;          /* built from env.allow / env.set */
  uid_t             uid;
  gid_t             gid;
  int               landlock_abi;  /* 0: the kernel has no Landlock */
  gboolean          namespaces;    /* strict and moderate */
  int               report_fd;     /* -1: no reports */
  int               error_fd;      /* write end of the setup-error pipe */
  int               cgroup_fd;     /* pid 1: read end, a byte once it is in the cgroups, or -1 */
  int               go_fd;         /* tool: read end of pid 1's go-ahead, or -1 */
  int               notify_send;   /* socket the child sends its listener on */
  int               notify_recv;   /* … and the supervisor receives it on */
  int               bpf_fd;        /* read end: the seccomp filter, raw */
  int               stdout_fd;     /* write ends of the output pipes */
  int               stderr_fd;
  int               proxy_fd;      /* O_PATH of net.proxy_socket, or -1 */
  char             *temp_dir;      /* minimal + fs.temp: host directory */
  guint64           nproc_base;    /* tasks the uid already has (minimal) */
  gboolean          memory_cgroup; /* memory_mb is a cgroup limit, not rlimits */
  gboolean          landlock_log;  /* the monitor reads Landlock's audit records */
  int               pid_fd;        /* the tool sends its pid (SO_PASSCRED) here, or -1 */
} DaSandboxContext;

/* report */
void      _da_sandbox_report_set_fd   (int fd);
void      _da_sandbox_report_seccomp  (const char *syscall_name,
                                       int         pid);
void      _da_sandbox_report_limit    (const char *limit);
void      _da_sandbox_report_start    (const DaSandboxContext *ctx);
void      _da_sandbox_report_error    (const char *message);
void      _da_sandbox_report_memory   (const char *enforced_by);
void      _da_sandbox_report_notice   (const char *message);
void      _da_sandbox_report_landlock (const char *access,
                                       const char *path,
                                       gint64      port);

/* Landlock denials from the audit log (root, ABI >= 7, audit enabled) */
typedef struct _DaSandboxAudit DaSandboxAudit;
DaSandboxAudit *_da_sandbox_audit_open (char           **reason);
void      _da_sandbox_audit_query     (DaSandboxAudit *audit);
int       _da_sandbox_audit_fd        (DaSandboxAudit *audit);
void      _da_sandbox_audit_set_tool  (DaSandboxAudit *audit,
                                       pid_t           pid);
void      _da_sandbox_audit_read      (DaSandboxAudit *audit);
void      _da_sandbox_audit_finish    (DaSandboxAudit *audit);
void      _da_sandbox_audit_free      (DaSandboxAudit *audit);

/* limits: rlimits, environment, descriptors, capabilities */
char    **_da_sandbox_build_env       (const DaSandboxPolicy *policy,
                                       const char            *temp_dir);
gboolean  _da_sandbox_apply_rlimits   (const DaSandboxPolicy *policy,
                                       guint64                nproc_base,
                                       gboolean               memory_cgroup,
                                       GError               **error);
gboolean  _da_sandbox_drop_privileges (GError               **error);
void      _da_sandbox_close_fds_from  (int                    lowest);

/* landlock */
int       _da_sandbox_landlock_abi    (void);
gboolean  _da_sandbox_landlock_apply  (const DaSandboxContext *ctx,
                                       GError                **error);

/* seccomp */
gboolean  _da_sandbox_seccomp_build   (const DaSandboxContext *ctx,
                                       int                     out_fd,
                                       GError                **error);
gboolean  _da_sandbox_seccomp_load    (int                     in_fd,
                                       int                    *listener,
                                       gboolean               *memory_cgroup,
                                       GError                **error);
gboolean  _da_sandbox_seccomp_handle  (int                     listener);

/* namespaces and the fresh root (strict, moderate) */
gboolean  _da_sandbox_write_id_maps   (uid_t                   uid,
                                       gid_t                   gid,
                                       GError                **error);
gboolean  _da_sandbox_setup_root      (DaSandboxContext       *ctx,
                                       GError                **error);
gboolean  _da_sandbox_detach_old_root (GError                **error);
gboolean  _da_sandbox_loopback_up     (GError                **error);

/* proxy bridge (moderate), run inside the pid-1 supervisor */
typedef struct _DaSandboxBridge DaSandboxBridge;
DaSandboxBridge *_da_sandbox_bridge_new     (int        proxy_fd,
                                             guint16    port,
                                             guint      max_connections,
                                             GError   **error);
int       _da_sandbox_bridge_add_pollfds    (DaSandboxBridge *bridge,
                                             struct pollfd   *fds,
                                             int              max);
void      _da_sandbox_bridge_dispatch       (DaSandboxBridge *bridge,
                                             struct pollfd   *fds,
                                             int              n);
void      _da_sandbox_bridge_free           (DaSandboxBridge *bridge);

/* supervisor: pid 1 inside the namespaces */
int       _da_sandbox_recv_fd         (int                     sock);
gboolean  _da_sandbox_send_fd         (int                     sock,
                                       int                     fd);
void      _da_sandbox_child_exec      (DaSandboxContext       *ctx) G_GNUC_NORETURN;
void      _da_sandbox_child_fail      (int                     code,
                                       const char             *message) G_GNUC_NORETURN;
void      _da_sandbox_init_main       (DaSandboxContext       *ctx) G_GNUC_NORETURN;
void      _da_sandbox_report_child_status (int status);

/* cgroup (pids and memory controllers), used when the caller is root */
DaSandboxCgroup *_da_sandbox_cgroup_new      (guint64          max_processes,
                                              guint64          memory_mb,
                                              GError         **error);
gboolean  _da_sandbox_cgroup_has_memory      (DaSandboxCgroup *cgroup);
const char *_da_sandbox_cgroup_memory        (DaSandboxCgroup *cgroup);
gboolean  _da_sandbox_cgroup_oom_killed      (DaSandboxCgroup *cgroup);
gboolean  _da_sandbox_cgroup_add             (DaSandboxCgroup *cgroup,
                                              pid_t            pid,
                                              GError         **error);
void      _da_sandbox_cgroup_kill            (DaSandboxCgroup *cgroup);
gboolean  _da_sandbox_cgroup_hit_max         (DaSandboxCgroup *cgroup);
void      _da_sandbox_cgroup_free            (DaSandboxCgroup *cgroup);

G_END_DECLS
