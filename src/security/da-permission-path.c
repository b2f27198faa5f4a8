/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>

#include "da-permissions-private.h"

/* Symlinks followed before a path counts as a loop (the kernel's limit). */
#define MAX_SYMLINKS 40

static void
push_components (GPtrArray  *stack,
                 const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);

  /* The stack is popped from the end: push the last component first. */
  for (guint i = n; i > 0; i--)
    {
      const char *part = parts[i - 1];

      if (part[0] == '\0' || strcmp (part, ".") == 0)
        continue;
      g_ptr_array_add (stack, g_strdup (part));
    }
}

static void
pop_last (GString *path)
{
  const char *slash = strrchr (path->str, '/');

  if (slash != NULL)
    g_string_truncate (path, slash - path->str);
}

/* Lexical normalisation: absolute against @base, `.` and empty components
 * dropped, `..` removes the previous component (and stops at the root). */
char *
_da_path_normalize (const char *path,
                    const char *base)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (path != NULL, NULL);

  if (path[0] != '/')
    {
      g_autofree char *cwd = NULL;

      if (base == NULL)
        base = cwd = g_get_current_dir ();
      /* popped from the end: the base's components come out first */
      push_components (stack, path);
      push_components (stack, base);
    }
  else
    push_components (stack, path);

  while (stack->len > 0)
    {
      g_autofree char *comp = g_ptr_array_steal_index (stack, stack->len - 1);

      if (strcmp (comp, "..") == 0)
        pop_last (out);
      else
        {
          g_string_append_c (out, '/');
          g_string_append (out, comp);
        }
    }

  if (out->len == 0)
    g_string_append_c (out, '/');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "~" and "~/x" expand to $HOME; "~user" is not supported (NULL). */
char *
_da_path_expand_home (const char *path)
{
  const char *home;

  if (path[0] != '~')
    return g_strdup (path);
  if (path[1] != '\0' && path[1] != '/')
    return NULL;

  home = g_getenv ("HOME");
  if (home == NULL || home[0] != '/')
    home = g_get_home_dir ();

  return g_strconcat (home, path + 1, NULL);
}

/* The path with every symlink resolved, as the kernel would walk it; the
 * part from the first missing component on is kept lexically, so paths
 * about to be created resolve through their existing parents. */
char *
_da_path_resolve (const char  *normalized,
                  GError     **error)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cur = g_string_new (NULL);
  gboolean missing = FALSE;
  guint links = 0;

  g_return_val_if_fail (normalized != NULL && normalized[0] == '/', NULL);

  push_components (stack, normalized);

  while (stack->len > 0)
    {
      g_autofree char *comp = g_ptr_array_steal_index (stack, stack->len - 1);
      gsize parent_len;
      struct stat st;

      if (strcmp (comp, "..") == 0)
        {
          pop_last (cur);
          continue;
        }

      parent_len = cur->len;
      g_string_append_c (cur, '/');
      g_string_append (cur, comp);

      if (missing)
        continue;

      if (lstat (cur->str, &st) != 0)
        {
          missing = TRUE;
          continue;
        }

      if (S_ISLNK (st.st_mode))
        {
          g_autoptr(GError) local_error = NULL;
          g_autofree char *target = NULL;

          if (++links > MAX_SYMLINKS)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                           "Too many levels of symbolic links in %s", normalized);
              return NULL;
            }

          target = g_file_read_link (cur->str, &local_error);
          if (target == NULL)
            {
              /* Vanished between lstat and readlink: treat as missing. */
              missing = TRUE;
              continue;
            }

          g_string_truncate (cur, parent_len);
          if (target[0] == '/')
            g_string_truncate (cur, 0);
          push_components (stack, target);
        }
    }

  if (cur->len == 0)
    g_string_append_c (cur, '/');

  return g_string_free (g_steal_pointer (&cur), FALSE);
}

gboolean
_da_path_is_under (const char *path,
                   const char *dir)
{
  gsize len = strlen (dir);

  if (len == 1 && dir[0] == '/')
    return path[0] == '/';

  return strncmp (path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Kernel interfaces that a rule for a parent such as "/" never grants. */
gboolean
_da_path_is_special (const char *path)
{
  return _da_path_is_under (path, "/proc") ||
         _da_path_is_under (path, "/dev") ||
         _da_path_is_under (path, "/sys");
}

guint
_da_path_n_components (const char *path)
{
  guint n = 0;

  for (const char *p = path; *p != '\0'; p++)
    if (p[0] == '/' && p[1] != '/' && p[1] != '\0')
      n++;

  return n;
}
