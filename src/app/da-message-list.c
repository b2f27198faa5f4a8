/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <math.h>

#include "da-message-list.h"
#include "da-message-row.h"
#include "da-message.h"

/* The messages of a conversation, as DaMessageRows, with widgets only for
 * the rows in view. GtkListView in GTK 4.8 keeps up to 200 rows bound
 * around its anchor and re-binds dozens of them as it scrolls; a
 * conversation's rows are costly to lay out (markdown, wrapped text), so
 * here a row is made, bound and measured only when it comes into view,
 * and a row that stays in view is never bound again.
 *
 * The scroll position is an anchor: the item at the top of the view and
 * how far it is scrolled past. Heights of rows that were shown are kept
 * (for the current width); the others are estimated from their average,
 * which is all the adjustment's value and upper need. When the view is at
 * the end it stays there as rows grow or are added (pinned), so a
 * streaming reply and history loaded later above keep the end in view. */

#define UNKNOWN_HEIGHT  (-1)
#define NO_ITEM         G_MAXUINT
#define FIRST_ESTIMATE  120
#define MAX_SPARE_ROWS  8

struct _DaMessageList
{
  GtkWidget      parent_instance;

  GListModel    *model;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;

  GArray        *heights;        /* int per item at measured_width */
  gint64         known_sum;
  guint          n_known;
  int            measured_width;

  guint          anchor;
  int            anchor_offset;
  gboolean       pin_end;

  guint          focus_pos;      /* the item with (or last with) focus */
  guint          reveal;         /* an item to scroll into view */

  GHashTable    *shown;          /* DaMessage → its DaMessageRow, in view */
  GPtrArray     *spare;          /* unbound rows, hidden, for reuse */
  gboolean       allocating;
  gboolean       value_moved;
  double         given_value;
  guint          n_binds;
};

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (DaMessageList, da_message_list, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static guint
n_items (DaMessageList *self)
{
  return self->model ? g_list_model_get_n_items (self->model) : 0;
}

static int
estimate (DaMessageList *self)
{
  return self->n_known > 0 ? (int) (self->known_sum / self->n_known) : FIRST_ESTIMATE;
}

static int
item_height (DaMessageList *self,
             guint          i,
             int            guess)
{
  int h = g_array_index (self->heights, int, i);

  return h >= 0 ? h : guess;
}

static void
set_height (DaMessageList *self,
            guint          i,
            int            h)
{
  int *slot = &g_array_index (self->heights, int, i);

  if (*slot >= 0)
    {
      self->known_sum -= *slot;
      self->n_known--;
    }
  *slot = h;
  if (h >= 0)
    {
      self->known_sum += h;
      self->n_known++;
    }
}

static void
forget_heights (DaMessageList *self)
{
  for (guint i = 0; i < self->heights->len; i++)
    g_array_index (self->heights, int, i) = UNKNOWN_HEIGHT;
  self->known_sum = 0;
  self->n_known = 0;
}

/* Pixels above item @i, with estimates for rows never shown. */
static gint64
offset_of (DaMessageList *self,
           guint          i)
{
  int guess = estimate (self);
  gint64 sum = 0;

  for (guint j = 0; j < i; j++)
    sum += item_height (self, j, guess);

  return sum;
}

/* Turns an adjustment value into the anchor. */
static void
anchor_at_value (DaMessageList *self,
                 double         value)
{
  guint n = n_items (self);
  int guess = estimate (self);
  gint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      int h = item_height (self, i, guess);

      if (sum + h > value)
        {
          self->anchor = i;
          self->anchor_offset = (int) (value - sum);
          return;
        }
      sum += h;
    }

  self->anchor = n > 0 ? n - 1 : 0;
  self->anchor_offset = 0;
  self->pin_end = TRUE;
}

static void
retire_row (DaMessageList *self,
            GtkWidget     *row)
{
  da_message_row_set_message (DA_MESSAGE_ROW (row), NULL);
  /* Focus leaves a row removed with its message. */
  if (self->spare->len < MAX_SPARE_ROWS && gtk_widget_get_focus_child (GTK_WIDGET (self)) != row)
    {
      gtk_widget_set_child_visible (row, FALSE);
      g_ptr_array_add (self->spare, row);
    }
  else
    gtk_widget_unparent (row);
}

/* A spare or new row, bound to @item. */
static GtkWidget *
bind_row (DaMessageList *self,
          DaMessage     *item)
{
  GtkWidget *row = NULL;

  /* A spare row last styled for this role, else any. */
  for (guint j = self->spare->len; j > 0 && row == NULL; j--)
    if (da_message_row_has_role_style (g_ptr_array_index (self->spare, j - 1), da_message_get_role (item)))
      row = g_ptr_array_steal_index_fast (self->spare, j - 1);
  if (row == NULL && self->spare->len > 0)
    row = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
  else if (row == NULL)
    {
      row = da_message_row_new ();
      gtk_widget_set_parent (row, GTK_WIDGET (self));
    }
  gtk_widget_set_child_visible (row, TRUE);
  da_message_row_set_message (DA_MESSAGE_ROW (row), item);
  self->n_binds++;

  return row;
}

/* The row for item @i: the one already showing it, else a spare or new
 * row bound to it. It moves to @next, the rows of this layout. */
static GtkWidget *
row_for (DaMessageList *self,
         guint          i,
         GHashTable    *next)
{
  g_autoptr(DaMessage) item = g_list_model_get_item (self->model, i);
  GtkWidget *row;

  row = g_hash_table_lookup (next, item);
  if (row != NULL)
    return row;

  if (g_hash_table_steal_extended (self->shown, item, NULL, (gpointer *) &row))
    g_object_unref (item);   /* the reference the key held */
  else
    row = bind_row (self, item);

  g_hash_table_insert (next, g_object_ref (item), row);

  return row;
}

static int
row_width (GtkWidget *row,
           int        width)
{
  int min;

  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);

  return MAX (width, min);
}

static int
measure_row (DaMessageList *self,
             guint          i,
             GtkWidget     *row,
             int            width)
{
  int min, nat;

  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, row_width (row, width), &min, &nat, NULL, NULL);
  set_height (self, i, MAX (min, nat));

  return MAX (min, nat);
}

/* Sets the anchor so that the last row ends at the bottom of the view
 * (or the first starts at the top, when all fit). */
static void
anchor_at_end (DaMessageList *self,
               GHashTable    *next,
               int            width,
               int            height)
{
  guint i = n_items (self);
  int y = height;

  while (i > 0 && y > 0)
    {
      i--;
      y -= measure_row (self, i, row_for (self, i, next), width);
    }

  self->anchor = i;
  self->anchor_offset = y < 0 ? -y : 0;
}

/* Moves the anchor so that item @i is in view: at the top when it is
 * above the view (or taller than it), else at the bottom. */
static void
reveal_item (DaMessageList *self,
             guint          i,
             GHashTable    *next,
             int            width,
             int            height)
{
  guint j;
  int y, h;

  if (i < self->anchor || (i == self->anchor && self->anchor_offset > 0))
    {
      self->anchor = i;
      self->anchor_offset = 0;
      self->pin_end = FALSE;
      return;
    }

  y = -self->anchor_offset;
  for (j = self->anchor; j < i && y < height; j++)
    y += measure_row (self, j, row_for (self, j, next), width);
  h = measure_row (self, i, row_for (self, i, next), width);
  if (j == i && y + h <= height)
    return;

  if (h >= height)
    {
      self->anchor = i;
      self->anchor_offset = 0;
      self->pin_end = FALSE;
      return;
    }

  y = height - h;
  for (j = i; j > 0 && y > 0; )
    {
      j--;
      y -= measure_row (self, j, row_for (self, j, next), width);
    }
  self->anchor = j;
  self->anchor_offset = y < 0 ? -y : 0;
  self->pin_end = (i + 1 == n_items (self));
}

/* One layout of the rows in view. Returns FALSE when the rows end above
 * the bottom of the view while some are scrolled off the top: the caller
 * then lays out again anchored at the end. */
static gboolean
lay_out_rows (DaMessageList *self,
              GHashTable    *next,
              GHashTable    *placed,
              int            width,
              int            height)
{
  guint n = n_items (self);
  guint i;
  int y;

  if (self->pin_end)
    anchor_at_end (self, next, width, height);

  if (self->anchor >= n)
    {
      self->anchor = n - 1;
      self->anchor_offset = 0;
    }

  if (self->reveal < n)
    reveal_item (self, self->reveal, next, width, height);
  self->reveal = NO_ITEM;

  /* Rows scrolled back into view above the anchor. */
  while (self->anchor_offset < 0 && self->anchor > 0)
    {
      self->anchor--;
      self->anchor_offset += measure_row (self, self->anchor, row_for (self, self->anchor, next), width);
    }
  self->anchor_offset = MAX (self->anchor_offset, 0);

  /* Rows scrolled out of view at the top. */
  while (self->anchor + 1 < n)
    {
      int h = g_array_index (self->heights, int, self->anchor);

      if (h < 0)
        h = measure_row (self, self->anchor, row_for (self, self->anchor, next), width);
      if (self->anchor_offset < h)
        break;
      self->anchor_offset -= h;
      self->anchor++;
    }

  y = -self->anchor_offset;
  for (i = self->anchor; i < n && y < height; i++)
    {
      GtkWidget *row = row_for (self, i, next);
      int h = measure_row (self, i, row, width);
      GskTransform *transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, y));

      gtk_widget_allocate (row, row_width (row, width), h, -1, transform);
      g_hash_table_add (placed, row);
      y += h;
    }

  if (y < height && (self->anchor > 0 || self->anchor_offset > 0) && !self->pin_end)
    return FALSE;

  return TRUE;
}

static void
configure_adjustments (DaMessageList *self,
                       int            width,
                       int            height)
{
  guint n = n_items (self);
  gint64 total = offset_of (self, n);
  double value = n > 0 ? (double) (offset_of (self, self->anchor) + self->anchor_offset) : 0;

  self->given_value = value;
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment, value, 0, MAX (total, height),
                              height * 0.1, height * 0.9, height);
  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
}

static void
da_message_list_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);

  if (width != self->measured_width)
    {
      forget_heights (self);
      self->measured_width = width;
    }

  self->allocating = TRUE;
  for (guint pass = 0; pass < 3; pass++)
    {
      g_autoptr(GHashTable) next = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      g_autoptr(GHashTable) placed = g_hash_table_new (NULL, NULL);
      GHashTableIter iter;
      GtkWidget *keep;
      gpointer row;

      self->value_moved = FALSE;
      if (n_items (self) > 0 && !lay_out_rows (self, next, placed, width, height))
        {
          self->pin_end = TRUE;
          g_hash_table_remove_all (placed);
          lay_out_rows (self, next, placed, width, height);
        }

      /* The row with focus stays, laid out below the view. */
      keep = gtk_widget_get_focus_child (widget);
      if (keep != NULL && !g_hash_table_contains (placed, keep))
        {
          DaMessage *item = da_message_row_get_message (DA_MESSAGE_ROW (keep));
          gpointer key;

          if (item != NULL && !g_hash_table_contains (next, item) &&
              g_hash_table_steal_extended (self->shown, item, &key, NULL))
            g_hash_table_insert (next, key, keep);
          if (item != NULL && g_hash_table_contains (next, item))
            {
              int min, h;

              gtk_widget_measure (keep, GTK_ORIENTATION_VERTICAL, row_width (keep, width), &min, &h, NULL, NULL);
              h = MAX (min, h);
              gtk_widget_allocate (keep, row_width (keep, width), h, -1,
                                   gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, height)));
              g_hash_table_add (placed, keep);
            }
        }

      /* Rows measured on the way to the anchor but not in view. */
      g_hash_table_iter_init (&iter, next);
      while (g_hash_table_iter_next (&iter, NULL, &row))
        if (!g_hash_table_contains (placed, row))
          {
            retire_row (self, row);
            g_hash_table_iter_remove (&iter);
          }

      /* Rows no longer in view are unbound and kept for reuse. */
      g_hash_table_iter_init (&iter, self->shown);
      while (g_hash_table_iter_next (&iter, NULL, &row))
        retire_row (self, row);
      g_hash_table_remove_all (self->shown);
      g_hash_table_unref (self->shown);
      self->shown = g_steal_pointer (&next);

      /* Someone may move the adjustment when its upper changes (the chat
       * view following the end): lay out again at the new value. */
      configure_adjustments (self, width, height);
      if (!self->value_moved)
        break;
    }
  self->allocating = FALSE;
}

static void
da_message_list_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);
  GHashTableIter iter;
  gpointer row;
  int widest = 0;

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      *minimum = *natural = 0;
      return;
    }

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      int min;

      gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      widest = MAX (widest, min);
    }
  *minimum = *natural = widest;
}

static void
value_changed_cb (DaMessageList *self,
                  GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (fabs (value - self->given_value) < 0.5)
    return;

  /* Scrolled to the very end: stay there as rows grow. */
  self->pin_end = value >= end - 0.5;
  if (!self->pin_end)
    anchor_at_value (self, value);
  self->given_value = value;

  if (self->allocating)
    self->value_moved = TRUE;
  else
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
set_adjustment (DaMessageList  *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment,
                gboolean        vertical)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;

  if (*slot != NULL && vertical)
    g_signal_handlers_disconnect_by_func (*slot, value_changed_cb, self);
  g_set_object (slot, g_object_ref_sink (adjustment));
  g_object_unref (adjustment);
  if (vertical)
    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (value_changed_cb),
                             self, G_CONNECT_SWAPPED);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
items_changed_cb (DaMessageList *self,
                  guint          position,
                  guint          removed,
                  guint          added,
                  GListModel    *model)
{
  for (guint i = position; i < position + removed; i++)
    set_height (self, i, UNKNOWN_HEIGHT);
  g_array_remove_range (self->heights, position, removed);
  if (added > 0)
    {
      g_autofree int *unknown = g_new (int, added);

      for (guint i = 0; i < added; i++)
        unknown[i] = UNKNOWN_HEIGHT;
      g_array_insert_vals (self->heights, position, unknown, added);
    }

  /* Focus follows its item; when the item goes, the one in its place
   * takes focus. */
  if (self->focus_pos != NO_ITEM && position + removed <= self->focus_pos)
    self->focus_pos = self->focus_pos + added - removed;
  else if (self->focus_pos != NO_ITEM && position <= self->focus_pos)
    {
      guint n = g_list_model_get_n_items (model);

      self->focus_pos = NO_ITEM;
      if (n > 0 && gtk_widget_get_focus_child (GTK_WIDGET (self)) != NULL)
        da_message_list_focus_item (self, MIN (position, n - 1));
    }
  if (self->reveal != NO_ITEM && position + removed <= self->reveal)
    self->reveal = self->reveal + added - removed;
  else if (self->reveal != NO_ITEM && position <= self->reveal)
    self->reveal = NO_ITEM;

  /* The row at the top stays at the top, wherever it moved. */
  if (position + removed <= self->anchor)
    self->anchor = self->anchor + added - removed;
  else if (position <= self->anchor)
    {
      self->anchor = position;
      self->anchor_offset = 0;
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
clear_rows (DaMessageList *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->shown);
  g_ptr_array_set_size (self->spare, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

static void
da_message_list_dispose (GObject *object)
{
  DaMessageList *self = DA_MESSAGE_LIST (object);

  da_message_list_set_model (self, NULL);
  clear_rows (self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, value_changed_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (da_message_list_parent_class)->dispose (object);
}

static void
da_message_list_finalize (GObject *object)
{
  DaMessageList *self = DA_MESSAGE_LIST (object);

  g_hash_table_unref (self->shown);
  g_ptr_array_unref (self->spare);
  g_array_unref (self->heights);

  G_OBJECT_CLASS (da_message_list_parent_class)->finalize (object);
}

static void
da_message_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DaMessageList *self = DA_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;

    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;

    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;

    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_message_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DaMessageList *self = DA_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      da_message_list_set_model (self, g_value_get_object (value));
      break;

    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value), FALSE);
      break;

    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value), TRUE);
      break;

    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;

    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static DaMessage *
peek_item (DaMessageList *self,
           guint          i)
{
  g_autoptr(DaMessage) item = g_list_model_get_item (self->model, i);

  return item;   /* the model keeps it */
}

/* The position of @item, looked for from the rows in view outwards. */
static guint
position_of (DaMessageList *self,
             DaMessage     *item)
{
  guint n = n_items (self);

  if (self->focus_pos < n && peek_item (self, self->focus_pos) == item)
    return self->focus_pos;

  for (guint d = 0; d < n; d++)
    {
      if (self->anchor + d < n && peek_item (self, self->anchor + d) == item)
        return self->anchor + d;
      if (d > 0 && d <= self->anchor && peek_item (self, self->anchor - d) == item)
        return self->anchor - d;
      if (self->anchor + d >= n && d >= self->anchor)
        break;
    }

  return NO_ITEM;
}

static gboolean
row_in_view (DaMessageList *self,
             GtkWidget     *row)
{
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (row, GTK_WIDGET (self), &bounds) &&
         bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (self));
}

/* Where focus goes when it comes into the list: the row that had it if
 * it is in view, else the newest message at the end, else the top row. */
static guint
entry_item (DaMessageList *self)
{
  guint n = n_items (self);

  if (self->focus_pos < n)
    {
      GtkWidget *row = g_hash_table_lookup (self->shown, peek_item (self, self->focus_pos));

      if (row != NULL && row_in_view (self, row))
        return self->focus_pos;
    }

  if (self->pin_end)
    return n - 1;
  if (self->anchor_offset > 0 && self->anchor + 1 < n)
    return self->anchor + 1;

  return MIN (self->anchor, n - 1);
}

static guint
current_item (DaMessageList *self)
{
  return self->focus_pos < n_items (self) ? self->focus_pos : entry_item (self);
}

/* The item about a view's height before (@pages < 0) or after the
 * current one, at least one item away. */
static guint
page_item (DaMessageList *self,
           int            pages)
{
  guint n = n_items (self);
  guint i = current_item (self);
  int page = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);
  int guess = estimate (self);
  gint64 moved = 0;

  if (pages > 0)
    {
      for (guint from = i; i + 1 < n; i++)
        {
          moved += item_height (self, i, guess);
          if (moved > page && i != from)
            break;
        }
    }
  else
    {
      for (guint from = i; i > 0; i--)
        {
          moved += item_height (self, i - 1, guess);
          if (moved > page && i != from)
            break;
        }
    }

  return i;
}

static gboolean
da_message_list_focus (GtkWidget        *widget,
                       GtkDirectionType  direction)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);
  GtkWidget *row = gtk_widget_get_focus_child (widget);

  /* Within a row: into its links and buttons, then out of the list. */
  if (row != NULL)
    return gtk_widget_child_focus (row, direction);

  if (n_items (self) == 0)
    return FALSE;

  return da_message_list_focus_item (self, entry_item (self));
}

static void
da_message_list_set_focus_child (GtkWidget *widget,
                                 GtkWidget *child)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);

  GTK_WIDGET_CLASS (da_message_list_parent_class)->set_focus_child (widget, child);

  if (child != NULL && DA_IS_MESSAGE_ROW (child) && da_message_row_get_message (DA_MESSAGE_ROW (child)) != NULL)
    self->focus_pos = position_of (self, da_message_row_get_message (DA_MESSAGE_ROW (child)));
}

static void
focus_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);
  guint n = n_items (self);
  gint64 i;

  if (n == 0)
    return;
  i = (gint64) current_item (self) + g_variant_get_int32 (parameter);
  da_message_list_focus_item (self, (guint) CLAMP (i, 0, (gint64) n - 1));
}

static void
focus_page_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);

  if (n_items (self) > 0)
    da_message_list_focus_item (self, page_item (self, g_variant_get_int32 (parameter)));
}

static void
focus_first_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);

  if (n_items (self) > 0)
    da_message_list_focus_item (self, 0);
}

static void
focus_last_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DaMessageList *self = DA_MESSAGE_LIST (widget);

  if (n_items (self) > 0)
    da_message_list_focus_item (self, n_items (self) - 1);
}

/* Binds @keyval and its keypad twin to @action_name with @amount. */
static void
add_move_binding (GtkWidgetClass  *widget_class,
                  guint            keyval,
                  guint            kp_keyval,
                  GdkModifierType  modifiers,
                  const char      *action_name,
                  GVariant        *amount)
{
  guint keyvals[] = { keyval, kp_keyval };

  if (amount != NULL)
    g_variant_ref_sink (amount);
  for (guint k = 0; k < G_N_ELEMENTS (keyvals); k++)
    {
      g_autoptr(GtkShortcut) shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyvals[k], modifiers),
                                                          gtk_named_action_new (action_name));

      if (amount != NULL)
        gtk_shortcut_set_arguments (shortcut, amount);
      gtk_widget_class_add_shortcut (widget_class, shortcut);
    }
  g_clear_pointer (&amount, g_variant_unref);
}

static void
da_message_list_class_init (DaMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_message_list_dispose;
  object_class->finalize = da_message_list_finalize;
  object_class->get_property = da_message_list_get_property;
  object_class->set_property = da_message_list_set_property;
  widget_class->measure = da_message_list_measure;
  widget_class->size_allocate = da_message_list_size_allocate;
  widget_class->focus = da_message_list_focus;
  widget_class->set_focus_child = da_message_list_set_focus_child;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "messagelist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);

  gtk_widget_class_install_action (widget_class, "messages.focus-step", "i", focus_step_action);
  gtk_widget_class_install_action (widget_class, "messages.focus-page", "i", focus_page_action);
  gtk_widget_class_install_action (widget_class, "messages.focus-first", NULL, focus_first_action);
  gtk_widget_class_install_action (widget_class, "messages.focus-last", NULL, focus_last_action);
  add_move_binding (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, "messages.focus-step", g_variant_new_int32 (-1));
  add_move_binding (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, "messages.focus-step", g_variant_new_int32 (1));
  add_move_binding (widget_class, GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up, 0, "messages.focus-page", g_variant_new_int32 (-1));
  add_move_binding (widget_class, GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down, 0, "messages.focus-page", g_variant_new_int32 (1));
  add_move_binding (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, 0, "messages.focus-first", NULL);
  add_move_binding (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, GDK_CONTROL_MASK, "messages.focus-first", NULL);
  add_move_binding (widget_class, GDK_KEY_End, GDK_KEY_KP_End, 0, "messages.focus-last", NULL);
  add_move_binding (widget_class, GDK_KEY_End, GDK_KEY_KP_End, GDK_CONTROL_MASK, "messages.focus-last", NULL);
}

static void
da_message_list_init (DaMessageList *self)
{
  self->heights = g_array_new (FALSE, FALSE, sizeof (int));
  self->shown = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->spare = g_ptr_array_new ();
  self->measured_width = -1;
  self->pin_end = TRUE;
  self->focus_pos = NO_ITEM;
  self->reveal = NO_ITEM;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
da_message_list_new (void)
{
  return g_object_new (DA_TYPE_MESSAGE_LIST, NULL);
}

GListModel *
da_message_list_get_model (DaMessageList *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_LIST (self), NULL);

  return self->model;
}

void
da_message_list_set_model (DaMessageList *self,
                           GListModel    *model)
{
  g_return_if_fail (DA_IS_MESSAGE_LIST (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);

  /* Rows of the old model are unbound now, not at the next layout. */
  {
    GHashTableIter iter;
    gpointer row;

    g_hash_table_iter_init (&iter, self->shown);
    while (g_hash_table_iter_next (&iter, NULL, &row))
      retire_row (self, row);
    g_hash_table_remove_all (self->shown);
  }

  g_set_object (&self->model, model);
  g_array_set_size (self->heights, 0);
  self->known_sum = 0;
  self->n_known = 0;
  self->anchor = 0;
  self->anchor_offset = 0;
  self->pin_end = TRUE;
  self->focus_pos = NO_ITEM;
  self->reveal = NO_ITEM;

  if (model != NULL)
    {
      items_changed_cb (self, 0, 0, g_list_model_get_n_items (model), model);
      g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/* Shows item @position at the top of the view. */
void
da_message_list_scroll_to (DaMessageList *self,
                           guint          position)
{
  g_return_if_fail (DA_IS_MESSAGE_LIST (self));

  self->anchor = position;
  self->anchor_offset = 0;
  self->pin_end = FALSE;
  self->reveal = NO_ITEM;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Shows the end, and stays there until scrolled away. */
void
da_message_list_scroll_to_end (DaMessageList *self)
{
  g_return_if_fail (DA_IS_MESSAGE_LIST (self));

  self->pin_end = TRUE;
  self->reveal = NO_ITEM;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Moves focus to the row of item @position, scrolled into view. The row
 * is bound now if it was not in view, so focus moves at once. */
gboolean
da_message_list_focus_item (DaMessageList *self,
                            guint          position)
{
  DaMessage *item;
  GtkWidget *row;

  g_return_val_if_fail (DA_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (position < n_items (self), FALSE);

  item = peek_item (self, position);
  row = g_hash_table_lookup (self->shown, item);
  if (row == NULL)
    {
      row = bind_row (self, item);
      g_hash_table_insert (self->shown, g_object_ref (item), row);
    }

  self->focus_pos = position;
  self->reveal = position;
  gtk_widget_queue_allocate (GTK_WIDGET (self));

  return gtk_widget_grab_focus (row);
}

/* The position of the message that has focus, or last had it. */
guint
da_message_list_get_focus_position (DaMessageList *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_LIST (self), NO_ITEM);

  return self->focus_pos;
}

/* How many rows are in view (bound to a message). */
guint
da_message_list_get_n_rows (DaMessageList *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_LIST (self), 0);

  return g_hash_table_size (self->shown);
}

/* How many times a row was bound to a message since the list was made. */
guint
da_message_list_get_n_binds (DaMessageList *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_LIST (self), 0);

  return self->n_binds;
}
