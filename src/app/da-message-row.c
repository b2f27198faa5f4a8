/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "da-markdown-view.h"
#include "da-message-row.h"
#include "da-tool-card.h"

struct _DaMessageRow
{
  GtkWidget       parent_instance;

  DaMessage      *message;
  GSignalGroup   *signals;

  AdwAvatar      *avatar;
  GtkLabel       *sender_label;
  GtkLabel       *role_label;
  GtkSpinner     *spinner;
  GtkLabel       *state_label;
  GtkWidget      *bubble;
  DaMarkdownView *markdown;
  GtkLabel       *error_label;
  GtkLabel       *usage_label;
  GtkWidget      *retry_button;
  GtkWidget      *tools_box;
  gboolean        watching_outcomes;
  char           *accessible_label;
  const char     *accessible_description;
};

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DaMessageRow, da_message_row, GTK_TYPE_WIDGET)

static const char *role_classes[] = { "system", "user", "assistant", "tool" };

#define LABEL_CHARS 80

/* The first line of @text without its leading markdown marks, at most
 * LABEL_CHARS characters: only that much of the text is looked at, so a
 * streaming reply costs the same at every delta. */
static char *
first_line (const char *text)
{
  GString *line = g_string_new (NULL);
  const char *p = text;
  guint n = 0;

  while (*p == '#' || *p == '>' || *p == ' ' || *p == '\t' || *p == '\n')
    p++;
  for (; *p != '\0' && *p != '\n' && n < LABEL_CHARS; n++)
    {
      const char *next = g_utf8_next_char (p);

      if (*p != '*' && *p != '`' && *p != '_')
        g_string_append_len (line, p, next - p);
      p = next;
    }
  if (*p != '\0' && *p != '\n')
    g_string_append (line, "…");

  return g_string_free (line, FALSE);
}

/* The row's name for screen readers: who wrote it and how it begins. */
static void
update_accessible (DaMessageRow *self)
{
  const char *sender = gtk_label_get_label (self->sender_label);
  g_autofree char *line = first_line (self->message ? da_message_get_content (self->message) : "");
  g_autofree char *label = NULL;

  if (*line != '\0')
    /* TRANSLATORS: the name of a message for screen readers: its sender, its first line */
    label = g_strdup_printf (_("%s: %s"), sender, line);
  else
    label = g_strdup (sender);

  if (g_strcmp0 (label, self->accessible_label) == 0)
    return;
  g_free (self->accessible_label);
  self->accessible_label = g_steal_pointer (&label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->accessible_label,
                                  -1);
}

static void
update_content (DaMessageRow *self)
{
  da_markdown_view_set_text (self->markdown,
                             self->message ? da_message_get_content (self->message) : "");
  update_accessible (self);
}

static void
update_state (DaMessageRow *self)
{
  DaMessageState state = self->message ? da_message_get_state (self->message)
                                       : DA_MESSAGE_STATE_COMPLETE;
  const char *error_message = self->message ? da_message_get_error_message (self->message) : NULL;
  gboolean streaming = (state == DA_MESSAGE_STATE_STREAMING);
  gboolean failed = (state == DA_MESSAGE_STATE_ERROR || state == DA_MESSAGE_STATE_INCOMPLETE);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), streaming);
  gtk_spinner_set_spinning (self->spinner, streaming);

  if (state == DA_MESSAGE_STATE_ERROR)
    gtk_label_set_label (self->state_label, _("Failed"));
  else if (state == DA_MESSAGE_STATE_INCOMPLETE)
    gtk_label_set_label (self->state_label, _("Incomplete"));
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), failed);

  gtk_label_set_label (self->error_label, error_message ? error_message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && error_message && *error_message);
  gtk_widget_set_visible (self->retry_button, failed);

  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "failed");

  /* A finished message is drawn in full now, not on the next frame. */
  if (!streaming)
    da_markdown_view_flush (self->markdown);
}

static void
update_usage (DaMessageRow *self)
{
  gint64 prompt = self->message ? da_message_get_prompt_tokens (self->message) : 0;
  gint64 completion = self->message ? da_message_get_completion_tokens (self->message) : 0;

  if (prompt > 0 || completion > 0)
    {
      g_autofree char *in = g_strdup_printf ("%" G_GINT64_FORMAT, prompt);
      g_autofree char *out = g_strdup_printf ("%" G_GINT64_FORMAT, completion);
      /* TRANSLATORS: token counts of one reply: prompt tokens, completion tokens */
      g_autofree char *text = g_strdup_printf (_("%s tokens in, %s out"), in, out);

      gtk_label_set_label (self->usage_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->usage_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->usage_label), FALSE);
}

static void
update_identity (DaMessageRow *self)
{
  DaRole role = self->message ? da_message_get_role (self->message) : DA_ROLE_USER;
  const char *sender = self->message ? da_message_get_sender (self->message) : NULL;
  const char *role_text = NULL;

  /* A class that goes and comes back still restyles the whole row, so
   * only the classes that change are touched, and an unbound row keeps
   * its last role's (the message list reuses it for the same role). */
  if (self->message != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (role_classes); i++)
      {
        if (i == (guint) role)
          gtk_widget_add_css_class (GTK_WIDGET (self), role_classes[i]);
        else
          gtk_widget_remove_css_class (GTK_WIDGET (self), role_classes[i]);
      }

  switch (role)
    {
    case DA_ROLE_USER:
      if (sender == NULL || *sender == '\0' || g_str_equal (sender, "user"))
        sender = _("You");
      adw_avatar_set_icon_name (self->avatar, "avatar-default-symbolic");
      break;

    case DA_ROLE_ASSISTANT:
      role_text = _("Agent");
      adw_avatar_set_icon_name (self->avatar, NULL);
      break;

    case DA_ROLE_TOOL:
      role_text = _("Tool result");
      adw_avatar_set_icon_name (self->avatar, "applications-utilities-symbolic");
      break;

    case DA_ROLE_SYSTEM:
    default:
      role_text = _("System");
      adw_avatar_set_icon_name (self->avatar, "emblem-system-symbolic");
      break;
    }

  if (sender == NULL || *sender == '\0')
    sender = role_text;

  gtk_label_set_label (self->sender_label, sender);
  adw_avatar_set_text (self->avatar, sender);
  adw_avatar_set_show_initials (self->avatar, role == DA_ROLE_ASSISTANT);
  gtk_label_set_label (self->role_label, role_text ? role_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->role_label),
                          role_text != NULL && g_strcmp0 (role_text, sender) != 0);
  if (role_text != self->accessible_description)
    {
      self->accessible_description = role_text;
      if (role_text != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, role_text,
                                        -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  update_accessible (self);
}

/* Tool calls and results are drawn as cards (da-tool-card.c): an
 * assistant reply shows the calls it asked for, a tool message the
 * outcome of its call, with the run's details while the application
 * still knows them. */
static void outcome_added_cb (DaMessageRow *self,
                              const char   *call_id);

static void
update_tools (DaMessageRow *self)
{
  DaAppSecurity *security = da_app_security_peek_default ();
  DaRole role = self->message ? da_message_get_role (self->message) : DA_ROLE_USER;
  GPtrArray *calls = self->message ? da_message_get_tool_calls (self->message) : NULL;
  GtkWidget *child;
  gboolean any = FALSE;

  if (security != NULL && !self->watching_outcomes)
    {
      g_signal_connect_object (security, "outcome-added", G_CALLBACK (outcome_added_cb),
                               self, G_CONNECT_SWAPPED);
      self->watching_outcomes = TRUE;
    }

  while ((child = gtk_widget_get_first_child (self->tools_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->tools_box), child);

  if (role == DA_ROLE_ASSISTANT && calls != NULL)
    {
      for (guint i = 0; i < calls->len; i++)
        {
          const DaToolCall *call = g_ptr_array_index (calls, i);
          GtkWidget *card = da_tool_card_new ();

          da_tool_card_set_call (DA_TOOL_CARD (card), call);
          gtk_box_append (GTK_BOX (self->tools_box), card);
          any = TRUE;
        }
    }
  else if (role == DA_ROLE_TOOL)
    {
      const char *id = da_message_get_tool_call_id (self->message);
      const DaToolOutcome *outcome = security ? da_app_security_lookup_outcome (security, id) : NULL;
      GtkWidget *card = da_tool_card_new ();

      if (outcome != NULL)
        da_tool_card_set_outcome (DA_TOOL_CARD (card), outcome);
      else
        {
          g_autoptr(DaToolCall) call = da_tool_call_new (id, _("Tool"), NULL);

          da_tool_card_set_call (DA_TOOL_CARD (card), call);
          da_tool_card_set_output (DA_TOOL_CARD (card), da_message_get_content (self->message));
        }
      gtk_box_append (GTK_BOX (self->tools_box), card);
      any = TRUE;
    }

  gtk_widget_set_visible (self->tools_box, any);
  gtk_widget_set_visible (GTK_WIDGET (self->markdown), role != DA_ROLE_TOOL);
}

static void
outcome_added_cb (DaMessageRow *self,
                  const char   *call_id)
{
  if (self->message != NULL && da_message_get_role (self->message) == DA_ROLE_TOOL &&
      g_strcmp0 (da_message_get_tool_call_id (self->message), call_id) == 0)
    update_tools (self);
}

static void
da_message_row_dispose (GObject *object)
{
  DaMessageRow *self = DA_MESSAGE_ROW (object);
  GtkWidget *child;

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_MESSAGE_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (da_message_row_parent_class)->dispose (object);
}

static void
da_message_row_finalize (GObject *object)
{
  DaMessageRow *self = DA_MESSAGE_ROW (object);

  g_free (self->accessible_label);

  G_OBJECT_CLASS (da_message_row_parent_class)->finalize (object);
}

/* The row takes focus itself; Tab then goes on into its links and
 * buttons, and Shift+Tab from them comes back to the row. */
static gboolean
da_message_row_focus (GtkWidget        *widget,
                      GtkDirectionType  direction)
{
  GtkWidget *content = gtk_widget_get_first_child (widget);

  if (gtk_widget_is_focus (widget))
    return direction == GTK_DIR_TAB_FORWARD && content != NULL &&
           gtk_widget_child_focus (content, direction);

  if (gtk_widget_get_focus_child (widget) != NULL)
    {
      if (content != NULL && gtk_widget_child_focus (content, direction))
        return TRUE;
      if (direction == GTK_DIR_TAB_BACKWARD)
        return gtk_widget_grab_focus (widget);
      return FALSE;
    }

  return gtk_widget_grab_focus (widget);
}

static void
da_message_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DaMessageRow *self = DA_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_message_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DaMessageRow *self = DA_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      da_message_row_set_message (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_message_row_class_init (DaMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_message_row_dispose;
  object_class->finalize = da_message_row_finalize;
  object_class->get_property = da_message_row_get_property;
  object_class->set_property = da_message_row_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL, DA_TYPE_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DA_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, role_label);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, markdown);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, usage_label);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DaMessageRow, tools_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  widget_class->focus = da_message_row_focus;
}

static void
da_message_row_init (DaMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  self->signals = g_signal_group_new (DA_TYPE_MESSAGE);
  g_signal_group_connect_swapped (self->signals, "notify::content", G_CALLBACK (update_content), self);
  g_signal_group_connect_swapped (self->signals, "notify::state", G_CALLBACK (update_state), self);
  g_signal_group_connect_swapped (self->signals, "notify::error-message", G_CALLBACK (update_state), self);
  g_signal_group_connect_swapped (self->signals, "notify::prompt-tokens", G_CALLBACK (update_usage), self);
  g_signal_group_connect_swapped (self->signals, "notify::completion-tokens", G_CALLBACK (update_usage), self);
  g_signal_group_connect_swapped (self->signals, "notify::sender", G_CALLBACK (update_identity), self);
  g_signal_group_connect_swapped (self->signals, "notify::n-tool-calls", G_CALLBACK (update_tools), self);
  g_signal_group_connect_swapped (self->signals, "notify::tool-call-id", G_CALLBACK (update_tools), self);
}

/* Whether the row is styled for @role (it was last bound to a message in
 * that role): binding it to another such message restyles nothing. */
gboolean
da_message_row_has_role_style (DaMessageRow *self,
                               DaRole        role)
{
  g_return_val_if_fail (DA_IS_MESSAGE_ROW (self), FALSE);

  return (guint) role < G_N_ELEMENTS (role_classes) &&
         gtk_widget_has_css_class (GTK_WIDGET (self), role_classes[role]);
}

GtkWidget *
da_message_row_new (void)
{
  return g_object_new (DA_TYPE_MESSAGE_ROW, NULL);
}

DaMessage *
da_message_row_get_message (DaMessageRow *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

void
da_message_row_set_message (DaMessageRow *self,
                            DaMessage    *message)
{
  g_return_if_fail (DA_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || DA_IS_MESSAGE (message));

  if (!g_set_object (&self->message, message))
    return;

  g_signal_group_set_target (self->signals, message);
  update_identity (self);
  update_content (self);
  update_state (self);
  update_usage (self);
  update_tools (self);
  /* A recycled row shows its new message at once. */
  da_markdown_view_flush (self->markdown);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}
