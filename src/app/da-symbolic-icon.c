/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>

#include "da-symbolic-icon.h"

/* A symbolic icon drawn from a pre-rendered mask (a PNG whose alpha is the
 * shape) in the foreground colour of a widget, as GTK draws symbolic
 * icons. The application's own symbolic icon is shown this way at
 * start-up: looked up by name it is an SVG, and the first SVG loads the
 * SVG renderer (librsvg and its libraries), which costs the first window
 * tens of milliseconds. GTK 4.8 neither finds a ".symbolic.png" in the
 * application's resources by name nor recolours a paintable given to an
 * image, hence this small paintable.
 *
 * The mask is rendered at several sizes (RESOURCE-96.png and so on)
 * and decoded when first drawn, in the smallest rendition that is at
 * least as large as the icon on screen: scaling a larger one down costs
 * the first frame more than decoding the right one. A decoded rendition
 * is shared by every icon that shows it. */

struct _DaSymbolicIcon
{
  GObject     parent_instance;

  char       *resource;
  GtkWidget  *color_source;   /* weak */
};

/* The sizes of AdwStatusPage's icons (compact and not) at scales 1 and 2 */
static const int rendition_sizes[] = { 96, 128, 192, 256 };

/* The decoded renditions, by resource path, for the life of the
 * process. */
static GdkTexture *
get_mask (const char *resource,
          double      size)
{
  static GHashTable *masks;
  g_autofree char *path = NULL;
  GdkTexture *mask;
  int rendition = rendition_sizes[G_N_ELEMENTS (rendition_sizes) - 1];

  for (guint i = 0; i < G_N_ELEMENTS (rendition_sizes); i++)
    if (size <= rendition_sizes[i])
      {
        rendition = rendition_sizes[i];
        break;
      }

  path = g_strdup_printf ("%s-%d.png", resource, rendition);
  if (masks == NULL)
    masks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  mask = g_hash_table_lookup (masks, path);
  if (mask == NULL)
    {
      mask = gdk_texture_new_from_resource (path);
      g_hash_table_insert (masks, g_steal_pointer (&path), mask);
    }

  return mask;
}

static void da_symbolic_icon_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DaSymbolicIcon, da_symbolic_icon, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      da_symbolic_icon_paintable_init))

static void
da_symbolic_icon_snapshot (GdkPaintable *paintable,
                           GdkSnapshot  *snapshot,
                           double        width,
                           double        height)
{
  DaSymbolicIcon *self = DA_SYMBOLIC_ICON (paintable);
  GdkRGBA color = { 0, 0, 0, 1 };
  graphene_matrix_t matrix;
  graphene_vec4_t offset;
  int scale = 2;
  GdkTexture *mask;

  if (self->resource == NULL)
    return;

  if (self->color_source != NULL)
    {
      gtk_style_context_get_color (gtk_widget_get_style_context (self->color_source), &color);
      scale = gtk_widget_get_scale_factor (self->color_source);
    }
  mask = get_mask (self->resource, MAX (width, height) * scale);

  /* Every pixel takes the colour; its alpha is the mask's times the
   * colour's. */
  graphene_matrix_init_from_float (&matrix, (float[16]) {
                                     0, 0, 0, 0,
                                     0, 0, 0, 0,
                                     0, 0, 0, 0,
                                     0, 0, 0, color.alpha });
  graphene_vec4_init (&offset, color.red, color.green, color.blue, 0);
  gtk_snapshot_push_color_matrix (GTK_SNAPSHOT (snapshot), &matrix, &offset);
  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), mask,
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_pop (GTK_SNAPSHOT (snapshot));
}

static double
da_symbolic_icon_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
da_symbolic_icon_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE;
}

static void
da_symbolic_icon_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = da_symbolic_icon_snapshot;
  iface->get_intrinsic_aspect_ratio = da_symbolic_icon_get_intrinsic_aspect_ratio;
  iface->get_flags = da_symbolic_icon_get_flags;
}

static void
da_symbolic_icon_dispose (GObject *object)
{
  DaSymbolicIcon *self = DA_SYMBOLIC_ICON (object);

  da_symbolic_icon_set_color_source (self, NULL);
  g_clear_pointer (&self->resource, g_free);

  G_OBJECT_CLASS (da_symbolic_icon_parent_class)->dispose (object);
}

static void
da_symbolic_icon_class_init (DaSymbolicIconClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = da_symbolic_icon_dispose;
}

static void
da_symbolic_icon_init (DaSymbolicIcon *self)
{
}

/* @resource: the resource path of the renditions without "-SIZE.png" */
GdkPaintable *
da_symbolic_icon_new_from_resource (const char *resource)
{
  DaSymbolicIcon *self;

  g_return_val_if_fail (resource != NULL, NULL);

  self = g_object_new (DA_TYPE_SYMBOLIC_ICON, NULL);
  self->resource = g_strdup (resource);

  return GDK_PAINTABLE (self);
}

/* The icon is drawn in @widget's colour (its CSS "color"). */
void
da_symbolic_icon_set_color_source (DaSymbolicIcon *self,
                                   GtkWidget      *widget)
{
  g_return_if_fail (DA_IS_SYMBOLIC_ICON (self));
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  if (self->color_source != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->color_source), (gpointer *) &self->color_source);
  self->color_source = widget;
  if (widget != NULL)
    g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->color_source);
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static GtkWidget *
find_icon_image (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_IMAGE (child) && gtk_widget_has_css_class (child, "icon"))
        return child;
      if ((found = find_icon_image (child)) != NULL)
        return found;
    }

  return NULL;
}

/* Shows @icon (a DaSymbolicIcon of its own: it takes the colour of this
 * page's icon) on an AdwStatusPage. */
void
da_status_page_set_symbolic_icon (GtkWidget    *status_page,
                                  GdkPaintable *icon)
{
  GtkWidget *image;

  g_return_if_fail (ADW_IS_STATUS_PAGE (status_page));
  g_return_if_fail (DA_IS_SYMBOLIC_ICON (icon));

  adw_status_page_set_paintable (ADW_STATUS_PAGE (status_page), icon);
  image = find_icon_image (status_page);
  da_symbolic_icon_set_color_source (DA_SYMBOLIC_ICON (icon), image ? image : status_page);
}
