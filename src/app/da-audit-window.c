/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-audit-window.h"
#include "da-escape.h"

/* The audit log: every permission request, decision and sandbox denial,
 * newest first. Read off the main loop with its own connection to the
 * history database, and read again when the broker decides something
 * while the window is open. Targets are the tools' text: escaped. */

#define AUDIT_LIMIT 1000

struct _DaAuditWindow
{
  AdwWindow      parent_instance;

  DaAppSecurity *security;
  GCancellable  *cancellable;
  GtkListBox    *list;
  GtkStack      *stack;
  AdwStatusPage *empty_page;
  gboolean       loaded;
};

G_DEFINE_FINAL_TYPE (DaAuditWindow, da_audit_window, ADW_TYPE_WINDOW)

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaStore) store = da_store_new (task_data, &error);
  GPtrArray *entries;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  entries = da_store_list_audit (store, AUDIT_LIMIT, &error);
  if (entries == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static const char *
decision_label (const char *decision)
{
  if (g_strcmp0 (decision, "allow") == 0)
    return _("Allowed by a rule");
  if (g_strcmp0 (decision, "deny") == 0)
    return _("Denied");
  if (g_strcmp0 (decision, "ask") == 0)
    return _("Asked");
  if (g_strcmp0 (decision, "allow-once") == 0)
    return _("Allowed once");
  if (g_strcmp0 (decision, "allow-always") == 0)
    return _("Always allowed");
  if (g_strcmp0 (decision, "deny-sandbox") == 0)
    return _("Refused by the sandbox");
  return decision;
}

static GtkWidget *
cell (const char *text,
      gboolean    monospace)
{
  g_autofree char *shown = da_escape_for_display (text ? text : "", -1);
  GtkWidget *label = gtk_label_new (shown);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (monospace)
    gtk_widget_add_css_class (label, "monospace");
  return label;
}

static GtkWidget *
entry_row (const DaAuditEntry *entry)
{
  /* The store keeps microseconds. */
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (entry->time / G_USEC_PER_SEC);
  g_autofree char *when = time ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
  g_autofree char *who = g_strdup_printf ("%s · %s · %s", entry->agent ? entry->agent : "",
                                          entry->tool && *entry->tool ? entry->tool : "—",
                                          entry->kind ? entry->kind : "");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *decision = cell (decision_label (entry->decision), FALSE);
  GtkWidget *time_label = cell (when, FALSE);
  GtkWidget *who_label = cell (who, FALSE);
  GtkWidget *target = cell (entry->target, TRUE);
  GtkWidget *reason = cell (entry->reason, FALSE);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_widget_add_css_class (time_label, "numeric");
  gtk_widget_add_css_class (decision, "heading");
  gtk_widget_set_hexpand (who_label, TRUE);
  if (g_str_has_prefix (entry->decision ? entry->decision : "", "deny"))
    gtk_widget_add_css_class (decision, "error");
  else if (g_str_has_prefix (entry->decision ? entry->decision : "", "allow"))
    gtk_widget_add_css_class (decision, "success");
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_widget_add_css_class (reason, "caption");

  gtk_box_append (GTK_BOX (top), decision);
  gtk_box_append (GTK_BOX (top), who_label);
  gtk_box_append (GTK_BOX (top), time_label);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), target);
  if (entry->reason != NULL && *entry->reason != '\0')
    gtk_box_append (GTK_BOX (box), reason);

  return box;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  DaAuditWindow *self;
  GtkWidget *child;

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DA_AUDIT_WINDOW (user_data);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (entries == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The Audit Log Cannot Be Read"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      for (guint i = 0; i < entries->len; i++)
        gtk_list_box_append (self->list, entry_row (g_ptr_array_index (entries, i)));
      gtk_stack_set_visible_child_name (self->stack, entries->len > 0 ? "list" : "empty");
    }

  self->loaded = TRUE;
}

void
da_audit_window_reload (DaAuditWindow *self)
{
  g_autoptr(GTask) task = NULL;
  DaStore *store;

  g_return_if_fail (DA_IS_AUDIT_WINDOW (self));

  store = self->security ? da_app_security_get_store (self->security) : NULL;
  if (store == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No Audit Log"));
      adw_status_page_set_description (self->empty_page, _("The history database could not be opened."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      self->loaded = TRUE;
      return;
    }

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = FALSE;

  task = g_task_new (NULL, self->cancellable, loaded_cb, self);
  g_task_set_source_tag (task, da_audit_window_reload);
  g_task_set_task_data (task, g_strdup (da_store_get_path (store)), g_free);
  g_task_run_in_thread (task, load_thread);
}

static void
decided_cb (DaAuditWindow *self)
{
  da_audit_window_reload (self);
}

static void
da_audit_window_dispose (GObject *object)
{
  DaAuditWindow *self = DA_AUDIT_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->security);

  G_OBJECT_CLASS (da_audit_window_parent_class)->dispose (object);
}

static void
da_audit_window_class_init (DaAuditWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_audit_window_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
da_audit_window_init (DaAuditWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new (_("Audit Log"), _("Permission requests and decisions, newest first"));
  GtkWidget *reload = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Audit Log"));
  gtk_window_set_default_size (GTK_WINDOW (self), 760, 640);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_widget_set_tooltip_text (reload, _("Reload"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (reload), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reload"), -1);
  g_signal_connect_swapped (reload, "clicked", G_CALLBACK (da_audit_window_reload), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), reload);
  gtk_box_append (GTK_BOX (box), header);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Audit log"), -1);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_widget_set_vexpand (scroller, TRUE);

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "security-high-symbolic");
  adw_status_page_set_title (self->empty_page, _("Nothing Asked Yet"));
  adw_status_page_set_description (self->empty_page,
                                   _("When an agent’s tool asks for a permission, the request and the decision are listed here."));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, gtk_spinner_new (), "loading");
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWidget *
da_audit_window_new (GtkWindow     *parent,
                     DaAppSecurity *security)
{
  DaAuditWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DA_IS_APP_SECURITY (security), NULL);

  self = g_object_new (DA_TYPE_AUDIT_WINDOW, "transient-for", parent, NULL);
  self->security = g_object_ref (security);
  g_signal_connect_object (da_app_security_get_broker (security), "decided",
                           G_CALLBACK (decided_cb), self, G_CONNECT_SWAPPED);
  da_audit_window_reload (self);

  return GTK_WIDGET (self);
}

gboolean
da_audit_window_get_loaded (DaAuditWindow *self)
{
  g_return_val_if_fail (DA_IS_AUDIT_WINDOW (self), FALSE);
  return self->loaded;
}

GtkListBox *
da_audit_window_get_list (DaAuditWindow *self)
{
  g_return_val_if_fail (DA_IS_AUDIT_WINDOW (self), NULL);
  return self->list;
}

/**
 * da_audit_window_show_action:
 *
 * The "win.show-audit-log" action of the main window: opens the audit
 * log over @widget's window.
 */
void
da_audit_window_show_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GtkWidget *window = da_audit_window_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                           da_app_security_get_default ());

  gtk_window_present (GTK_WINDOW (window));
}
