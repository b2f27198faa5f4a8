/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <string.h>

#include "da-tool-context.h"

struct _DaToolContext
{
  gatomicrefcount     ref_count;
  char               *agent;
  char               *tool;
  DaPermissions      *permissions;
  DaSandboxRunner    *runner;
  DaPermissionBroker *broker;
  GPtrArray          *granted[DA_PERMISSION_N_KINDS];
  GHashTable         *explicit_targets;   /* "kind:target" */
};

G_DEFINE_BOXED_TYPE (DaToolContext, da_tool_context, da_tool_context_ref, da_tool_context_unref)

/**
 * da_tool_context_new:
 * @broker: (nullable): asked by the network proxy about hosts the call
 *   did not name; without one they are refused
 */
DaToolContext *
da_tool_context_new (const char         *agent,
                     const char         *tool,
                     DaPermissions      *permissions,
                     DaSandboxRunner    *runner,
                     DaPermissionBroker *broker)
{
  DaToolContext *self;

  g_return_val_if_fail (agent != NULL, NULL);
  g_return_val_if_fail (DA_IS_PERMISSIONS (permissions), NULL);
  g_return_val_if_fail (DA_IS_SANDBOX_RUNNER (runner), NULL);
  g_return_val_if_fail (broker == NULL || DA_IS_PERMISSION_BROKER (broker), NULL);

  self = g_new0 (DaToolContext, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->agent = g_strdup (agent);
  self->tool = g_strdup (tool ? tool : "");
  self->permissions = g_object_ref (permissions);
  self->runner = g_object_ref (runner);
  self->broker = broker ? g_object_ref (broker) : NULL;
  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    self->granted[i] = g_ptr_array_new_with_free_func (g_free);
  self->explicit_targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

DaToolContext *
da_tool_context_ref (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
da_tool_context_unref (DaToolContext *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->agent);
  g_free (self->tool);
  g_object_unref (self->permissions);
  g_object_unref (self->runner);
  g_clear_object (&self->broker);
  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    g_ptr_array_unref (self->granted[i]);
  g_hash_table_unref (self->explicit_targets);
  g_free (self);
}

const char *
da_tool_context_get_agent (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->agent;
}

const char *
da_tool_context_get_tool (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->tool;
}

DaPermissions *
da_tool_context_get_permissions (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->permissions;
}

DaSandboxRunner *
da_tool_context_get_runner (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->runner;
}

/**
 * da_tool_context_get_broker:
 *
 * Returns: (transfer none) (nullable): the broker
 */
DaPermissionBroker *
da_tool_context_get_broker (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->broker;
}

const char *
da_tool_context_get_workspace (DaToolContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return da_permissions_get_workspace (self->permissions);
}

/**
 * da_tool_context_resolve_path:
 *
 * Makes @path absolute against the workspace and removes "." and ".."
 * components lexically (as the permission rules see it).
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when it is
 *   empty or holds a NUL-free but unusable name
 */
char *
da_tool_context_resolve_path (DaToolContext *self,
                              const char    *path)
{
  g_autofree char *joined = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(GString) result = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (path == NULL || path[0] == '\0')
    return NULL;

  joined = g_path_is_absolute (path) ? g_strdup (path)
                                     : g_build_filename (da_tool_context_get_workspace (self), path, NULL);
  parts = g_strsplit (joined, "/", -1);
  out = g_ptr_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (out->len > 0)
            g_ptr_array_remove_index (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, parts[i]);
    }

  result = g_string_new (NULL);
  for (guint i = 0; i < out->len; i++)
    g_string_append_printf (result, "/%s", (const char *) g_ptr_array_index (out, i));
  if (result->len == 0)
    g_string_append_c (result, '/');
  return g_string_free (g_steal_pointer (&result), FALSE);
}

/**
 * da_tool_context_add_granted:
 * @explicit_target: whether the permission names @target itself (see
 *   da_permission_broker_request_finish())
 *
 * Records that the broker allowed @target for this call; the tool adds
 * it to the sandbox policy.
 */
void
da_tool_context_add_granted (DaToolContext    *self,
                             DaPermissionKind  kind,
                             const char       *target,
                             gboolean          explicit_target)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kind < DA_PERMISSION_N_KINDS);
  g_return_if_fail (target != NULL);

  if (!da_tool_context_is_granted (self, kind, target, NULL))
    g_ptr_array_add (self->granted[kind], g_strdup (target));
  if (explicit_target)
    g_hash_table_add (self->explicit_targets, g_strdup_printf ("%d:%s", (int) kind, target));
}

/**
 * da_tool_context_get_granted:
 *
 * Returns: (transfer full): the targets of @kind granted for this call
 */
GStrv
da_tool_context_get_granted (DaToolContext    *self,
                             DaPermissionKind  kind)
{
  GStrv out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, NULL);

  out = g_new0 (char *, self->granted[kind]->len + 1);
  for (guint i = 0; i < self->granted[kind]->len; i++)
    out[i] = g_strdup (g_ptr_array_index (self->granted[kind], i));
  return out;
}

/**
 * da_tool_context_is_granted:
 * @explicit_target: (out) (optional): whether the grant names @target
 */
gboolean
da_tool_context_is_granted (DaToolContext    *self,
                            DaPermissionKind  kind,
                            const char       *target,
                            gboolean         *explicit_target)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, FALSE);

  for (guint i = 0; i < self->granted[kind]->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->granted[kind], i), target) == 0)
      {
        if (explicit_target != NULL)
          {
            g_autofree char *key = g_strdup_printf ("%d:%s", (int) kind, target);

            *explicit_target = g_hash_table_contains (self->explicit_targets, key);
          }
        return TRUE;
      }
  return FALSE;
}

/**
 * da_tool_context_address_denied:
 * @address: an address a permitted host name resolved to
 * @target: (out) (optional): the net target checked ("10.0.0.5:443",
 *   "[::1]:80")
 * @reason: (out) (optional): which rule denies it
 *
 * Whether a rule of the agent (its own permissions, or the broker's
 * rules for it) denies @address:@port. The network proxy asks this for
 * every address an allowed name resolves to, so that a denied IP or CIDR
 * cannot be reached through a permitted name. Only denials count: an
 * address no rule mentions is as allowed as the name.
 *
 * Returns: %TRUE when denied
 */
gboolean
da_tool_context_address_denied (DaToolContext  *self,
                                GInetAddress   *address,
                                guint16         port,
                                char          **target,
                                char          **reason)
{
  g_autofree char *text = NULL;
  g_autofree char *checked = NULL;
  g_autofree char *why = NULL;
  g_auto(DaPermissionMatch) match = { 0 };
  gboolean denied;

  g_return_val_if_fail (self != NULL, TRUE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), TRUE);

  text = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    checked = g_strdup_printf ("[%s]:%u", text, port);
  else
    checked = g_strdup_printf ("%s:%u", text, port);

  denied = da_permissions_check (self->permissions, DA_PERMISSION_NET, checked, &match) ==
           DA_PERMISSION_DECISION_DENY;
  if (denied)
    why = g_strdup (match.reason);
  else if (self->broker != NULL)
    denied = da_permission_broker_check (self->broker, self->agent, DA_PERMISSION_NET,
                                         checked, &why) == DA_PERMISSION_DECISION_DENY;

  if (target != NULL)
    *target = g_steal_pointer (&checked);
  if (reason != NULL)
    *reason = denied ? g_steal_pointer (&why) : NULL;
  return denied;
}
