/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* A pids cgroup for the sandbox.  RLIMIT_NPROC does not bind processes of
 * the global root user, so when the helper runs as root the process limit
 * comes from the pids controller; the cgroup also lets the monitor kill
 * every process of a minimal sandbox at once. */

struct _DaSandboxCgroup
{
  char     *dir;
  gboolean  v2;
};

static gboolean
write_file (const char  *dir,
            const char  *name,
            const char  *value,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FILE *f = fopen (path, "we");
  int saved;

  if (f == NULL || fputs (value, f) < 0 || fflush (f) != 0)
    {
      saved = errno;
      if (f != NULL)
        fclose (f);
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "cgroup: write %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (fclose (f) != 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "cgroup: write %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Finds the directory of our own cgroup in the hierarchy holding pids. */
static char *
find_pids_dir (gboolean *v2)
{
  g_autofree char *mountinfo = NULL;
  g_autofree char *self = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cg_lines = NULL;
  const char *v1_path = NULL;
  const char *v2_path = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL) ||
      !g_file_get_contents ("/proc/self/cgroup", &self, NULL, NULL))
    return NULL;

  cg_lines = g_strsplit (self, "\n", -1);
  for (guint i = 0; cg_lines[i] != NULL; i++)
    {
      char *colon1 = strchr (cg_lines[i], ':');
      char *colon2 = colon1 ? strchr (colon1 + 1, ':') : NULL;
      g_auto(GStrv) ctrls = NULL;

      if (colon2 == NULL)
        continue;
      *colon2 = '\0';
      if (colon1[1] == '\0')
        v2_path = colon2 + 1;
      ctrls = g_strsplit (colon1 + 1, ",", -1);
      if (g_strv_contains ((const char *const *) ctrls, "pids"))
        v1_path = colon2 + 1;
    }

  lines = g_strsplit (mountinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (f);
      guint dash;
      const char *root, *point, *type, *opts, *rel;
      g_auto(GStrv) optv = NULL;

      for (dash = 6; dash < n && strcmp (f[dash], "-") != 0; dash++)
        ;
      if (n < 7 || dash + 3 >= n)
        continue;
      root = f[3];
      point = f[4];
      type = f[dash + 1];
      opts = f[dash + 3];

      if (strcmp (type, "cgroup") == 0 && v1_path != NULL)
        {
          optv = g_strsplit (opts, ",", -1);
          if (!g_strv_contains ((const char *const *) optv, "pids"))
            continue;
          rel = g_str_has_prefix (v1_path, root) ? v1_path + strlen (root) : v1_path;
          *v2 = FALSE;
          return g_build_filename (point, rel, NULL);
        }
      if (strcmp (type, "cgroup2") == 0 && v2_path != NULL)
        {
          g_autofree char *dir = NULL;
          g_autofree char *controllers = NULL;
          g_autofree char *path = NULL;

          rel = g_str_has_prefix (v2_path, root) ? v2_path + strlen (root) : v2_path;
          dir = g_build_filename (point, rel, NULL);
          path = g_build_filename (dir, "cgroup.controllers", NULL);
          if (g_file_get_contents (path, &controllers, NULL, NULL) &&
              strstr (controllers, "pids") != NULL)
            {
              *v2 = TRUE;
              return g_steal_pointer (&dir);
            }
        }
    }
  return NULL;
}

DaSandboxCgroup *
_da_sandbox_cgroup_new (guint64   max_processes,
                        GError  **error)
{
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *max = NULL;
  DaSandboxCgroup *cgroup;
  gboolean v2 = FALSE;

  parent = find_pids_dir (&v2);
  if (parent == NULL)
    {
      g_set_error_literal (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                           "no pids cgroup controller to limit processes started by root");
      return NULL;
    }

  dir = g_strdup_printf ("%s/denoagents-sandbox-%d", parent, (int) getpid ());
  if (mkdir (dir, 0755) != 0 && errno != EEXIST)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                   "cgroup: mkdir %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  if (v2)
    {
      g_autofree char *path = g_build_filename (dir, "pids.max", NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
          !write_file (parent, "cgroup.subtree_control", "+pids", NULL))
        {
          rmdir (dir);
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                       "cgroup: pids controller not delegated to %s", parent);
          return NULL;
        }
    }

  max = g_strdup_printf ("%" G_GUINT64_FORMAT, max_processes);
  if (!write_file (dir, "pids.max", max, error))
    {
      rmdir (dir);
      return NULL;
    }

  cgroup = g_new0 (DaSandboxCgroup, 1);
  cgroup->dir = g_steal_pointer (&dir);
  cgroup->v2 = v2;
  return cgroup;
}

gboolean
_da_sandbox_cgroup_add (DaSandboxCgroup  *cgroup,
                        pid_t             pid,
                        GError          **error)
{
  g_autofree char *s = g_strdup_printf ("%d", (int) pid);

  return write_file (cgroup->dir, "cgroup.procs", s, error);
}

/* Kills every process in the cgroup; loops because a process may fork
 * while the list is read. */
void
_da_sandbox_cgroup_kill (DaSandboxCgroup *cgroup)
{
  if (cgroup->v2 && write_file (cgroup->dir, "cgroup.kill", "1", NULL))
    return;

  for (guint round = 0; round < 1000; round++)
    {
      g_autofree char *path = g_build_filename (cgroup->dir, "cgroup.procs", NULL);
      g_autofree char *procs = NULL;
      g_auto(GStrv) pids = NULL;
      guint killed = 0;

      if (!g_file_get_contents (path, &procs, NULL, NULL))
        return;
      pids = g_strsplit (procs, "\n", -1);
      for (guint i = 0; pids[i] != NULL; i++)
        {
          guint64 pid;

          if (g_ascii_string_to_unsigned (pids[i], 10, 1, G_MAXINT, &pid, NULL))
            {
              kill ((pid_t) pid, SIGKILL);
              killed++;
            }
        }
      if (killed == 0)
        return;
      g_usleep (1000);
    }
}

gboolean
_da_sandbox_cgroup_hit_max (DaSandboxCgroup *cgroup)
{
  g_autofree char *path = g_build_filename (cgroup->dir, "pids.events", NULL);
  g_autofree char *events = NULL;
  const char *max;

  if (!g_file_get_contents (path, &events, NULL, NULL))
    return FALSE;
  max = strstr (events, "max ");
  return max != NULL && g_ascii_strtoull (max + 4, NULL, 10) > 0;
}

void
_da_sandbox_cgroup_free (DaSandboxCgroup *cgroup)
{
  if (cgroup == NULL)
    return;

  /* The last processes may still be exiting. */
  for (guint i = 0; i < 4000 && rmdir (cgroup->dir) != 0 && errno == EBUSY; i++)
    {
      _da_sandbox_cgroup_kill (cgroup);
      g_usleep (250);
    }
  g_free (cgroup->dir);
  g_free (cgroup);
}
