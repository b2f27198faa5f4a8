/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* Cgroups for the sandbox, made when the helper runs as root.
 *
 * pids: RLIMIT_NPROC does not bind processes of the global root user, so
 * the process limit comes from the pids controller; the cgroup also lets
 * the monitor kill every process of a minimal sandbox at once.
 *
 * memory: memory_mb becomes the cgroup's limit for the whole sandbox
 * (v2 memory.max with memory.swap.max 0; v1 memory.limit_in_bytes and
 * memory.memsw.limit_in_bytes), and the kernel's OOM killer ends the
 * process that goes over it, which the monitor reports.  Without a
 * memory controller the tool keeps RLIMIT_AS / RLIMIT_DATA. */

struct _DaSandboxCgroup
{
  char     *dir;       /* pids */
  gboolean  v2;
  char     *mem_dir;   /* memory: the same as dir on v2, or NULL */
  gboolean  mem_v2;
  char     *memory;    /* how memory_mb is enforced, for the report */
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

typedef struct
{
  char *v2_path;       /* our cgroup, relative to the v2 root */
  char *pids_path;     /* … in the v1 hierarchy holding pids */
  char *memory_path;   /* … in the v1 hierarchy holding memory */
} SelfCgroups;

static void
self_cgroups_clear (SelfCgroups *self)
{
  g_free (self->v2_path);
  g_free (self->pids_path);
  g_free (self->memory_path);
}

static gboolean
has_word (const char *list,
          const char *word,
          char        sep)
{
  gsize n = strlen (word);

  for (const char *p = list; p != NULL; p = strchr (p, sep), p = p ? p + 1 : NULL)
    if (strncmp (p, word, n) == 0 && (p[n] == sep || p[n] == '\0' || p[n] == '\n' || p[n] == ' '))
      return TRUE;
  return FALSE;
}

/* /proc/self/cgroup: "ID:CONTROLLERS:PATH" lines; v2 is "0::PATH". */
static void
read_self_cgroups (SelfCgroups *self)
{
  g_autofree char *text = NULL;
  char *line, *next;

  if (!g_file_get_contents ("/proc/self/cgroup", &text, NULL, NULL))
    return;
  for (line = text; line != NULL && *line != '\0'; line = next)
    {
      char *colon1 = strchr (line, ':');
      char *colon2 = colon1 ? strchr (colon1 + 1, ':') : NULL;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (colon2 == NULL)
        continue;
      *colon2 = '\0';
      if (colon1[1] == '\0' && self->v2_path == NULL)
        self->v2_path = g_strdup (colon2 + 1);
      else if (has_word (colon1 + 1, "pids", ',') && self->pids_path == NULL)
        self->pids_path = g_strdup (colon2 + 1);
      else if (has_word (colon1 + 1, "memory", ',') && self->memory_path == NULL)
        self->memory_path = g_strdup (colon2 + 1);
    }
}

typedef struct
{
  char *pids;          /* directory of our cgroup, or NULL */
  gboolean pids_v2;
  char *memory;
  gboolean memory_v2;
} Dirs;

static char *
join_mount (const char *point,
            const char *root,
            const char *path)
{
  const char *rel = g_str_has_prefix (path, root) ? path + strlen (root) : path;

  return g_build_filename (point, rel, NULL);
}

static gboolean
v2_has_controller (const char *dir,
                   const char *name)
{
  g_autofree char *path = g_build_filename (dir, "cgroup.controllers", NULL);
  g_autofree char *controllers = NULL;

  return g_file_get_contents (path, &controllers, NULL, NULL) &&
         has_word (controllers, name, ' ');
}

/* The usual layout: hierarchies under /sys/fs/cgroup, mounted at the
 * root of our cgroup namespace.  Each guess is checked (the filesystem
 * type, the directory); NULL sends the caller to /proc/self/mountinfo,
 * which the kernel is slow to produce. */
static char *
guess_dir (const char *point,
           long        magic,
           const char *path,
           const char *probe)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  struct statfs sf;

  if (path == NULL || statfs (point, &sf) != 0 || sf.f_type != magic)
    return NULL;
  dir = g_build_filename (point, path, NULL);
  /* The root of a hierarchy has no controller files of its own. */
  file = g_build_filename (dir, strcmp (path, "/") == 0 ? "cgroup.procs" : probe, NULL);
  return access (file, F_OK) == 0 ? g_steal_pointer (&dir) : NULL;
}

static gboolean
guess_dirs (Dirs        *dirs,
            SelfCgroups *self)
{
  if (self->v2_path != NULL && self->pids_path == NULL && self->memory_path == NULL)
    {
      /* cgroup v2 alone */
      dirs->pids = guess_dir ("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC, self->v2_path, "pids.max");
      dirs->pids_v2 = TRUE;
      if (dirs->pids != NULL)
        {
          dirs->memory = guess_dir ("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC, self->v2_path, "memory.max");
          dirs->memory_v2 = TRUE;
        }
      /* Controllers may be enabled for the children only: let the slow
       * path look at cgroup.controllers. */
      if (dirs->pids == NULL || dirs->memory == NULL)
        {
          g_clear_pointer (&dirs->pids, g_free);
          g_clear_pointer (&dirs->memory, g_free);
          return FALSE;
        }
      return TRUE;
    }
  dirs->pids = guess_dir ("/sys/fs/cgroup/pids", CGROUP_SUPER_MAGIC, self->pids_path, "pids.max");
  dirs->memory = guess_dir ("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC, self->memory_path,
                            "memory.limit_in_bytes");
  if (dirs->pids == NULL || (self->memory_path != NULL && dirs->memory == NULL))
    {
      g_clear_pointer (&dirs->pids, g_free);
      g_clear_pointer (&dirs->memory, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Finds the directories of our own cgroups holding pids and memory,
 * from /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTS … - TYPE
 * SOURCE SUPEROPTS". */
static void
find_dirs (Dirs *dirs)
{
  g_autofree char *mountinfo = NULL;
  SelfCgroups self = { 0 };
  char *line, *next;

  read_self_cgroups (&self);
  if (guess_dirs (dirs, &self))
    {
      self_cgroups_clear (&self);
      return;
    }
  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    {
      self_cgroups_clear (&self);
      return;
    }

  for (line = mountinfo; line != NULL && *line != '\0'; line = next)
    {
      g_auto(GStrv) f = NULL;
      guint n, dash;
      const char *root, *point, *type, *opts;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (strstr (line, " - cgroup") == NULL)
        continue;
      f = g_strsplit (line, " ", -1);
      n = g_strv_length (f);
      for (dash = 6; dash < n && strcmp (f[dash], "-") != 0; dash++)
        ;
      if (n < 7 || dash + 3 >= n)
        continue;
      root = f[3];
      point = f[4];
      type = f[dash + 1];
      opts = f[dash + 3];

      if (strcmp (type, "cgroup") == 0)
        {
          if (dirs->pids == NULL && self.pids_path != NULL && has_word (opts, "pids", ','))
            dirs->pids = join_mount (point, root, self.pids_path);
          if (dirs->memory == NULL && self.memory_path != NULL && has_word (opts, "memory", ','))
            dirs->memory = join_mount (point, root, self.memory_path);
        }
      else if (strcmp (type, "cgroup2") == 0 && self.v2_path != NULL)
        {
          g_autofree char *dir = join_mount (point, root, self.v2_path);

          if (dirs->pids == NULL && v2_has_controller (dir, "pids"))
            {
              dirs->pids = g_strdup (dir);
              dirs->pids_v2 = TRUE;
            }
          if (dirs->memory == NULL && v2_has_controller (dir, "memory"))
            {
              dirs->memory = g_strdup (dir);
              dirs->memory_v2 = TRUE;
            }
        }
    }
  self_cgroups_clear (&self);
}

/* Makes NAME below PARENT with CONTROLLER enabled (v2: in the parent's
 * subtree_control). */
static char *
make_child (const char  *parent,
            gboolean     v2,
            const char  *controller,
            const char  *probe_file,
            GError     **error)
{
  g_autofree char *dir = g_strdup_printf ("%s/denoagents-sandbox-%d", parent, (int) getpid ());
  g_autofree char *probe = NULL;

  if (mkdir (dir, 0755) != 0 && errno != EEXIST)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                   "cgroup: mkdir %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  if (v2)
    {
      g_autofree char *enable = g_strconcat ("+", controller, NULL);

      probe = g_build_filename (dir, probe_file, NULL);
      if (access (probe, F_OK) != 0 &&
          !write_file (parent, "cgroup.subtree_control", enable, NULL))
        {
          rmdir (dir);
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                       "cgroup: %s controller not delegated to %s", controller, parent);
          return NULL;
        }
    }
  return g_steal_pointer (&dir);
}

/* memory_mb as the cgroup's limit; FALSE (and the reason) when it cannot
 * be, and the tool keeps the rlimits. */
static gboolean
setup_memory (DaSandboxCgroup  *cgroup,
              const Dirs       *dirs,
              guint64           memory_mb,
              GError          **error)
{
  g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, memory_mb << 20);

  if (dirs->memory == NULL)
    {
      g_set_error_literal (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                           "no memory cgroup controller");
      return FALSE;
    }

  if (dirs->memory_v2 && cgroup->v2 && g_strcmp0 (dirs->memory, dirs->pids) == 0)
    {
      g_autofree char *probe = g_build_filename (cgroup->dir, "memory.max", NULL);

      if (access (probe, F_OK) != 0 &&
          !write_file (dirs->memory, "cgroup.subtree_control", "+memory", error))
        return FALSE;
      cgroup->mem_dir = g_strdup (cgroup->dir);
    }
  else
    {
      cgroup->mem_dir = make_child (dirs->memory, dirs->memory_v2, "memory", "memory.max", error);
      if (cgroup->mem_dir == NULL)
        return FALSE;
    }
  cgroup->mem_v2 = dirs->memory_v2;

  if (cgroup->mem_v2)
    {
      g_autofree char *swap = g_build_filename (cgroup->mem_dir, "memory.swap.max", NULL);

      if (!write_file (cgroup->mem_dir, "memory.max", limit, error))
        return FALSE;
      /* Without swap accounting there is no swap to limit. */
      if (access (swap, F_OK) == 0 && !write_file (cgroup->mem_dir, "memory.swap.max", "0", error))
        return FALSE;
      cgroup->memory = g_strdup ("cgroup v2 memory.max, memory.swap.max 0");
    }
  else
    {
      g_autofree char *memsw = g_build_filename (cgroup->mem_dir, "memory.memsw.limit_in_bytes", NULL);

      if (!write_file (cgroup->mem_dir, "memory.limit_in_bytes", limit, error))
        return FALSE;
      if (access (memsw, F_OK) == 0 && !write_file (cgroup->mem_dir, "memory.memsw.limit_in_bytes", limit, error))
        return FALSE;
      cgroup->memory = g_strdup ("cgroup v1 memory.limit_in_bytes, memory.memsw.limit_in_bytes");
    }
  return TRUE;
}

DaSandboxCgroup *
_da_sandbox_cgroup_new (guint64   max_processes,
                        guint64   memory_mb,
                        GError  **error)
{
  g_autofree char *max = NULL;
  g_autoptr(GError) mem_error = NULL;
  DaSandboxCgroup *cgroup;
  Dirs dirs = { 0 };

  find_dirs (&dirs);
  if (dirs.pids == NULL)
    {
      g_free (dirs.memory);
      g_set_error_literal (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_UNSUPPORTED,
                           "no pids cgroup controller to limit processes started by root");
      return NULL;
    }

  cgroup = g_new0 (DaSandboxCgroup, 1);
  cgroup->v2 = dirs.pids_v2;
  cgroup->dir = make_child (dirs.pids, dirs.pids_v2, "pids", "pids.max", error);
  max = g_strdup_printf ("%" G_GUINT64_FORMAT, max_processes);
  if (cgroup->dir == NULL || !write_file (cgroup->dir, "pids.max", max, error))
    {
      g_free (dirs.pids);
      g_free (dirs.memory);
      _da_sandbox_cgroup_free (cgroup);
      return NULL;
    }

  if (!setup_memory (cgroup, &dirs, memory_mb, &mem_error))
    {
      if (cgroup->mem_dir != NULL && g_strcmp0 (cgroup->mem_dir, cgroup->dir) != 0)
        rmdir (cgroup->mem_dir);
      g_clear_pointer (&cgroup->mem_dir, g_free);
      g_clear_pointer (&cgroup->memory, g_free);
      cgroup->memory = g_strdup_printf ("RLIMIT_AS and RLIMIT_DATA (%s)", mem_error->message);
    }

  g_free (dirs.pids);
  g_free (dirs.memory);
  return cgroup;
}

gboolean
_da_sandbox_cgroup_has_memory (DaSandboxCgroup *cgroup)
{
  return cgroup != NULL && cgroup->mem_dir != NULL;
}

const char *
_da_sandbox_cgroup_memory (DaSandboxCgroup *cgroup)
{
  return cgroup->memory;
}

/* The kernel's OOM killer ended a process of the sandbox. */
gboolean
_da_sandbox_cgroup_oom_killed (DaSandboxCgroup *cgroup)
{
  g_autofree char *path = NULL;
  g_autofree char *events = NULL;
  const char *line;

  if (cgroup->mem_dir == NULL)
    return FALSE;
  path = g_build_filename (cgroup->mem_dir, cgroup->mem_v2 ? "memory.events" : "memory.oom_control", NULL);
  if (!g_file_get_contents (path, &events, NULL, NULL))
    return FALSE;
  for (line = events; line != NULL; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (g_str_has_prefix (line, "oom_kill "))
      return g_ascii_strtoull (line + 9, NULL, 10) > 0;
  return FALSE;
}

gboolean
_da_sandbox_cgroup_add (DaSandboxCgroup  *cgroup,
                        pid_t             pid,
                        GError          **error)
{
  g_autofree char *s = g_strdup_printf ("%d", (int) pid);

  if (!write_file (cgroup->dir, "cgroup.procs", s, error))
    return FALSE;
  if (cgroup->mem_dir != NULL && strcmp (cgroup->mem_dir, cgroup->dir) != 0)
    return write_file (cgroup->mem_dir, "cgroup.procs", s, error);
  return TRUE;
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
  for (guint i = 0; cgroup->dir != NULL && i < 4000 && rmdir (cgroup->dir) != 0 && errno == EBUSY; i++)
    {
      _da_sandbox_cgroup_kill (cgroup);
      g_usleep (250);
    }
  if (cgroup->mem_dir != NULL && g_strcmp0 (cgroup->mem_dir, cgroup->dir) != 0)
    for (guint i = 0; i < 4000 && rmdir (cgroup->mem_dir) != 0 && errno == EBUSY; i++)
      g_usleep (250);
  g_free (cgroup->dir);
  g_free (cgroup->mem_dir);
  g_free (cgroup->memory);
  g_free (cgroup);
}
