/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <string.h>

#include "da-permissions-private.h"

static const char * const isolation_names[] = { "strict", "moderate", "minimal" };
static const char * const resource_keys[] = {
  "memory_mb", "cpu_seconds", "wall_seconds", "max_processes",
  "max_file_mb", "max_output_kb",
};

static void
add_unique (GPtrArray  *list,
            const char *value)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), value) == 0)
      return;
  g_ptr_array_add (list, g_strdup (value));
}

/* A deny rule inside an allowed directory would need a hole in a bind
 * mount, which the policy cannot express. */
static gboolean
collect_paths (GPtrArray         *rules,
               DaPermissionKind   kind,
               GPtrArray         *out,
               GError           **error)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);

      if (rule->deny)
        continue;
      if (rule->all)
        add_unique (out, "/");
      else
        {
          add_unique (out, rule->path);
          add_unique (out, rule->resolved);
        }
    }

  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);

      if (!rule->deny || rule->all)
        continue;
      for (guint j = 0; j < out->len; j++)
        {
          const char *allowed = g_ptr_array_index (out, j);

          if (_da_path_is_under (rule->path, allowed) ||
              _da_path_is_under (rule->resolved, allowed))
            {
              g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_UNREPRESENTABLE,
                           "--deny-%s=“%s” lies inside the allowed path %s, which a "
                           "sandbox policy cannot express",
                           da_permission_kind_to_string (kind), rule->text, allowed);
              return FALSE;
            }
        }
    }

  return TRUE;
}

static void
add_string_array (JsonBuilder *builder,
                  const char  *member,
                  GPtrArray   *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < values->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (values, i));
  json_builder_end_array (builder);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/**
 * da_permissions_to_sandbox_policy:
 *
 * The denoagents-sandbox policy for a tool run under these permissions:
 * `fs.read` / `fs.write` list the allowed paths (as written and, when a
 * symlink is involved, as resolved); `env.allow` lists the variables of
 * the current environment that the rules allow; `net.allow` lists the
 * allow rules in normalised form (deny rules are enforced by the
 * filtering proxy, which asks the broker); run rules are checked before
 * the tool starts and have no policy key.
 *
 * Returns: (transfer full): the policy object, or %NULL with
 *   %DA_PERMISSION_ERROR_UNREPRESENTABLE when a deny rule lies inside an
 *   allowed directory
 */
JsonNode *
da_permissions_to_sandbox_policy (DaPermissions  *self,
                                  GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) read = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) write = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) environ_names = g_listenv ();
  GPtrArray *net_rules;
  gboolean ok;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), NULL);

  g_rw_lock_reader_lock (&self->lock);
  ok = collect_paths (self->rules[DA_PERMISSION_READ], DA_PERMISSION_READ, read, error) &&
       collect_paths (self->rules[DA_PERMISSION_WRITE], DA_PERMISSION_WRITE, write, error);
  net_rules = self->rules[DA_PERMISSION_NET];
  for (guint i = 0; ok && i < net_rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (net_rules, i);

      if (rule->deny)
        continue;
      if (rule->all)
        add_unique (net, "*");
      else if (rule->net_type == DA_NET_RULE_CIDR)
        {
          g_autofree char *addr = _da_net_addr_to_string (&rule->net.addr);
          g_autofree char *text = g_strdup_printf ("%s/%u", addr, rule->prefix_len);

          add_unique (net, text);
        }
      else
        {
          g_autofree char *host = rule->net.is_addr ? _da_net_addr_to_string (&rule->net.addr)
                                                    : g_strdup (rule->net.host);
          g_autofree char *text = NULL;
          gboolean v6 = rule->net.is_addr && rule->net.addr.family == 6;
          const char *star = rule->net_type == DA_NET_RULE_WILDCARD ? "*." : "";

          if (rule->net.port >= 0)
            text = g_strdup_printf (v6 ? "%s[%s]:%d" : "%s%s:%d", star, host, rule->net.port);
          else
            text = g_strdup_printf ("%s%s", star, host);
          add_unique (net, text);
        }
    }
  g_rw_lock_reader_unlock (&self->lock);

  if (!ok)
    return NULL;

  for (guint i = 0; environ_names[i] != NULL; i++)
    if (da_permissions_check (self, DA_PERMISSION_ENV, environ_names[i], NULL) ==
        DA_PERMISSION_DECISION_ALLOW)
      add_unique (env, environ_names[i]);
  g_ptr_array_sort (env, compare_strings);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "isolation");
  json_builder_add_string_value (builder, isolation_names[self->isolation]);

  json_builder_set_member_name (builder, "fs");
  json_builder_begin_object (builder);
  add_string_array (builder, "read", read);
  add_string_array (builder, "write", write);
  json_builder_set_member_name (builder, "temp");
  json_builder_add_boolean_value (builder, self->fs_temp);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "net");
  json_builder_begin_object (builder);
  add_string_array (builder, "allow", net);
  if (self->quotas[DA_QUOTA_NET_MAX_CONNECTIONS] > 0)
    {
      json_builder_set_member_name (builder, "max_connections");
      json_builder_add_int_value (builder, self->quotas[DA_QUOTA_NET_MAX_CONNECTIONS]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "env");
  json_builder_begin_object (builder);
  add_string_array (builder, "allow", env);
  json_builder_set_member_name (builder, "set");
  json_builder_begin_object (builder);
  {
    g_autoptr(GList) names = g_hash_table_get_keys (self->env_set);

    names = g_list_sort (names, (GCompareFunc)strcmp);
    for (GList *l = names; l != NULL; l = l->next)
      {
        json_builder_set_member_name (builder, l->data);
        json_builder_add_string_value (builder, g_hash_table_lookup (self->env_set, l->data));
      }
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "resources");
  json_builder_begin_object (builder);
  for (guint q = 0; q < G_N_ELEMENTS (resource_keys); q++)
    if (self->quotas[q] > 0)
      {
        json_builder_set_member_name (builder, resource_keys[q]);
        json_builder_add_int_value (builder, self->quotas[q]);
      }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "cwd");
  json_builder_add_string_value (builder, da_permissions_get_cwd (self));

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The sandbox's own defaults and upper bounds (src/sandbox/README.md);
 * tests/security checks they agree with the helper's. */
static const struct
{
  const char *key;
  guint64     fallback;
  guint64     maximum;
} quota_info[DA_QUOTA_N_QUOTAS] = {
  [DA_QUOTA_MEMORY_MB]           = { "memory_mb",       1024, 1024 * 1024 },
  [DA_QUOTA_CPU_SECONDS]         = { "cpu_seconds",       60, 7 * 24 * 3600 },
  [DA_QUOTA_WALL_SECONDS]        = { "wall_seconds",     300, 7 * 24 * 3600 },
  [DA_QUOTA_MAX_PROCESSES]       = { "max_processes",     64, 65536 },
  [DA_QUOTA_MAX_FILE_MB]         = { "max_file_mb",       64, 1024 * 1024 },
  [DA_QUOTA_MAX_OUTPUT_KB]       = { "max_output_kb",   1024, 1024 * 1024 },
  [DA_QUOTA_NET_MAX_CONNECTIONS] = { "max_connections",   10, 1024 },
};

/**
 * da_permission_quota_to_string:
 *
 * Returns: the quota's key in a policy ("memory_mb", …; "max_connections"
 *   lives under "net", the others under "resources")
 */
const char *
da_permission_quota_to_string (DaPermissionQuota quota)
{
  g_return_val_if_fail (quota < DA_QUOTA_N_QUOTAS, NULL);
  return quota_info[quota].key;
}

/**
 * da_permission_quota_get_default:
 *
 * Returns: what the sandbox uses when the quota is not set
 */
guint64
da_permission_quota_get_default (DaPermissionQuota quota)
{
  g_return_val_if_fail (quota < DA_QUOTA_N_QUOTAS, 0);
  return quota_info[quota].fallback;
}

/**
 * da_permission_quota_get_maximum:
 *
 * Returns: the largest value the sandbox accepts
 */
guint64
da_permission_quota_get_maximum (DaPermissionQuota quota)
{
  g_return_val_if_fail (quota < DA_QUOTA_N_QUOTAS, 0);
  return quota_info[quota].maximum;
}
