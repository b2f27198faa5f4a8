/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "da-chat-view.h"
#include "da-message-list.h"
#include "da-message.h"

struct _DaChatView
{
  GtkWidget          parent_instance;

  GListModel        *model;
  gboolean           busy;
  gboolean           needs_setup;
  gboolean           stick_to_end;

  GtkScrolledWindow *scroller;
  DaMessageList     *message_list;
  GtkWidget         *setup_box;
  GtkLabel          *setup_label;
  GtkButton         *setup_button;
  GtkLabel          *human_label;
  GtkTextView       *composer;
  GtkStack          *button_stack;
  GtkLabel          *usage_label;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_BUSY,
  N_PROPS
};

enum {
  SEND,
  STOP,
  RETRY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DaChatView, da_chat_view, GTK_TYPE_WIDGET)

static void
update_actions (DaChatView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  gboolean has_text = gtk_text_buffer_get_char_count (buffer) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send",
                                 !self->busy && !self->needs_setup && has_text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.retry",
                                 !self->busy && !self->needs_setup);
  gtk_stack_set_visible_child_name (self->button_stack, self->busy ? "stop" : "send");
  gtk_text_view_set_editable (self->composer, !self->needs_setup);
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), !self->needs_setup);
}

static void
update_usage (DaChatView *self)
{
  gint64 prompt = 0, completion = 0;
  guint n = self->model ? g_list_model_get_n_items (self->model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (self->model, i);

      prompt += da_message_get_prompt_tokens (message);
      completion += da_message_get_completion_tokens (message);
    }

  if (prompt + completion > 0)
    {
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, prompt + completion);
      g_autofree char *text = g_strdup_printf (_("This conversation: %s tokens"), total);
      gtk_label_set_label (self->usage_label, text);
    }
  else
    gtk_label_set_label (self->usage_label, "");
}

static void
message_state_cb (DaChatView *self,
                  GParamSpec *pspec,
                  DaMessage  *message)
{
  if (da_message_get_state (message) != DA_MESSAGE_STATE_STREAMING)
    {
      update_usage (self);
      g_signal_handlers_disconnect_by_func (message, message_state_cb, self);
    }
}

static void
items_changed_cb (DaChatView *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (model, i);

      if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
        g_signal_connect_object (message, "notify::state",
                                 G_CALLBACK (message_state_cb), self, G_CONNECT_SWAPPED);
    }

  update_usage (self);

  if (self->stick_to_end)
    da_chat_view_scroll_to_end (self);
}

/* Follow the newest text while the person is at the end of the list;
 * leave them alone when they scrolled up to read. */
static void
adjustment_value_cb (DaChatView    *self,
                     GtkAdjustment *adj)
{
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  self->stick_to_end = gtk_adjustment_get_value (adj) >= bottom - 24;
}

void
da_chat_view_scroll_to_end (DaChatView *self)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));

  self->stick_to_end = TRUE;
  da_message_list_scroll_to_end (self->message_list);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaChatView *self = DA_CHAT_VIEW (widget);
  g_autofree char *text = da_chat_view_get_draft (self);
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->busy || self->needs_setup || *stripped == '\0')
    return;

  da_chat_view_set_draft (self, "");
  self->stick_to_end = TRUE;
  g_signal_emit (self, signals[SEND], 0, text);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DaChatView *self = DA_CHAT_VIEW (widget);

  if (self->busy)
    g_signal_emit (self, signals[STOP], 0);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DaChatView *self = DA_CHAT_VIEW (widget);

  if (!self->busy)
    {
      self->stick_to_end = TRUE;
      g_signal_emit (self, signals[RETRY], 0);
    }
}

static gboolean
composer_key_cb (DaChatView            *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "chat.send", NULL);
      return TRUE;
    }

  return FALSE;
}

static void
da_chat_view_dispose (GObject *object)
{
  DaChatView *self = DA_CHAT_VIEW (object);
  GtkWidget *child;

  da_chat_view_set_model (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_CHAT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (da_chat_view_parent_class)->dispose (object);
}

static void
da_chat_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DaChatView *self = DA_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DaChatView *self = DA_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      da_chat_view_set_model (self, g_value_get_object (value));
      break;

    case PROP_BUSY:
      da_chat_view_set_busy (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_view_class_init (DaChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_chat_view_dispose;
  object_class->get_property = da_chat_view_get_property;
  object_class->set_property = da_chat_view_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STOP] = g_signal_new ("stop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DA_TYPE_MESSAGE_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DaChatView, scroller);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, message_list);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, setup_box);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, setup_label);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, setup_button);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, human_label);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, composer);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, button_stack);
  gtk_widget_class_bind_template_child (widget_class, DaChatView, usage_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "chat.retry", NULL, retry_action);
}

static void
da_chat_view_init (DaChatView *self)
{
  GtkEventController *keys;
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->stick_to_end = TRUE;

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (composer_key_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->composer), keys);

  g_signal_connect_object (gtk_text_view_get_buffer (self->composer), "changed",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (adjustment_value_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
}

GtkWidget *
da_chat_view_new (void)
{
  return g_object_new (DA_TYPE_CHAT_VIEW, NULL);
}

GListModel *
da_chat_view_get_model (DaChatView *self)
{
  g_return_val_if_fail (DA_IS_CHAT_VIEW (self), NULL);

  return self->model;
}

void
da_chat_view_set_model (DaChatView *self,
                        GListModel *model)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);

  g_set_object (&self->model, model);
  if (self->message_list != NULL)
    da_message_list_set_model (self->message_list, model);

  if (model != NULL)
    {
      g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      items_changed_cb (self, 0, 0, g_list_model_get_n_items (model), model);
      da_chat_view_scroll_to_end (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

gboolean
da_chat_view_get_busy (DaChatView *self)
{
  g_return_val_if_fail (DA_IS_CHAT_VIEW (self), FALSE);

  return self->busy;
}

void
da_chat_view_set_busy (DaChatView *self,
                       gboolean    busy)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));

  busy = !!busy;
  if (self->busy == busy)
    return;

  self->busy = busy;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* With a reason, the composer is disabled and says what to do first. */
void
da_chat_view_set_needs_setup (DaChatView *self,
                              const char *reason)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));

  self->needs_setup = (reason != NULL);
  if (reason != NULL)
    gtk_label_set_label (self->setup_label, reason);
  gtk_widget_set_visible (self->setup_box, self->needs_setup);
  update_actions (self);
}

/**
 * da_chat_view_set_setup_action:
 * @label: the call to action's button label (with a mnemonic)
 * @detailed_action: what it does ("win.preferences")
 *
 * The button shown beside the reason of da_chat_view_set_needs_setup().
 */
void
da_chat_view_set_setup_action (DaChatView *self,
                               const char *label,
                               const char *detailed_action)
{
  g_autofree char *name = NULL;
  g_autoptr(GVariant) target = NULL;

  g_return_if_fail (DA_IS_CHAT_VIEW (self));
  g_return_if_fail (label != NULL && detailed_action != NULL);

  if (!g_action_parse_detailed_name (detailed_action, &name, &target, NULL))
    g_return_if_reached ();

  gtk_button_set_label (self->setup_button, label);
  /* Name and target change together: never one with the other's old value. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->setup_button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->setup_button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->setup_button), name);
}

/* When an agent waits for the person, the composer says so. */
void
da_chat_view_set_human_prompt (DaChatView *self,
                               const char *prompt)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));

  gtk_label_set_label (self->human_label, prompt ? prompt : "");
  gtk_widget_set_visible (GTK_WIDGET (self->human_label), prompt != NULL);
  if (prompt != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

char *
da_chat_view_get_draft (DaChatView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (DA_IS_CHAT_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->composer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
da_chat_view_set_draft (DaChatView *self,
                        const char *text)
{
  g_return_if_fail (DA_IS_CHAT_VIEW (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer), text ? text : "", -1);
}

GtkWidget *
da_chat_view_get_composer (DaChatView *self)
{
  g_return_val_if_fail (DA_IS_CHAT_VIEW (self), NULL);

  return GTK_WIDGET (self->composer);
}

DaMessageList *
da_chat_view_get_message_list (DaChatView *self)
{
  g_return_val_if_fail (DA_IS_CHAT_VIEW (self), NULL);

  return self->message_list;
}
