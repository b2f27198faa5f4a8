/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "da-rendering.h"

static void
test_gl_wanted (void)
{
  /* A person's own GDK flags are never touched. */
  g_assert_true (da_rendering_gl_wanted ("", NULL, FALSE));
  g_assert_true (da_rendering_gl_wanted ("misc", "cairo", FALSE));
  /* A renderer asked for decides; cairo does not need OpenGL. */
  g_assert_false (da_rendering_gl_wanted (NULL, "cairo", TRUE));
  g_assert_false (da_rendering_gl_wanted (NULL, "Cairo", TRUE));
  g_assert_true (da_rendering_gl_wanted (NULL, "gl", FALSE));
  g_assert_true (da_rendering_gl_wanted (NULL, "vulkan", FALSE));
  /* Otherwise: OpenGL where there is a GPU. */
  g_assert_true (da_rendering_gl_wanted (NULL, NULL, TRUE));
  g_assert_true (da_rendering_gl_wanted (NULL, "", TRUE));
  g_assert_false (da_rendering_gl_wanted (NULL, NULL, FALSE));
}

static void
test_choose (void)
{
  g_unsetenv ("GDK_DEBUG");
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  da_rendering_choose ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  da_rendering_forget ();
  g_assert_null (g_getenv ("GDK_DEBUG"));

  g_setenv ("GSK_RENDERER", "gl", TRUE);
  da_rendering_choose ();
  g_assert_null (g_getenv ("GDK_DEBUG"));
  da_rendering_forget ();

  g_setenv ("GDK_DEBUG", "misc", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  da_rendering_choose ();
  da_rendering_forget ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc");

  /* With nothing asked for, the answer follows the machine's GPU. */
  g_unsetenv ("GDK_DEBUG");
  g_unsetenv ("GSK_RENDERER");
  da_rendering_choose ();
  if (g_file_test ("/dev/dri", G_FILE_TEST_IS_DIR))
    g_test_message ("/dev/dri exists: GDK_DEBUG=%s", g_getenv ("GDK_DEBUG"));
  else
    g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  da_rendering_forget ();
  g_assert_null (g_getenv ("GDK_DEBUG"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/rendering/gl-wanted", test_gl_wanted);
  g_test_add_func ("/app/rendering/choose", test_choose);
  return g_test_run ();
}
