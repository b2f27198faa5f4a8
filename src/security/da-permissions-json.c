/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <string.h>

#include "da-permissions-private.h"

/*
 * A team file's `permissions` object uses the sandbox policy's keys, plus
 * `run` and a `deny` object for the --deny- twins:
 *
 *   { "isolation": "strict" | "moderate" | "minimal",
 *     "fs":  { "read": [PATH…] | true, "write": [PATH…] | true, "temp": BOOL },
 *     "net": { "allow": [HOST…] | true, "max_connections": N },
 *     "env": { "allow": [NAME…] | true, "set": { NAME: VALUE, … } },
 *     "run": { "allow": [COMMAND | { "path": ABSPATH, "sha256": HEX }…] | true },
 *     "resources": { "memory_mb": N, "cpu_seconds": N, "wall_seconds": N,
 *                    "max_processes": N, "max_file_mb": N, "max_output_kb": N },
 *     "cwd": PATH,
 *     "deny": { "read": [PATH…] | true, "write": …, "net": …, "env": …,
 *               "run": … } }
 *
 * `true` means every target of that kind (a bare --allow-read); `false`
 * and [] add nothing. Unknown keys and wrong types are errors naming the
 * JSON path.
 *
 * A run COMMAND string is found and hashed when the object is loaded. The
 * object form is bound to the content the person granted: the program at
 * the absolute "path" (~/ allowed) applies only while the SHA-256 of its
 * content is "sha256" (64 hex digits); after a change it is asked for
 * again, the reason saying it "changed since granted". It loads even when
 * the file is gone (then it covers nothing).
 */

static const char * const quota_keys[DA_QUOTA_N_QUOTAS] = {
  "memory_mb", "cpu_seconds", "wall_seconds", "max_processes",
  "max_file_mb", "max_output_kb", NULL /* net.max_connections */,
};

typedef struct
{
  const char     *workspace;
  GPtrArray      *rules;               /* DaRule, added on success only */
  gboolean        has_isolation;
  DaIsolationLevel isolation;
  gboolean        has_fs_temp;
  gboolean        fs_temp;
  gboolean        has_quota[DA_QUOTA_N_QUOTAS];
  guint64         quota[DA_QUOTA_N_QUOTAS];
  char           *cwd;
  GHashTable     *env_set;
} Parse;

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError    **error,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_POLICY,
               "%s: %s", path, message);
  return FALSE;
}

static JsonObject *
expect_object (JsonNode    *node,
               const char  *path,
               GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, path, "expected an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static const char *
node_string (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* {"path": "/usr/bin/python3", "sha256": "…"} in run.allow */
static gboolean
parse_bound_run (Parse       *parse,
                 JsonObject  *object,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autofree char *expanded = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *program = NULL;
  const char *sha256 = NULL;
  DaRule *rule;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);

      if (strcmp (name, "path") == 0)
        {
          if ((program = node_string (node)) == NULL)
            return fail (error, sub, "expected a string");
        }
      else if (strcmp (name, "sha256") == 0)
        {
          if ((sha256 = node_string (node)) == NULL)
            return fail (error, sub, "expected a string");
        }
      else
        return fail (error, sub, "unknown key (expected path or sha256)");
    }

  if (program == NULL || sha256 == NULL)
    return fail (error, path, "expected both \"path\" and \"sha256\"");
  expanded = _da_path_expand_home (program);
  if (expanded == NULL || !g_path_is_absolute (expanded))
    {
      g_autofree char *sub = g_strdup_printf ("%s.path", path);

      return fail (error, sub, "expected an absolute path");
    }
  if (!_da_run_sha256_is_valid (sha256))
    {
      g_autofree char *sub = g_strdup_printf ("%s.sha256", path);

      return fail (error, sub, "expected 64 hexadecimal digits");
    }

  rule = _da_rule_new_run_bound (expanded, sha256, parse->workspace, &local_error);
  if (rule == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return FALSE;
    }
  g_free (rule->text);
  rule->text = g_strdup (program);
  g_ptr_array_add (parse->rules, rule);
  return TRUE;
}

static gboolean
parse_rules (Parse             *parse,
             DaPermissionKind   kind,
             gboolean           deny,
             JsonNode          *node,
             const char        *path,
             GError           **error)
{
  JsonArray *array;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      if (json_node_get_boolean (node))
        g_ptr_array_add (parse->rules, _da_rule_parse (kind, deny, NULL, parse->workspace, NULL));
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, path, "expected a list of strings or a boolean");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autoptr(GError) local_error = NULL;
      const char *value;
      DaRule *rule;

      if (kind == DA_PERMISSION_RUN && !deny && JSON_NODE_HOLDS_OBJECT (item))
        {
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);

          if (!parse_bound_run (parse, json_node_get_object (item), item_path, error))
            return FALSE;
          continue;
        }
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);

          if (kind == DA_PERMISSION_RUN && !deny)
            return fail (error, item_path, "expected a string or an object with \"path\" and \"sha256\"");
          return fail (error, item_path, "expected a string");
        }
      value = json_node_get_string (item);
      if (value[0] == '\0')
        {
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
          return fail (error, item_path, "empty rule (use true for everything)");
        }

      rule = _da_rule_parse (kind, deny, value, parse->workspace, &local_error);
      if (rule == NULL)
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "%s[%u]: %s", path, i, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (parse->rules, rule);
    }

  return TRUE;
}

static gboolean
parse_uint (JsonNode    *node,
            const char  *path,
            guint64     *out,
            GError     **error)
{
  gint64 value;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, path, "expected a non-negative integer");
  value = json_node_get_int (node);
  if (value < 0)
    return fail (error, path, "expected a non-negative integer");
  *out = (guint64)value;
  return TRUE;
}

static gboolean
parse_bool (JsonNode    *node,
            const char  *path,
            gboolean    *out,
            GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, path, "expected a boolean");
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
parse_fs (Parse       *parse,
          JsonObject  *object,
          const char  *path,
          GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);

      if (strcmp (name, "read") == 0)
        {
          if (!parse_rules (parse, DA_PERMISSION_READ, FALSE, node, sub, error))
            return FALSE;
        }
      else if (strcmp (name, "write") == 0)
        {
          if (!parse_rules (parse, DA_PERMISSION_WRITE, FALSE, node, sub, error))
            return FALSE;
        }
      else if (strcmp (name, "temp") == 0)
        {
          if (!parse_bool (node, sub, &parse->fs_temp, error))
            return FALSE;
          parse->has_fs_temp = TRUE;
        }
      else
        return fail (error, sub, "unknown key (expected read, write or temp)");
    }
  return TRUE;
}

static gboolean
parse_net (Parse       *parse,
           JsonObject  *object,
           const char  *path,
           GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);

      if (strcmp (name, "allow") == 0)
        {
          if (!parse_rules (parse, DA_PERMISSION_NET, FALSE, node, sub, error))
            return FALSE;
        }
      else if (strcmp (name, "max_connections") == 0)
        {
          if (!parse_uint (node, sub, &parse->quota[DA_QUOTA_NET_MAX_CONNECTIONS], error))
            return FALSE;
          parse->has_quota[DA_QUOTA_NET_MAX_CONNECTIONS] = TRUE;
        }
      else
        return fail (error, sub, "unknown key (expected allow or max_connections)");
    }
  return TRUE;
}

static gboolean
parse_env_set (Parse       *parse,
               JsonObject  *object,
               const char  *path,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
      const char *text = node_string (node);

      if (text == NULL)
        return fail (error, sub, "expected a string");
      if (!_da_env_name_is_valid (name))
        return fail (error, sub, "invalid variable name");
      if (!da_permission_env_is_grantable (name))
        return fail (error, sub, "%s is a loader variable and is never set", name);
      g_hash_table_replace (parse->env_set, g_strdup (name), g_strdup (text));
    }
  return TRUE;
}

static gboolean
parse_env (Parse       *parse,
           JsonObject  *object,
           const char  *path,
           GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);

      if (strcmp (name, "allow") == 0)
        {
          if (!parse_rules (parse, DA_PERMISSION_ENV, FALSE, node, sub, error))
            return FALSE;
        }
      else if (strcmp (name, "set") == 0)
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            return fail (error, sub, "expected an object");
          if (!parse_env_set (parse, json_node_get_object (node), sub, error))
            return FALSE;
        }
      else
        return fail (error, sub, "unknown key (expected allow or set)");
    }
  return TRUE;
}

static gboolean
parse_resources (Parse       *parse,
                 JsonObject  *object,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
      int found = -1;

      for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
        if (quota_keys[q] != NULL && strcmp (name, quota_keys[q]) == 0)
          found = (int)q;
      if (found < 0)
        return fail (error, sub, "unknown key (expected memory_mb, cpu_seconds, "
                     "wall_seconds, max_processes, max_file_mb or max_output_kb)");
      if (!parse_uint (node, sub, &parse->quota[found], error))
        return FALSE;
      parse->has_quota[found] = TRUE;
    }
  return TRUE;
}

static gboolean
parse_simple_list (Parse             *parse,
                   DaPermissionKind   kind,
                   JsonObject        *object,
                   const char        *path,
                   GError           **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);

      if (strcmp (name, "allow") != 0)
        return fail (error, sub, "unknown key (expected allow)");
      if (!parse_rules (parse, kind, FALSE, node, sub, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_deny (Parse       *parse,
            JsonObject  *object,
            const char  *path,
            GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
      int kind = -1;

      for (guint k = 0; k < DA_PERMISSION_N_KINDS; k++)
        if (strcmp (name, da_permission_kind_to_string (k)) == 0)
          kind = (int)k;
      if (kind < 0)
        return fail (error, sub, "unknown key (expected read, write, net, env or run)");
      if (!parse_rules (parse, kind, TRUE, node, sub, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_permissions (Parse       *parse,
                   JsonNode    *root,
                   const char  *path,
                   GError     **error)
{
  JsonObject *object = expect_object (root, path, error);
  g_autoptr(GList) members = object ? json_object_get_members (object) : NULL;

  if (object == NULL)
    return FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
      gboolean ok;

      if (strcmp (name, "isolation") == 0)
        {
          const char *text = node_string (node);

          if (g_strcmp0 (text, "strict") == 0)
            parse->isolation = DA_ISOLATION_STRICT;
          else if (g_strcmp0 (text, "moderate") == 0)
            parse->isolation = DA_ISOLATION_MODERATE;
          else if (g_strcmp0 (text, "minimal") == 0)
            parse->isolation = DA_ISOLATION_MINIMAL;
          else
            return fail (error, sub, "expected \"strict\", \"moderate\" or \"minimal\"");
          parse->has_isolation = TRUE;
          continue;
        }

      if (strcmp (name, "cwd") == 0)
        {
          const char *text = node_string (node);
          g_autofree char *expanded = NULL;

          if (text == NULL || text[0] == '\0')
            return fail (error, sub, "expected a path");
          expanded = _da_path_expand_home (text);
          if (expanded == NULL)
            return fail (error, sub, "cannot expand “%s” (only ~ and ~/ are supported)", text);
          g_free (parse->cwd);
          parse->cwd = _da_path_normalize (expanded, parse->workspace);
          continue;
        }

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          if (strcmp (name, "fs") == 0 || strcmp (name, "net") == 0 ||
              strcmp (name, "env") == 0 || strcmp (name, "run") == 0 ||
              strcmp (name, "resources") == 0 || strcmp (name, "deny") == 0)
            return fail (error, sub, "expected an object");
          return fail (error, sub, "unknown key");
        }

      if (strcmp (name, "fs") == 0)
        ok = parse_fs (parse, json_node_get_object (node), sub, error);
      else if (strcmp (name, "net") == 0)
        ok = parse_net (parse, json_node_get_object (node), sub, error);
      else if (strcmp (name, "env") == 0)
        ok = parse_env (parse, json_node_get_object (node), sub, error);
      else if (strcmp (name, "run") == 0)
        ok = parse_simple_list (parse, DA_PERMISSION_RUN, json_node_get_object (node), sub, error);
      else if (strcmp (name, "resources") == 0)
        ok = parse_resources (parse, json_node_get_object (node), sub, error);
      else if (strcmp (name, "deny") == 0)
        ok = parse_deny (parse, json_node_get_object (node), sub, error);
      else
        return fail (error, sub, "unknown key");

      if (!ok)
        return FALSE;
    }

  return TRUE;
}

/**
 * da_permissions_load_json:
 * @permissions: a team file's `permissions` object
 * @json_path: (nullable): where it sits in its document, for messages
 *   ("$.agents[0].permissions"); "$" when %NULL
 *
 * Adds the object's rules and settings. Nothing is changed on error.
 */
gboolean
da_permissions_load_json (DaPermissions  *self,
                          JsonNode       *permissions,
                          const char     *json_path,
                          GError        **error)
{
  Parse parse = { 0, };
  gboolean ok;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (permissions != NULL, FALSE);

  parse.workspace = self->workspace;
  parse.rules = g_ptr_array_new_with_free_func ((GDestroyNotify)_da_rule_free);
  parse.env_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  ok = parse_permissions (&parse, permissions, json_path ? json_path : "$", error);

  if (ok)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_rw_lock_writer_lock (&self->lock);
      for (guint i = 0; i < parse.rules->len; i++)
        {
          DaRule *rule = g_ptr_array_index (parse.rules, i);

          g_ptr_array_add (self->rules[rule->kind], rule);
        }
      g_ptr_array_set_free_func (parse.rules, NULL);
      g_rw_lock_writer_unlock (&self->lock);

      for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
        if (parse.has_quota[q])
          self->quotas[q] = parse.quota[q];
      if (parse.cwd != NULL)
        {
          g_free (self->cwd);
          self->cwd = g_steal_pointer (&parse.cwd);
        }
      g_hash_table_iter_init (&iter, parse.env_set);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_replace (self->env_set, key, value);
        }
      if (parse.has_isolation)
        da_permissions_set_isolation (self, parse.isolation);
      if (parse.has_fs_temp)
        da_permissions_set_fs_temp (self, parse.fs_temp);
    }

  g_ptr_array_unref (parse.rules);
  g_hash_table_unref (parse.env_set);
  g_free (parse.cwd);

  return ok;
}

DaPermissions *
da_permissions_new_from_json (const char  *workspace,
                              JsonNode    *permissions,
                              const char  *json_path,
                              GError     **error)
{
  g_autoptr(DaPermissions) self = da_permissions_new (workspace);

  if (!da_permissions_load_json (self, permissions, json_path, error))
    return NULL;
  return g_steal_pointer (&self);
}

DaPermissions *
_da_permissions_parse_team (const char  *data,
                            gsize        len,
                            const char  *workspace,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_POLICY,
                           "$: not JSON text (contains a NUL byte)");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_POLICY,
                   "$: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_POLICY,
                           "$: empty document");
      return NULL;
    }

  return da_permissions_new_from_json (workspace, json_parser_get_root (parser), "$", error);
}

DaPermissions *
_da_permissions_parse_flags (const char  *data,
                             gsize        len,
                             const char  *workspace,
                             GError     **error)
{
  g_autoptr(DaPermissions) self = da_permissions_new (workspace);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "Flags contain a NUL byte");
      return NULL;
    }

  text = g_strndup (data, len);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *flag = NULL;
      const char *line = lines[i];
      const char *eq;

      if (line[0] == '\0')
        continue;
      eq = strchr (line, '=');
      flag = eq ? g_strndup (line, eq - line) : g_strdup (line);
      if (!da_permissions_add_flag (self, flag, eq ? eq + 1 : NULL, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}
