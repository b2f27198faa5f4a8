/* SPDX-License-Identifier: GPL-3.0-or-later */
/* render-icon INPUT.svg SIZE OUTPUT.png [--mask]
 *
 * Build tool: renders the application's SVG icons to PNG at fixed sizes
 * for the resource bundle, so that showing the icons at start-up does not
 * load the SVG renderer (librsvg and its dependencies, tens of
 * milliseconds of dynamic linking). With --mask only the shape is kept:
 * red, green and blue are 0 and the alpha channel is the icon's, for a
 * single-colour symbolic icon that src/app/da-symbolic-icon.c draws in
 * the foreground colour. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdlib.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  gboolean mask;
  int size;

  if (argc < 4 || argc > 5)
    {
      g_printerr ("usage: render-icon INPUT.svg SIZE OUTPUT.png [--mask]\n");
      return 2;
    }
  size = atoi (argv[2]);
  mask = argc == 5 && g_str_equal (argv[4], "--mask");
  if (size <= 0 || (argc == 5 && !mask))
    {
      g_printerr ("render-icon: bad arguments\n");
      return 2;
    }

  pixbuf = gdk_pixbuf_new_from_file_at_size (argv[1], size, size, &error);
  if (pixbuf == NULL)
    {
      g_printerr ("render-icon: %s\n", error->message);
      return 1;
    }
  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    {
      GdkPixbuf *with_alpha = gdk_pixbuf_add_alpha (pixbuf, FALSE, 0, 0, 0);

      g_object_unref (pixbuf);
      pixbuf = with_alpha;
    }

  if (mask)
    {
      int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
      int width = gdk_pixbuf_get_width (pixbuf);
      int height = gdk_pixbuf_get_height (pixbuf);
      guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);

      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guchar *p = pixels + y * rowstride + x * 4;

            p[0] = p[1] = p[2] = 0;
          }
    }

  if (!gdk_pixbuf_save (pixbuf, argv[3], "png", &error, NULL))
    {
      g_printerr ("render-icon: %s\n", error->message);
      return 1;
    }

  return 0;
}
