/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "da-code-block.h"
#include "da-markdown-private.h"
#include "da-markdown-view.h"
#include "da-util.h"

/* Renders markdown into GTK widgets. While a reply streams the text is
 * re-parsed at most once per frame, and only the top-level blocks that
 * changed are touched: a growing paragraph updates its label, a growing
 * code block appends to its buffer, and everything above stays as it is. */

struct _DaMarkdownView
{
  GtkWidget  parent_instance;

  char      *text;
  DaMdBlock *root;
  GPtrArray *widgets;   /* GtkWidget*, one per top-level block */
  guint      tick_id;
  guint      n_renders;
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DaMarkdownView, da_markdown_view, GTK_TYPE_WIDGET)

static void
open_link_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  const char *uri = g_object_get_data (G_OBJECT (dialog), "uri");

  if (g_strcmp0 (response, "open") == 0)
    gtk_show_uri (gtk_window_get_transient_for (GTK_WINDOW (dialog)), uri, GDK_CURRENT_TIME);
}

/* Links from a model are never followed without the person seeing where
 * they lead first. */
void
da_confirm_open_link (GtkWidget  *from,
                      const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (from);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Open Link?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("This opens %s in your browser."), uri);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open Link"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "uri", g_strdup (uri), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (open_link_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
activate_link_cb (GtkLabel   *label,
                  const char *uri,
                  gpointer    user_data)
{
  da_confirm_open_link (GTK_WIDGET (label), uri);

  return TRUE;
}

/* Tab stops at a paragraph only for its links; a label that cannot take
 * focus would still swallow Tab, so one without links is left out. */
static void
set_label_markup (GtkWidget  *label,
                  const char *markup)
{
  gboolean links = markup != NULL && strstr (markup, "<a ") != NULL;

  gtk_label_set_markup (GTK_LABEL (label), markup ? markup : "");
  gtk_widget_set_can_focus (label, links);
  gtk_widget_set_focusable (label, links);
}

static GtkWidget *
make_label (const char *markup)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  set_label_markup (label, markup);
  g_signal_connect (label, "activate-link", G_CALLBACK (activate_link_cb), NULL);

  return label;
}

static GtkWidget *render_block (const DaMdBlock *block);

static GtkWidget *
render_children (const DaMdBlock *block,
                 const char      *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  if (css_class != NULL)
    gtk_widget_add_css_class (box, css_class);

  for (guint i = 0; i < block->children->len; i++)
    gtk_box_append (GTK_BOX (box), render_block (g_ptr_array_index (block->children, i)));

  return box;
}

static void
attach_list_item (GtkGrid         *grid,
                  const DaMdBlock *list,
                  guint            i)
{
  const DaMdBlock *item = g_ptr_array_index (list->children, i);
  g_autofree char *marker_text = NULL;
  GtkWidget *marker;

  if (item->task == 'x')
    marker_text = g_strdup ("☑");
  else if (item->task == ' ')
    marker_text = g_strdup ("☐");
  else if (list->type == DA_MD_ORDERED_LIST)
    marker_text = g_strdup_printf ("%u.", list->level + i);
  else
    marker_text = g_strdup ("•");

  marker = gtk_label_new (marker_text);
  gtk_widget_set_valign (marker, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (marker), 1.0);
  gtk_grid_attach (grid, marker, 0, i, 1, 1);
  gtk_grid_attach (grid, render_children (item, NULL), 1, i, 1, 1);
}

static GtkWidget *
render_list (const DaMdBlock *block)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);

  for (guint i = 0; i < block->children->len; i++)
    attach_list_item (GTK_GRID (grid), block, i);

  return grid;
}

/* A list that grows while a reply streams keeps its finished items: only
 * the items that changed are rendered again, and new ones are added. */
static gboolean
update_list_in_place (GtkWidget       *grid,
                      const DaMdBlock *old,
                      const DaMdBlock *block)
{
  if (old->children->len > block->children->len)
    return FALSE;

  for (guint i = 0; i < block->children->len; i++)
    {
      const DaMdBlock *item = g_ptr_array_index (block->children, i);

      if (i < old->children->len)
        {
          const DaMdBlock *old_item = g_ptr_array_index (old->children, i);
          GtkWidget *marker, *content;

          if (_da_md_block_equal (old_item, item))
            continue;

          marker = gtk_grid_get_child_at (GTK_GRID (grid), 0, i);
          content = gtk_grid_get_child_at (GTK_GRID (grid), 1, i);
          if (marker != NULL)
            gtk_grid_remove (GTK_GRID (grid), marker);
          if (content != NULL)
            gtk_grid_remove (GTK_GRID (grid), content);
        }
      attach_list_item (GTK_GRID (grid), block, i);
    }

  return TRUE;
}

static GtkWidget *
render_table (const DaMdBlock *block)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_set_halign (grid, GTK_ALIGN_START);
  gtk_widget_add_css_class (grid, "md-table");

  for (guint r = 0; r < block->children->len; r++)
    {
      const DaMdBlock *row = g_ptr_array_index (block->children, r);

      for (guint c = 0; c < row->children->len; c++)
        {
          const DaMdBlock *cell = g_ptr_array_index (row->children, c);
          GtkWidget *label = make_label (cell->text);

          /* Wide tables scroll sideways rather than wrap every cell. */
          gtk_label_set_wrap (GTK_LABEL (label), FALSE);
          gtk_widget_add_css_class (label, "md-table-cell");
          if (cell->header)
            gtk_widget_add_css_class (label, "md-table-header");
          gtk_label_set_xalign (GTK_LABEL (label),
                                cell->align == DA_MD_ALIGN_RIGHT ? 1.0 :
                                cell->align == DA_MD_ALIGN_CENTER ? 0.5 : 0.0);
          gtk_grid_attach (GTK_GRID (grid), label, c, r, 1, 1);
        }
    }

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);

  return scroller;
}

static GtkWidget *
render_block (const DaMdBlock *block)
{
  GtkWidget *widget;

  switch (block->type)
    {
    case DA_MD_PARAGRAPH:
      return make_label (block->text);

    case DA_MD_HEADING:
      {
        g_autofree char *css = g_strdup_printf ("md-heading-%u", block->level);

        widget = make_label (block->text);
        gtk_widget_add_css_class (widget, css);
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_LEVEL, block->level, -1);
        return widget;
      }

    case DA_MD_CODE:
      widget = da_code_block_new (block->info);
      da_code_block_set_code (DA_CODE_BLOCK (widget), block->text);
      return widget;

    case DA_MD_QUOTE:
      return render_children (block, "md-quote");

    case DA_MD_BULLET_LIST:
    case DA_MD_ORDERED_LIST:
      return render_list (block);

    case DA_MD_RULE:
      return gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

    case DA_MD_TABLE:
      return render_table (block);

    case DA_MD_DOCUMENT:
    case DA_MD_LIST_ITEM:
    case DA_MD_TABLE_ROW:
    case DA_MD_TABLE_CELL:
    default:
      return render_children (block, NULL);
    }
}

/* Updates @widget, rendered from @old, to show @block if it can be done
 * in place. */
static gboolean
update_in_place (GtkWidget       *widget,
                 const DaMdBlock *old,
                 const DaMdBlock *block)
{
  if (old->type != block->type || old->level != block->level)
    return FALSE;
  if (block->type == DA_MD_BULLET_LIST || block->type == DA_MD_ORDERED_LIST)
    return update_list_in_place (widget, old, block);
  if (block->children->len != 0 || old->children->len != 0)
    return FALSE;

  switch (block->type)
    {
    case DA_MD_PARAGRAPH:
    case DA_MD_HEADING:
      set_label_markup (widget, block->text);
      return TRUE;

    case DA_MD_CODE:
      if (g_strcmp0 (old->info, block->info) != 0)
        return FALSE;
      da_code_block_set_code (DA_CODE_BLOCK (widget), block->text);
      return TRUE;

    case DA_MD_DOCUMENT:
    case DA_MD_QUOTE:
    case DA_MD_BULLET_LIST:
    case DA_MD_ORDERED_LIST:
    case DA_MD_LIST_ITEM:
    case DA_MD_RULE:
    case DA_MD_TABLE:
    case DA_MD_TABLE_ROW:
    case DA_MD_TABLE_CELL:
    default:
      return FALSE;
    }
}

static void
render (DaMarkdownView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMdBlock) root = NULL;
  guint i;

  root = _da_markdown_parse (self->text ? self->text : "", -1, &error);
  if (root == NULL)
    {
      /* Too large to lay out as markdown: show the text as it is. */
      root = g_new0 (DaMdBlock, 1);
      root->type = DA_MD_DOCUMENT;
      root->children = g_ptr_array_new_with_free_func ((GDestroyNotify) _da_md_block_free);
      {
        DaMdBlock *code = g_new0 (DaMdBlock, 1);

        code->type = DA_MD_CODE;
        code->text = g_strdup (self->text);
        code->children = g_ptr_array_new_with_free_func ((GDestroyNotify) _da_md_block_free);
        g_ptr_array_add (root->children, code);
      }
    }

  self->n_renders++;

  for (i = 0; i < root->children->len; i++)
    {
      const DaMdBlock *block = g_ptr_array_index (root->children, i);
      const DaMdBlock *old = NULL;
      GtkWidget *widget;

      if (self->root != NULL && i < self->root->children->len)
        old = g_ptr_array_index (self->root->children, i);

      if (old != NULL)
        {
          widget = g_ptr_array_index (self->widgets, i);

          if (_da_md_block_equal (old, block) || update_in_place (widget, old, block))
            continue;

          gtk_widget_unparent (widget);
        }

      widget = render_block (block);
      if (i > 0)
        gtk_widget_insert_after (widget, GTK_WIDGET (self), g_ptr_array_index (self->widgets, i - 1));
      else
        gtk_widget_insert_after (widget, GTK_WIDGET (self), NULL);

      if (i < self->widgets->len)
        g_ptr_array_index (self->widgets, i) = widget;
      else
        g_ptr_array_add (self->widgets, widget);
    }

  while (self->widgets->len > i)
    {
      gtk_widget_unparent (g_ptr_array_index (self->widgets, self->widgets->len - 1));
      g_ptr_array_remove_index (self->widgets, self->widgets->len - 1);
    }

  g_clear_pointer (&self->root, _da_md_block_free);
  self->root = g_steal_pointer (&root);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  DaMarkdownView *self = DA_MARKDOWN_VIEW (widget);

  self->tick_id = 0;
  render (self);

  return G_SOURCE_REMOVE;
}

void
da_markdown_view_flush (DaMarkdownView *self)
{
  g_return_if_fail (DA_IS_MARKDOWN_VIEW (self));

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      render (self);
    }
}

static void
da_markdown_view_unmap (GtkWidget *widget)
{
  /* An unmapped widget gets no frames: render what is pending now. */
  da_markdown_view_flush (DA_MARKDOWN_VIEW (widget));

  GTK_WIDGET_CLASS (da_markdown_view_parent_class)->unmap (widget);
}

static void
da_markdown_view_dispose (GObject *object)
{
  DaMarkdownView *self = DA_MARKDOWN_VIEW (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_ptr_array_set_size (self->widgets, 0);

  G_OBJECT_CLASS (da_markdown_view_parent_class)->dispose (object);
}

static void
da_markdown_view_finalize (GObject *object)
{
  DaMarkdownView *self = DA_MARKDOWN_VIEW (object);

  g_clear_pointer (&self->root, _da_md_block_free);
  g_ptr_array_unref (self->widgets);
  g_free (self->text);

  G_OBJECT_CLASS (da_markdown_view_parent_class)->finalize (object);
}

static void
da_markdown_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DaMarkdownView *self = DA_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_markdown_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DaMarkdownView *self = DA_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      da_markdown_view_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_markdown_view_class_init (DaMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_markdown_view_dispose;
  object_class->finalize = da_markdown_view_finalize;
  object_class->get_property = da_markdown_view_get_property;
  object_class->set_property = da_markdown_view_set_property;
  widget_class->unmap = da_markdown_view_unmap;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "markdown");
}

static void
da_markdown_view_init (DaMarkdownView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);
  self->widgets = g_ptr_array_new ();
}

GtkWidget *
da_markdown_view_new (void)
{
  return g_object_new (DA_TYPE_MARKDOWN_VIEW, NULL);
}

const char *
da_markdown_view_get_text (DaMarkdownView *self)
{
  g_return_val_if_fail (DA_IS_MARKDOWN_VIEW (self), NULL);

  return self->text;
}

void
da_markdown_view_set_text (DaMarkdownView *self,
                           const char     *text)
{
  g_return_if_fail (DA_IS_MARKDOWN_VIEW (self));

  if (!da_set_str (&self->text, text))
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
  else
    render (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

guint
da_markdown_view_get_n_renders (DaMarkdownView *self)
{
  g_return_val_if_fail (DA_IS_MARKDOWN_VIEW (self), 0);

  return self->n_renders;
}
