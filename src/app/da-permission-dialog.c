/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-permission-dialog.h"

/* Asks a person whether an agent's tool may do one thing. Every string in
 * it comes from the model, so it is shown in its escaped display form
 * (control characters, ANSI escapes, bidi controls and zero-width
 * characters made visible), never as markup. Deny is the default and what
 * Escape or closing the window answers; "Always Allow" stays disabled
 * until the person ticks that they understand the agent may then do this
 * without asking again. */

struct _DaPermissionDialog
{
  AdwMessageDialog     parent_instance;

  DaPermissionRequest *request;
  GCancellable        *cancellable;
  gulong               cancelled_id;

  GtkLabel            *target_label;
  GtkLabel            *detail_label;
  GtkCheckButton      *confirm_button;
};

G_DEFINE_FINAL_TYPE (DaPermissionDialog, da_permission_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
format_heading (DaPermissionKind  kind,
                const char       *agent)
{
  switch (kind)
    {
    case DA_PERMISSION_READ:
      return g_strdup_printf (_("Allow “%s” to read this?"), agent);
    case DA_PERMISSION_WRITE:
      return g_strdup_printf (_("Allow “%s” to write here?"), agent);
    case DA_PERMISSION_NET:
      return g_strdup_printf (_("Allow “%s” to connect to this host?"), agent);
    case DA_PERMISSION_ENV:
      return g_strdup_printf (_("Allow “%s” to use this environment variable?"), agent);
    case DA_PERMISSION_RUN:
    default:
      return g_strdup_printf (_("Allow “%s” to run this program?"), agent);
    }
}

static const char *
kind_label (DaPermissionKind kind)
{
  switch (kind)
    {
    case DA_PERMISSION_READ:
      return _("Read");
    case DA_PERMISSION_WRITE:
      return _("Write");
    case DA_PERMISSION_NET:
      return _("Network");
    case DA_PERMISSION_ENV:
      return _("Environment variable");
    case DA_PERMISSION_RUN:
    default:
      return _("Run");
    }
}

static void
answer (DaPermissionDialog *self,
        DaPermissionAnswer  value)
{
  if (self->request != NULL && !da_permission_request_get_answered (self->request) &&
      (self->cancellable == NULL || !g_cancellable_is_cancelled (self->cancellable)))
    da_permission_request_answer (self->request, value);
}

static gboolean
destroy_idle_cb (gpointer user_data)
{
  /* A button already closed it; a response given otherwise did not. */
  if (gtk_widget_get_visible (GTK_WIDGET (user_data)))
    gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
response_cb (DaPermissionDialog *self,
             const char         *response)
{
  if (g_strcmp0 (response, "always") == 0 && gtk_check_button_get_active (self->confirm_button))
    answer (self, DA_PERMISSION_ANSWER_ALWAYS);
  else if (g_strcmp0 (response, "once") == 0)
    answer (self, DA_PERMISSION_ANSWER_ONCE);
  else
    answer (self, DA_PERMISSION_ANSWER_DENY);

  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_idle_cb, g_object_ref (self), g_object_unref);
}

static void
confirm_toggled_cb (DaPermissionDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "always",
                                           gtk_check_button_get_active (self->confirm_button));
}

static void
cancelled_cb (GCancellable       *cancellable,
              DaPermissionDialog *self)
{
  /* No one waits for the answer any more. */
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_idle_cb, g_object_ref (self), g_object_unref);
}

static void
da_permission_dialog_dispose (GObject *object)
{
  DaPermissionDialog *self = DA_PERMISSION_DIALOG (object);

  /* Closed without an answer (the application quits): deny. */
  answer (self, DA_PERMISSION_ANSWER_DENY);
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->request);

  G_OBJECT_CLASS (da_permission_dialog_parent_class)->dispose (object);
}

static void
da_permission_dialog_class_init (DaPermissionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_permission_dialog_dispose;
}

static GtkLabel *
add_row (GtkGrid    *grid,
         int         row,
         const char *title,
         const char *value,
         gboolean    monospace)
{
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 1);
  gtk_label_set_yalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "dim-label");

  /* Plain text: nothing the model wrote is parsed as markup. */
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_text (GTK_LABEL (label), value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_set_hexpand (label, TRUE);
  if (monospace)
    gtk_widget_add_css_class (label, "monospace");
  gtk_label_set_mnemonic_widget (GTK_LABEL (name), label);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL, -1);

  gtk_grid_attach (grid, name, 0, row, 1, 1);
  gtk_grid_attach (grid, label, 1, row, 1, 1);

  return GTK_LABEL (label);
}

static void
da_permission_dialog_init (DaPermissionDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_add_responses (dialog,
                                    "deny", _("_Deny"),
                                    "once", _("Allow _Once"),
                                    "always", _("_Always Allow"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "always", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "always", FALSE);
  adw_message_dialog_set_default_response (dialog, "deny");
  adw_message_dialog_set_close_response (dialog, "deny");
  gtk_widget_add_css_class (GTK_WIDGET (self), "permission-dialog");
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

/**
 * da_permission_dialog_new:
 * @parent: (nullable): the window the agent works in
 * @request: the question; answered when the person responds
 * @cancellable: (nullable): closes the dialog unanswered when cancelled
 */
GtkWidget *
da_permission_dialog_new (GtkWindow           *parent,
                          DaPermissionRequest *request,
                          GCancellable        *cancellable)
{
  DaPermissionDialog *self;
  g_autofree char *agent = NULL;
  g_autofree char *tool = NULL;
  g_autofree char *target = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  DaPermissionKind kind;
  const char *confirm;
  gboolean is_script;
  GtkWidget *box, *grid, *check;
  int row = 0;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (request), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (DA_TYPE_PERMISSION_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->request = g_object_ref (request);

  kind = da_permission_request_get_kind (request);
  agent = da_permission_request_get_display_agent (request);
  tool = da_permission_request_get_display_tool (request);
  target = da_permission_request_get_display_target (request);
  detail = da_permission_request_get_display_detail (request);
  is_script = g_strcmp0 (da_permission_request_get_tool (request), "run_python") == 0;

  heading = format_heading (kind, agent);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  /* TRANSLATORS: %s is a tool name such as read_file */
  body = g_strdup_printf (_("The tool %s asks for this while answering you. "
                            "Deny it if you did not expect it."), tool);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_row (GTK_GRID (grid), row++, _("Agent"), agent, FALSE);
  add_row (GTK_GRID (grid), row++, _("Tool"), tool, TRUE);
  add_row (GTK_GRID (grid), row++, _("Access"), kind_label (kind), FALSE);
  self->target_label = add_row (GTK_GRID (grid), row++,
                                kind == DA_PERMISSION_RUN ? _("Program") :
                                kind == DA_PERMISSION_NET ? _("Host") :
                                kind == DA_PERMISSION_ENV ? _("Variable") : _("Path"),
                                target, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->target_label), "permission-target");
  if (detail != NULL && *detail != '\0')
    self->detail_label = add_row (GTK_GRID (grid), row++,
                                  kind != DA_PERMISSION_RUN ? _("Details") :
                                  is_script ? _("Script") : _("Command"),
                                  detail, TRUE);
  gtk_box_append (GTK_BOX (box), grid);

  /* "Always" for a shell or an interpreter covers only this command line
   * or script: the program alone would allow anything. */
  if (!da_permission_request_get_always_exact (request))
    confirm = _("I _understand this agent may do this from now on without asking");
  else if (is_script)
    {
      confirm = _("I _understand this agent may run this exact script from now on without asking");
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "always",
                                             _("_Always Allow This Script"));
    }
  else
    {
      confirm = _("I _understand this agent may run this exact command from now on without asking");
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "always",
                                             _("_Always Allow This Command"));
    }
  check = gtk_check_button_new_with_mnemonic (confirm);
  self->confirm_button = GTK_CHECK_BUTTON (check);
  g_signal_connect_object (check, "toggled", G_CALLBACK (confirm_toggled_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), check);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
    }

  return GTK_WIDGET (self);
}

DaPermissionRequest *
da_permission_dialog_get_request (DaPermissionDialog *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_DIALOG (self), NULL);
  return self->request;
}

GtkLabel *
da_permission_dialog_get_target_label (DaPermissionDialog *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_DIALOG (self), NULL);
  return self->target_label;
}

/**
 * da_permission_dialog_get_detail_label:
 *
 * Returns: (nullable): the label with the command or URL, if any
 */
GtkLabel *
da_permission_dialog_get_detail_label (DaPermissionDialog *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_DIALOG (self), NULL);
  return self->detail_label;
}

GtkCheckButton *
da_permission_dialog_get_confirm_button (DaPermissionDialog *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_DIALOG (self), NULL);
  return self->confirm_button;
}
