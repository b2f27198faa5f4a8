/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-escape.h"
#include "da-grant-list.h"

/* The "always allow" grants of one agent, made at permission prompts and
 * kept in the history database, each with a Revoke button. Revoking takes
 * effect at once, through the broker the tools ask (the CLI's
 * `permissions revoke` uses the same call); the toast's Undo puts the
 * grant back with the content hash it had. */

struct _DaGrantList
{
  AdwPreferencesGroup  parent_instance;

  DaPermissionBroker  *broker;
  char                *agent;
  GPtrArray           *rows;
  GPtrArray           *grants;      /* DaGrant, as listed */
  DaGrant             *revoked;     /* the last one, for Undo */
};

G_DEFINE_FINAL_TYPE (DaGrantList, da_grant_list, ADW_TYPE_PREFERENCES_GROUP)

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "read") == 0)
    return _("Read");
  if (g_strcmp0 (kind, "write") == 0)
    return _("Write");
  if (g_strcmp0 (kind, "net") == 0)
    return _("Network");
  if (g_strcmp0 (kind, "env") == 0)
    return _("Environment variable");
  if (g_strcmp0 (kind, "run") == 0)
    return _("Run");
  return kind;
}

static void
toast (DaGrantList *self,
       AdwToast    *toast_)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast_);
  else
    g_object_unref (g_object_ref_sink (toast_));
}


static GtkWidget *
grant_row (const DaGrant *grant)
{
  g_autofree char *target = da_escape_for_display (grant->target ? grant->target : "", -1);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (grant->created_at / G_USEC_PER_SEC);
  g_autofree char *when = time ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", kind_label (grant->kind), when);
  g_autofree char *label = g_strdup_printf (_("Revoke “%s”"), target);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), target);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "property");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "grants.revoke");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (grant->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

/* Reads the agent's grants again from the broker's store. */
void
da_grant_list_reload (DaGrantList *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DA_IS_GRANT_LIST (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_clear_pointer (&self->grants, g_ptr_array_unref);

  if (self->broker != NULL && self->agent != NULL)
    {
      self->grants = da_permission_broker_list_grants (self->broker, self->agent, &error);
      if (self->grants == NULL)
        g_warning ("The grants of %s cannot be read: %s", self->agent, error->message);
    }

  for (guint i = 0; self->grants != NULL && i < self->grants->len; i++)
    g_ptr_array_add (self->rows, grant_row (g_ptr_array_index (self->grants, i)));

  if (self->rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     self->agent ? _("None") : _("None yet: the agent is new"));
      gtk_widget_add_css_class (row, "dim-label");
      g_ptr_array_add (self->rows, row);
    }

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
}

/**
 * da_grant_list_revoke:
 *
 * What the row's Revoke button does: the grant is removed from the store
 * and from the broker's rules, and a toast offers Undo.
 */
gboolean
da_grant_list_revoke (DaGrantList *self,
                      gint64       grant_id)
{
  g_autoptr(GError) error = NULL;
  const DaGrant *grant = NULL;
  AdwToast *done;

  g_return_val_if_fail (DA_IS_GRANT_LIST (self), FALSE);

  for (guint i = 0; self->grants != NULL && i < self->grants->len; i++)
    if (((DaGrant *) g_ptr_array_index (self->grants, i))->id == grant_id)
      grant = g_ptr_array_index (self->grants, i);
  if (grant == NULL || self->broker == NULL)
    return FALSE;

  if (!da_permission_broker_revoke (self->broker, grant_id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The permission could not be revoked: %s"), error->message);

      toast (self, adw_toast_new (text));
      return FALSE;
    }

  g_clear_pointer (&self->revoked, da_grant_free);
  self->revoked = da_grant_copy (grant);
  da_grant_list_reload (self);

  done = adw_toast_new (_("Permission revoked"));
  adw_toast_set_button_label (done, _("_Undo"));
  adw_toast_set_priority (done, ADW_TOAST_PRIORITY_HIGH);
  /* The toast is not inside this group: an action here would not reach it. */
  g_signal_connect_object (done, "button-clicked", G_CALLBACK (da_grant_list_undo_revoke),
                           self, G_CONNECT_SWAPPED);
  toast (self, done);
  return TRUE;
}

/* What the toast's Undo does. */
gboolean
da_grant_list_undo_revoke (DaGrantList *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaGrant) grant = NULL;

  g_return_val_if_fail (DA_IS_GRANT_LIST (self), FALSE);

  if (self->revoked == NULL || self->broker == NULL)
    return FALSE;

  grant = g_steal_pointer (&self->revoked);
  if (da_permission_broker_restore_grant (self->broker, grant, &error) < 0)
    {
      g_autofree char *text = g_strdup_printf (_("The permission could not be restored: %s"), error->message);

      toast (self, adw_toast_new (text));
      return FALSE;
    }

  da_grant_list_reload (self);
  return TRUE;
}

static void
revoke_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  da_grant_list_revoke (DA_GRANT_LIST (widget), g_variant_get_int64 (parameter));
}

static void
da_grant_list_dispose (GObject *object)
{
  DaGrantList *self = DA_GRANT_LIST (object);

  g_clear_object (&self->broker);

  G_OBJECT_CLASS (da_grant_list_parent_class)->dispose (object);
}

static void
da_grant_list_finalize (GObject *object)
{
  DaGrantList *self = DA_GRANT_LIST (object);

  g_free (self->agent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  g_clear_pointer (&self->revoked, da_grant_free);

  G_OBJECT_CLASS (da_grant_list_parent_class)->finalize (object);
}

static void
da_grant_list_class_init (DaGrantListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_grant_list_dispose;
  object_class->finalize = da_grant_list_finalize;

  gtk_widget_class_install_action (widget_class, "grants.revoke", "x", revoke_action);
}

static void
da_grant_list_init (DaGrantList *self)
{
  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Granted Permissions"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("What was allowed with “Always” at a permission prompt. "
                                           "After revoking, the agent asks again."));
}

GtkWidget *
da_grant_list_new (void)
{
  return g_object_new (DA_TYPE_GRANT_LIST, NULL);
}

void
da_grant_list_set_broker (DaGrantList        *self,
                          DaPermissionBroker *broker)
{
  g_return_if_fail (DA_IS_GRANT_LIST (self));
  g_return_if_fail (broker == NULL || DA_IS_PERMISSION_BROKER (broker));

  if (g_set_object (&self->broker, broker))
    da_grant_list_reload (self);
}

/* @agent: (nullable): whose grants; %NULL for an agent not saved yet */
void
da_grant_list_set_agent (DaGrantList *self,
                         const char  *agent)
{
  g_return_if_fail (DA_IS_GRANT_LIST (self));

  g_free (self->agent);
  self->agent = g_strdup (agent);
  g_clear_pointer (&self->revoked, da_grant_free);
  da_grant_list_reload (self);
}

/* The number of grants listed. */
guint
da_grant_list_get_n_grants (DaGrantList *self)
{
  g_return_val_if_fail (DA_IS_GRANT_LIST (self), 0);

  return self->grants ? self->grants->len : 0;
}
