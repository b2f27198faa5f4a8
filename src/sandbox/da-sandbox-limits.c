/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* Environment, rlimits, descriptors and capabilities: the parts of the
 * sandbox every isolation level applies in the child just before exec. */

char **
_da_sandbox_build_env (const DaSandboxPolicy *policy,
                       const char            *temp_dir)
{
  g_auto(GStrv) env = g_new0 (char *, 1);

  for (guint i = 0; policy->env_allow[i] != NULL; i++)
    {
      const char *value = g_getenv (policy->env_allow[i]);

      if (value != NULL)
        env = g_environ_setenv (env, policy->env_allow[i], value, TRUE);
    }

  for (guint i = 0; policy->env_set[i] != NULL; i++)
    {
      const char *eq = strchr (policy->env_set[i], '=');
      g_autofree char *name = g_strndup (policy->env_set[i], (gsize) (eq - policy->env_set[i]));

      env = g_environ_setenv (env, name, eq + 1, TRUE);
    }

  if (policy->fs_temp)
    env = g_environ_setenv (env, "TMPDIR", temp_dir ? temp_dir : "/tmp", TRUE);

  if (policy->net_proxy_socket != NULL)
    {
      static const char *const names[] = { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" };
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", policy->net_proxy_port);

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        env = g_environ_setenv (env, names[i], url, TRUE);
    }

  if (g_environ_getenv (env, "PATH") == NULL)
    env = g_environ_setenv (env, "PATH", "/usr/local/bin:/usr/bin:/bin", TRUE);

  /* The parser already refuses LD_* names; this is the second check. */
  for (guint i = 0; env[i] != NULL; )
    {
      if (g_str_has_prefix (env[i], "LD_"))
        {
          g_free (env[i]);
          memmove (&env[i], &env[i + 1], (g_strv_length (&env[i + 1]) + 1) * sizeof (char *));
        }
      else
        i++;
    }

  return g_steal_pointer (&env);
}

static gboolean
set_limit (int          resource,
           const char  *name,
           rlim_t       soft,
           rlim_t       hard,
           GError     **error)
{
  struct rlimit cur, want;

  if (getrlimit (resource, &cur) != 0)
    cur.rlim_cur = cur.rlim_max = RLIM_INFINITY;

  /* Without CAP_SYS_RESOURCE a hard limit can only go down. */
  want.rlim_max = MIN (hard, cur.rlim_max);
  want.rlim_cur = MIN (soft, want.rlim_max);

  if (setrlimit (resource, &want) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "setrlimit %s: %s", name, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
_da_sandbox_apply_rlimits (const DaSandboxPolicy *policy,
                           guint64                nproc_base,
                           gboolean               memory_cgroup,
                           GError               **error)
{
  /* With a memory cgroup the whole sandbox has memory_mb; the address
   * space of each process is left alone (runtimes reserve far more than
   * they use). */
  rlim_t mem = memory_cgroup ? RLIM_INFINITY : (rlim_t) policy->memory_mb << 20;
  rlim_t fsize = (rlim_t) policy->max_file_mb << 20;
  rlim_t nproc = (rlim_t) (policy->max_processes + nproc_base);

  return set_limit (RLIMIT_AS, "memory_mb", mem, mem, error) &&
         set_limit (RLIMIT_DATA, "memory_mb", mem, mem, error) &&
         /* SIGXCPU at the soft limit, SIGKILL a second later. */
         set_limit (RLIMIT_CPU, "cpu_seconds", policy->cpu_seconds, policy->cpu_seconds + 1, error) &&
         set_limit (RLIMIT_FSIZE, "max_file_mb", fsize, fsize, error) &&
         set_limit (RLIMIT_NPROC, "max_processes", nproc, nproc, error) &&
         set_limit (RLIMIT_NOFILE, "open files", 1024, 1024, error) &&
         set_limit (RLIMIT_CORE, "core", 0, 0, error) &&
         set_limit (RLIMIT_MEMLOCK, "memlock", 64 * 1024, 64 * 1024, error) &&
         set_limit (RLIMIT_MSGQUEUE, "msgqueue", 0, 0, error) &&
         set_limit (RLIMIT_RTPRIO, "rtprio", 0, 0, error) &&
         set_limit (RLIMIT_NICE, "nice", 0, 0, error);
}

static gboolean
have_setpcap (void)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  if (syscall (SYS_capget, &hdr, data) != 0)
    return FALSE;
  return (data[0].effective & (1u << CAP_SETPCAP)) != 0;
}

gboolean
_da_sandbox_drop_privileges (GError **error)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  if (have_setpcap ())
    {
      /* uid 0 inside must not regain capabilities by exec. */
      unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
                           SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
                           SECBIT_KEEP_CAPS_LOCKED |
                           SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;

      if (prctl (PR_SET_SECUREBITS, bits, 0, 0, 0) != 0)
        {
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                       "securebits: %s", g_strerror (errno));
          return FALSE;
        }
      /* Capabilities are numbered without gaps: EINVAL is the first
       * one past the kernel's last. */
      for (unsigned long cap = 0; cap <= 63; cap++)
        if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
          {
            if (errno == EINVAL)
              break;
            g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                         "dropping capability %lu: %s", cap, g_strerror (errno));
            return FALSE;
          }
    }

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "clearing ambient capabilities: %s", g_strerror (errno));
      return FALSE;
    }

  if (syscall (SYS_capset, &hdr, data) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "capset: %s", g_strerror (errno));
      return FALSE;
    }

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "no_new_privs: %s", g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

void
_da_sandbox_close_fds_from (int lowest)
{
  if (syscall (SYS_close_range, (unsigned) lowest, ~0u, 0) == 0)
    return;

  /* Kernels before 5.9: walk the table. */
  for (int fd = lowest; fd < 65536; fd++)
    close (fd);
}
