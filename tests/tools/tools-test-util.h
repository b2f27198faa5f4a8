/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

/* A scratch folder per test, removed with everything in it. */
static inline char *
tools_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("da-tools-XXXXXX", &error);
  char *real;

  g_assert_no_error (error);
  /* Rules and targets compare canonical paths. */
  real = realpath (dir, NULL);
  g_assert_nonnull (real);
  g_free (dir);
  dir = g_strdup (real);
  free (real);
  return dir;
}

static inline void
tools_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        tools_test_remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static inline void
tools_test_wait (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}
