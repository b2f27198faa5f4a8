/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include "da-rendering.h"

/* GTK 4.8 sets up OpenGL when it opens the display, whichever renderer
 * draws the windows. Without a GPU (no DRM render node: virtual machines,
 * Xvfb, remote sessions) that is Mesa's software rasteriser, which costs
 * about 180 ms of CPU and 60 MiB before the first frame and then draws a
 * text-heavy window no faster than cairo does. There we ask GDK to leave
 * OpenGL alone, as GSK_RENDERER=cairo users would want too. A person who
 * sets GDK_DEBUG, or asks for another renderer, is left to their choice. */

static gboolean set_by_us;

gboolean
da_rendering_gl_wanted (const char *gdk_debug,
                        const char *gsk_renderer,
                        gboolean    has_render_node)
{
  if (gdk_debug != NULL)
    return TRUE;                /* their flags, untouched */
  if (gsk_renderer != NULL && *gsk_renderer != '\0')
    return g_ascii_strcasecmp (gsk_renderer, "cairo") != 0;
  return has_render_node;
}

static gboolean
has_render_node (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;
  return FALSE;
}

/* Before GTK starts. */
void
da_rendering_choose (void)
{
  const char *gdk_debug = g_getenv ("GDK_DEBUG");
  const char *gsk_renderer = g_getenv ("GSK_RENDERER");

  /* Only look for a device when the answer depends on it. */
  if (gdk_debug != NULL || (gsk_renderer != NULL && *gsk_renderer != '\0'))
    {
      if (da_rendering_gl_wanted (gdk_debug, gsk_renderer, TRUE))
        return;
    }
  else if (has_render_node ())
    return;

  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  set_by_us = TRUE;
}

/* Once GDK has read its flags. */
void
da_rendering_forget (void)
{
  if (set_by_us)
    g_unsetenv ("GDK_DEBUG");
  set_by_us = FALSE;
}
