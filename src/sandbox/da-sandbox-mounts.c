/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* User namespace maps and the fresh root.  The root is a tmpfs holding
 * only what the policy names: read-only binds for fs.read, read-write
 * binds for fs.write, a private /tmp for fs.temp, five device nodes, a
 * /proc of the new pid namespace.  Nothing else of the host is reachable
 * after pivot_root. */

#define BASE    "/tmp"
#define NEWROOT "/newroot"
#define OLDROOT "/oldroot"

static gboolean
fail_errno (GError     **error,
            const char  *what,
            const char  *path)
{
  int saved = errno;

  g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
               "%s %s: %s", what, path ? path : "", g_strerror (saved));
  return FALSE;
}

static gboolean
write_proc (const char  *name,
            const char  *value,
            GError     **error)
{
  g_autofree char *path = g_strconcat ("/proc/self/", name, NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (value);

  if (fd < 0)
    return fail_errno (error, "open", path);
  if (write (fd, value, len) != (ssize_t) len)
    {
      fail_errno (error, "write", path);
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Pid 1 writes its own maps: one id mapped to itself, which the kernel
 * allows the namespace's creator without privilege (and saves a round
 * trip to the monitor). */
gboolean
_da_sandbox_write_id_maps (uid_t    uid,
                           gid_t    gid,
                           GError **error)
{
  char umap[32], gmap[32];

  g_snprintf (umap, sizeof umap, "%u %u 1\n", uid, uid);
  g_snprintf (gmap, sizeof gmap, "%u %u 1\n", gid, gid);
  /* "deny" is required before an unprivileged gid_map and keeps
   * setgroups(2) out of the sandbox for root too. */
  return write_proc ("setgroups", "deny", error) &&
         write_proc ("uid_map", umap, error) &&
         write_proc ("gid_map", gmap, error);
}

static gboolean
mkdir_p (const char  *path,
         GError     **error)
{
  g_autofree char *copy = g_strdup (path);

  for (char *p = copy + 1; ; p++)
    {
      if (*p == '/' || *p == '\0')
        {
          char saved = *p;

          *p = '\0';
          if (mkdir (copy, 0755) != 0 && errno != EEXIST)
            return fail_errno (error, "mkdir", copy);
          *p = saved;
          if (saved == '\0')
            break;
        }
    }
  return TRUE;
}

/* Makes the mount point of a bind.  An existing entry of the right kind
 * is used as it is (it may sit in a bind that becomes read-only, or be a
 * host file that must not be opened for writing); only a missing one is
 * created. */
static gboolean
make_mountpoint (const char  *target,
                 gboolean     is_dir,
                 GError     **error)
{
  g_autofree char *parent = NULL;
  struct stat st;
  int fd;

  if (lstat (target, &st) == 0 && S_ISDIR (st.st_mode) == is_dir)
    return TRUE;
  if (is_dir)
    return mkdir_p (target, error);

  parent = g_path_get_dirname (target);
  if (!mkdir_p (parent, error))
    return FALSE;
  fd = open (target, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno != EEXIST)
    return fail_errno (error, "create", target);
  if (fd >= 0)
    close (fd);
  return TRUE;
}

/* A remount inside a user namespace must keep the flags the host mount
 * locked (noexec, ro, atime behaviour). */
static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long flags = 0;

  if (statvfs (path, &sv) != 0)
    return 0;
  if (sv.f_flag & ST_RDONLY)
    flags |= MS_RDONLY;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

typedef struct
{
  const char *path;
  gboolean    writable;
  gboolean    bound;
} Bind;

static int
compare_binds (const void *a,
               const void *b)
{
  const Bind *x = a, *y = b;
  int c = strcmp (x->path, y->path);

  /* The same path in fs.read and fs.write: the write bind goes last,
   * on top. */
  if (c == 0)
    return (x->writable > y->writable) - (x->writable < y->writable);
  return c;
}

static const char *
bind_target (const char *path)
{
  return strcmp (path, "/") == 0 ? "" : path;
}

/* First step of a bind: the mount point and a plain bind, still
 * writable, so binds nested in it can get their mount points. */
static gboolean
bind_path (Bind    *bind,
           GError **error)
{
  g_autofree char *source = g_strconcat (OLDROOT, bind->path, NULL);
  g_autofree char *target = g_strconcat (NEWROOT, bind_target (bind->path), NULL);
  struct stat st;

  if (stat (source, &st) != 0)
    {
      /* A path that does not exist grants nothing. */
      if (errno == ENOENT)
        return TRUE;
      return fail_errno (error, "stat", bind->path);
    }
  if (!make_mountpoint (target, S_ISDIR (st.st_mode), error))
    return FALSE;
  /* Not recursive: mounts below the path stay out of the sandbox
   * rather than come in writable. */
  if (mount (source, target, NULL, MS_BIND, NULL) != 0)
    return fail_errno (error, "bind", bind->path);
  bind->bound = TRUE;
  return TRUE;
}

/* Second step, once every bind is in place: read-only (fs.read),
 * nosuid and nodev.  A remount acts on the topmost mount at the path,
 * which is this bind's. */
static gboolean
seal_bind (const Bind  *bind,
           GError     **error)
{
  g_autofree char *target = g_strconcat (NEWROOT, bind_target (bind->path), NULL);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV;

  if (!bind->writable)
    flags |= MS_RDONLY;
  flags |= locked_flags (target);
  if (mount (NULL, target, NULL, flags, NULL) != 0)
    return fail_errno (error, "remount", bind->path);
  return TRUE;
}

/* Binds fs.read and fs.write in any nesting: parents before the paths
 * inside them, all mount points made before anything turns read-only,
 * so the more specific path decides (a read-write file in a read-only
 * folder, a read-only folder in a read-write one). */
static gboolean
bind_policy_paths (const DaSandboxPolicy  *policy,
                   GError                **error)
{
  guint n_read = g_strv_length (policy->fs_read);
  guint n_write = g_strv_length (policy->fs_write);
  guint n = 0;
  g_autofree Bind *binds = g_new0 (Bind, n_read + n_write);

  for (guint i = 0; i < n_read; i++)
    binds[n++] = (Bind) { policy->fs_read[i], FALSE, FALSE };
  for (guint i = 0; i < n_write; i++)
    binds[n++] = (Bind) { policy->fs_write[i], TRUE, FALSE };
  qsort (binds, n, sizeof (Bind), compare_binds);

  for (guint i = 0; i < n; i++)
    {
      /* A duplicate adds nothing; for the same path in both lists the
       * write bind (sorted last) is the one made. */
      if (i + 1 < n && strcmp (binds[i].path, binds[i + 1].path) == 0)
        continue;
      if (!bind_path (&binds[i], error))
        return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (binds[i].bound && !seal_bind (&binds[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
bind_device (const char  *name,
             GError     **error)
{
  g_autofree char *source = g_strconcat (OLDROOT "/dev/", name, NULL);
  g_autofree char *target = g_strconcat (NEWROOT "/dev/", name, NULL);

  if (!make_mountpoint (target, FALSE, error))
    return FALSE;
  if (mount (source, target, NULL, MS_BIND, NULL) != 0)
    return fail_errno (error, "bind", source);
  return TRUE;
}

static gboolean
readonly_self_bind (const char  *path,
                    GError     **error)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return fail_errno (error, "bind", path);
    }
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | locked_flags (path), NULL) != 0)
    return fail_errno (error, "remount", path);
  return TRUE;
}

gboolean
_da_sandbox_setup_root (DaSandboxContext  *ctx,
                        GError           **error)
{
  static const char *const devices[] = { "null", "zero", "full", "random", "urandom" };
  static const char *const proc_ro[] = {
    NEWROOT "/proc/sys", NEWROOT "/proc/sysrq-trigger", NEWROOT "/proc/irq",
    NEWROOT "/proc/bus", NEWROOT "/proc/fs",
  };
  const DaSandboxPolicy *policy = ctx->policy;
  g_autofree char *tmpfs_opts = NULL;

  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return fail_errno (error, "make / private", NULL);

  /* A scratch tmpfs becomes the root for a moment, with the host's root
   * under /oldroot, so binds can be made from any host path. */
  if (mount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
    return fail_errno (error, "mount tmpfs on", BASE);
  if (chdir (BASE) != 0)
    return fail_errno (error, "chdir", BASE);
  if (mkdir ("newroot", 0755) != 0 || mkdir ("oldroot", 0755) != 0)
    return fail_errno (error, "mkdir", BASE);
  if (syscall (SYS_pivot_root, BASE, BASE OLDROOT) != 0)
    return fail_errno (error, "pivot_root", BASE);
  if (chdir ("/") != 0)
    return fail_errno (error, "chdir", "/");

  if (mount ("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") != 0)
    return fail_errno (error, "mount tmpfs on", NEWROOT);

  if (ctx->proxy_fd < 0 && policy->net_proxy_socket != NULL)
    {
      g_autofree char *sock = g_strconcat (OLDROOT, policy->net_proxy_socket, NULL);

      ctx->proxy_fd = open (sock, O_PATH | O_CLOEXEC);
      if (ctx->proxy_fd < 0)
        return fail_errno (error, "open proxy socket", policy->net_proxy_socket);
    }

  /* The private /tmp first, so policy paths under /tmp are bound on top
   * of it rather than hidden by it. */
  if (policy->fs_temp)
    {
      tmpfs_opts = g_strdup_printf ("mode=0700,uid=%u,gid=%u,size=%" G_GUINT64_FORMAT "m",
                                    ctx->uid, ctx->gid, policy->max_file_mb);
      if (!mkdir_p (NEWROOT "/tmp", error))
        return FALSE;
      if (mount ("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_opts) != 0)
        return fail_errno (error, "mount tmpfs on", "/tmp");
    }

  if (!bind_policy_paths (policy, error))
    return FALSE;

  if (!mkdir_p (NEWROOT "/dev", error))
    return FALSE;
  if (mount ("tmpfs", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") != 0)
    return fail_errno (error, "mount tmpfs on", "/dev");
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    if (!bind_device (devices[i], error))
      return FALSE;
  if (symlink ("/proc/self/fd", NEWROOT "/dev/fd") != 0 ||
      symlink ("/proc/self/fd/0", NEWROOT "/dev/stdin") != 0 ||
      symlink ("/proc/self/fd/1", NEWROOT "/dev/stdout") != 0 ||
      symlink ("/proc/self/fd/2", NEWROOT "/dev/stderr") != 0)
    return fail_errno (error, "symlink in", "/dev");
  if (mount (NULL, NEWROOT "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) != 0)
    return fail_errno (error, "remount", "/dev");

  if (!mkdir_p (NEWROOT "/proc", error))
    return FALSE;
  if (mount ("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
    return fail_errno (error, "mount", "/proc");
  for (guint i = 0; i < G_N_ELEMENTS (proc_ro); i++)
    if (!readonly_self_bind (proc_ro[i], error))
      return FALSE;

  if (mount (NULL, NEWROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
    return fail_errno (error, "remount read-only", "/");

  /* Enter the new root.  The host's stays stacked on it until
   * _da_sandbox_detach_old_root(). */
  if (chdir (NEWROOT) != 0)
    return fail_errno (error, "chdir", NEWROOT);
  if (syscall (SYS_pivot_root, ".", ".") != 0)
    return fail_errno (error, "pivot_root", NEWROOT);

  return TRUE;
}

/* Drops the host's root for good.  A lazy unmount waits for an RCU grace
 * period, milliseconds on a busy machine, so pid 1 does it while the
 * tool's process starts; the tool does nothing that looks up a path
 * until pid 1 tells it this is done. */
gboolean
_da_sandbox_detach_old_root (GError **error)
{
  if (umount2 (".", MNT_DETACH) != 0)
    return fail_errno (error, "detach", "old root");
  if (chdir ("/") != 0)
    return fail_errno (error, "chdir", "/");
  return TRUE;
}

gboolean
_da_sandbox_loopback_up (GError **error)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return fail_errno (error, "socket", "lo");
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) != 0)
    {
      fail_errno (error, "SIOCGIFFLAGS", "lo");
      close (fd);
      return FALSE;
    }
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) != 0)
    {
      fail_errno (error, "SIOCSIFFLAGS", "lo");
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}
