/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* Landlock, at the highest ABI the kernel offers: the second wall in
 * strict/moderate (behind the fresh root) and the only file wall in
 * minimal.  Debian 12's uapi header stops at ABI 1, so the later
 * structures and flags are defined here. */

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule       445
#define SYS_landlock_restrict_self  446
#endif

struct da_landlock_ruleset_attr
{
  __u64 handled_access_fs;
  __u64 handled_access_net;   /* ABI 4 */
  __u64 scoped;               /* ABI 6 */
};

struct da_landlock_path_beneath_attr
{
  __u64 allowed_access;
  __s32 parent_fd;
} __attribute__ ((packed));

struct da_landlock_net_port_attr
{
  __u64 allowed_access;
  __u64 port;
};

#define DA_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define DA_LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)   /* ABI 7 */
#define DA_LANDLOCK_RULE_PATH_BENEATH      1
#define DA_LANDLOCK_RULE_NET_PORT          2

#define FS_EXECUTE     (1ULL << 0)
#define FS_WRITE_FILE  (1ULL << 1)
#define FS_READ_FILE   (1ULL << 2)
#define FS_READ_DIR    (1ULL << 3)
#define FS_REMOVE_DIR  (1ULL << 4)
#define FS_REMOVE_FILE (1ULL << 5)
#define FS_MAKE_CHAR   (1ULL << 6)
#define FS_MAKE_DIR    (1ULL << 7)
#define FS_MAKE_REG    (1ULL << 8)
#define FS_MAKE_SOCK   (1ULL << 9)
#define FS_MAKE_FIFO   (1ULL << 10)
#define FS_MAKE_BLOCK  (1ULL << 11)
#define FS_MAKE_SYM    (1ULL << 12)
#define FS_REFER       (1ULL << 13)   /* ABI 2 */
#define FS_TRUNCATE    (1ULL << 14)   /* ABI 3 */
#define FS_IOCTL_DEV   (1ULL << 15)   /* ABI 5 */

#define NET_BIND_TCP    (1ULL << 0)   /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1)

#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)   /* ABI 6 */
#define SCOPE_SIGNAL               (1ULL << 1)

#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
#define FS_READ_RIGHTS (FS_EXECUTE | FS_READ_FILE | FS_READ_DIR)
#define FS_WRITE_RIGHTS (FS_READ_RIGHTS | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | \
                         FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | \
                         FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)

int
_da_sandbox_landlock_abi (void)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, DA_LANDLOCK_CREATE_RULESET_VERSION);

  return abi < 0 ? 0 : (int) abi;
}

static __u64
handled_fs (int abi)
{
  __u64 h = (FS_MAKE_SYM << 1) - 1;

  if (abi >= 2)
    h |= FS_REFER;
  if (abi >= 3)
    h |= FS_TRUNCATE;
  if (abi >= 5)
    h |= FS_IOCTL_DEV;
  return h;
}

static gboolean
add_path (int          ruleset,
          const char  *path,
          __u64        access,
          __u64        handled,
          GError     **error)
{
  struct da_landlock_path_beneath_attr attr;
  struct stat st;
  int fd = open (path, O_PATH | O_CLOEXEC);
  int saved;

  if (fd < 0)
    {
      /* A path that does not exist grants nothing. */
      if (errno == ENOENT)
        return TRUE;
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "landlock: open %s: %s", path, g_strerror (errno));
      return FALSE;
    }

  if (fstat (fd, &st) == 0 && !S_ISDIR (st.st_mode))
    access &= FS_FILE_RIGHTS;
  attr.allowed_access = access & handled;
  attr.parent_fd = fd;

  if (syscall (SYS_landlock_add_rule, ruleset, DA_LANDLOCK_RULE_PATH_BENEATH, &attr, 0) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "landlock: rule for %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
_da_sandbox_landlock_apply (const DaSandboxContext  *ctx,
                            GError                 **error)
{
  static const char *const devices[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
  };
  const DaSandboxPolicy *policy = ctx->policy;
  struct da_landlock_ruleset_attr attr = { 0 };
  gsize attr_size = sizeof attr;
  int abi = ctx->landlock_abi;
  int ruleset;
  gboolean ok = TRUE;

  if (abi < 1)
    return TRUE;

  attr.handled_access_fs = handled_fs (abi);
  if (abi >= 4)
    attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
  if (abi >= 6)
    attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
  else
    attr_size = abi >= 4 ? G_STRUCT_OFFSET (struct da_landlock_ruleset_attr, scoped)
                         : G_STRUCT_OFFSET (struct da_landlock_ruleset_attr, handled_access_net);

  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, attr_size, 0);
  if (ruleset < 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "landlock: create ruleset: %s", g_strerror (errno));
      return FALSE;
    }

  for (guint i = 0; ok && policy->fs_read[i] != NULL; i++)
    ok = add_path (ruleset, policy->fs_read[i], FS_READ_RIGHTS, attr.handled_access_fs, error);
  for (guint i = 0; ok && policy->fs_write[i] != NULL; i++)
    ok = add_path (ruleset, policy->fs_write[i], FS_WRITE_RIGHTS, attr.handled_access_fs, error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (devices); i++)
    ok = add_path (ruleset, devices[i], FS_READ_FILE | FS_WRITE_FILE, attr.handled_access_fs, error);

  if (ok && ctx->namespaces)
    {
      /* The fresh /proc shows only the sandbox's own processes. */
      ok = add_path (ruleset, "/proc", FS_READ_FILE | FS_READ_DIR, attr.handled_access_fs, error);
      if (ok && policy->fs_temp)
        ok = add_path (ruleset, "/tmp", FS_WRITE_RIGHTS, attr.handled_access_fs, error);
    }
  else if (ok && ctx->temp_dir != NULL)
    ok = add_path (ruleset, ctx->temp_dir, FS_WRITE_RIGHTS, attr.handled_access_fs, error);

  if (ok && abi >= 4 && policy->net_proxy_socket != NULL)
    {
      struct da_landlock_net_port_attr port = {
        .allowed_access = NET_CONNECT_TCP,
        .port = policy->net_proxy_port,
      };

      if (syscall (SYS_landlock_add_rule, ruleset, DA_LANDLOCK_RULE_NET_PORT, &port, 0) != 0)
        {
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                       "landlock: proxy port rule: %s", g_strerror (errno));
          ok = FALSE;
        }
    }

  /* Denials after exec are logged only when asked for; the monitor
   * asks when it reads the audit log. */
  if (ok && syscall (SYS_landlock_restrict_self, ruleset,
                     ctx->landlock_log ? DA_LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "landlock: restrict self: %s", g_strerror (errno));
      ok = FALSE;
    }

  close (ruleset);
  return ok;
}
