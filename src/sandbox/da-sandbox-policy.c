/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <limits.h>
#include <string.h>

#include "da-sandbox-json-private.h"
#include "da-sandbox-policy-private.h"

/* The sandbox policy: a pure function from a buffer to a validated
 * structure.  Everything not listed is denied, so the parser is strict:
 * unknown keys, wrong types and out-of-range numbers are errors that name
 * the JSON path. Paths must already be absolute: "~" is expanded by the
 * caller, never here. */

#define MAX_LIST 256

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *what)
{
  g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_INVALID_POLICY,
               "policy: %s: %s", path, what);
  return FALSE;
}

static char *
normalise_path (const char *in)
{
  g_auto(GStrv) parts = NULL;
  GString *out;

  if (in[0] != '/')
    return NULL;

  parts = g_strsplit (in, "/", -1);
  out = g_string_new (NULL);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, '/');
      g_string_append (out, parts[i]);
    }
  if (out->len == 0)
    g_string_append_c (out, '/');

  return g_string_free (out, FALSE);
}

static gboolean
get_string (DaJson      *node,
            const char  *path,
            const char **out,
            GError     **error)
{
  if (node->type != DA_JSON_STRING)
    return fail (error, path, "must be a string");
  *out = node->string;
  return TRUE;
}

static gboolean
get_path (DaJson      *node,
          const char  *path,
          char       **out,
          GError     **error)
{
  const char *s;

  if (!get_string (node, path, &s, error))
    return FALSE;
  if (s[0] != '/')
    return fail (error, path, "must be an absolute path");
  if (strlen (s) >= PATH_MAX)
    return fail (error, path, "path is too long");
  *out = normalise_path (s);
  if (*out == NULL)
    return fail (error, path, "must not contain “..”");
  return TRUE;
}

static gboolean
get_uint (DaJson      *node,
          const char  *path,
          guint64      min,
          guint64      max,
          guint64     *out,
          GError     **error)
{
  gint64 v;

  if (node->type != DA_JSON_INT)
    return fail (error, path, "must be an integer");
  v = node->integer;
  if (v < 0 || (guint64) v < min || (guint64) v > max)
    {
      g_autofree char *what = g_strdup_printf ("must be between %" G_GUINT64_FORMAT
                                               " and %" G_GUINT64_FORMAT, min, max);
      return fail (error, path, what);
    }
  *out = (guint64) v;
  return TRUE;
}

static gboolean
valid_env_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_env_name (const char  *name,
                const char  *path,
                GError     **error)
{
  if (!valid_env_name (name))
    return fail (error, path, "not a valid variable name");
  if (g_str_has_prefix (name, "LD_"))
    return fail (error, path, "LD_* variables are never passed into a sandbox");
  return TRUE;
}

static gboolean
valid_host_pattern (const char *s)
{
  const char *colon;
  const char *host_end;
  gsize n = strlen (s);

  if (n == 0 || n > 260)
    return FALSE;

  if (s[0] == '[')
    {
      const char *close = strchr (s, ']');
      if (close == NULL || close == s + 1)
        return FALSE;
      for (const char *p = s + 1; p < close; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':' && *p != '.')
          return FALSE;
      host_end = close + 1;
      colon = (*host_end == ':') ? host_end : NULL;
      if (*host_end != '\0' && colon == NULL)
        return FALSE;
    }
  else
    {
      colon = strchr (s, ':');
      host_end = colon ? colon : s + n;
      if (host_end == s)
        return FALSE;
      for (const char *p = s; p < host_end; p++)
        if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '*' && *p != '_')
          return FALSE;
    }

  if (colon != NULL)
    {
      const char *port = colon + 1;
      guint64 v;

      if (strcmp (port, "*") == 0)
        return TRUE;
      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &v, NULL))
        return FALSE;
    }
  return TRUE;
}

typedef gboolean (*ItemFunc) (DaJson      *node,
                              const char  *path,
                              char       **out,
                              GError     **error);

static gboolean
item_path (DaJson      *node,
           const char  *path,
           char       **out,
           GError     **error)
{
  return get_path (node, path, out, error);
}

static gboolean
item_env_name (DaJson      *node,
               const char  *path,
               char       **out,
               GError     **error)
{
  const char *s;

  if (!get_string (node, path, &s, error) || !check_env_name (s, path, error))
    return FALSE;
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
item_host (DaJson      *node,
           const char  *path,
           char       **out,
           GError     **error)
{
  const char *s;

  if (!get_string (node, path, &s, error))
    return FALSE;
  if (!valid_host_pattern (s))
    return fail (error, path, "must be host, host:port, [ipv6] or [ipv6]:port");
  *out = g_ascii_strdown (s, -1);
  return TRUE;
}

static gboolean
get_list (DaJson      *node,
          const char  *path,
          ItemFunc     func,
          char      ***out,
          GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  guint n;

  if (node->type != DA_JSON_ARRAY)
    return fail (error, path, "must be an array");
  n = node->items->len;
  if (n > MAX_LIST)
    return fail (error, path, "too many entries");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item_path_str = g_strdup_printf ("%s[%u]", path, i);
      char *item = NULL;

      if (!func (g_ptr_array_index (node->items, i), item_path_str, &item, error))
        return FALSE;
      g_ptr_array_add (items, item);
    }
  g_ptr_array_add (items, NULL);
  g_strfreev (*out);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
  return TRUE;
}

static gboolean
parse_fs (DaSandboxPolicy  *policy,
          DaJson           *node,
          GError          **error)
{
  const char *key;
  DaJson *value;

  if (node->type != DA_JSON_OBJECT)
    return fail (error, "fs", "must be an object");

  for (guint k = 0; k < node->keys->len; k++)
    {
      key = g_ptr_array_index (node->keys, k);
      value = g_ptr_array_index (node->items, k);
      if (strcmp (key, "read") == 0)
        {
          if (!get_list (value, "fs.read", item_path, &policy->fs_read, error))
            return FALSE;
        }
      else if (strcmp (key, "write") == 0)
        {
          if (!get_list (value, "fs.write", item_path, &policy->fs_write, error))
            return FALSE;
        }
      else if (strcmp (key, "temp") == 0)
        {
          if (value->type != DA_JSON_BOOL)
            return fail (error, "fs.temp", "must be true or false");
          policy->fs_temp = value->boolean;
        }
      else
        {
          g_autofree char *p = g_strdup_printf ("fs.%s", key);
          return fail (error, p, "unknown key");
        }
    }
  return TRUE;
}

static gboolean
parse_net (DaSandboxPolicy  *policy,
           DaJson           *node,
           GError          **error)
{
  const char *key;
  DaJson *value;

  if (node->type != DA_JSON_OBJECT)
    return fail (error, "net", "must be an object");

  for (guint k = 0; k < node->keys->len; k++)
    {
      guint64 v;

      key = g_ptr_array_index (node->keys, k);
      value = g_ptr_array_index (node->items, k);
      if (strcmp (key, "allow") == 0)
        {
          if (!get_list (value, "net.allow", item_host, &policy->net_allow, error))
            return FALSE;
        }
      else if (strcmp (key, "max_connections") == 0)
        {
          if (!get_uint (value, "net.max_connections", 1, 1024, &v, error))
            return FALSE;
          policy->net_max_connections = (guint) v;
        }
      else if (strcmp (key, "proxy_socket") == 0)
        {
          g_clear_pointer (&policy->net_proxy_socket, g_free);
          if (!get_path (value, "net.proxy_socket", &policy->net_proxy_socket, error))
            return FALSE;
          if (strlen (policy->net_proxy_socket) > 107)
            return fail (error, "net.proxy_socket", "path is too long for a unix socket");
        }
      else if (strcmp (key, "proxy_port") == 0)
        {
          if (!get_uint (value, "net.proxy_port", 1, 65535, &v, error))
            return FALSE;
          policy->net_proxy_port = (guint16) v;
        }
      else
        {
          g_autofree char *p = g_strdup_printf ("net.%s", key);
          return fail (error, p, "unknown key");
        }
    }
  return TRUE;
}

static gboolean
parse_env (DaSandboxPolicy  *policy,
           DaJson           *node,
           GError          **error)
{
  const char *key;
  DaJson *value;

  if (node->type != DA_JSON_OBJECT)
    return fail (error, "env", "must be an object");

  for (guint k = 0; k < node->keys->len; k++)
    {
      key = g_ptr_array_index (node->keys, k);
      value = g_ptr_array_index (node->items, k);
      if (strcmp (key, "allow") == 0)
        {
          if (!get_list (value, "env.allow", item_env_name, &policy->env_allow, error))
            return FALSE;
        }
      else if (strcmp (key, "set") == 0)
        {
          g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

          if (value->type != DA_JSON_OBJECT)
            return fail (error, "env.set", "must be an object");
          if (value->keys->len > MAX_LIST)
            return fail (error, "env.set", "too many entries");

          for (guint j = 0; j < value->keys->len; j++)
            {
              const char *name = g_ptr_array_index (value->keys, j);
              DaJson *v = g_ptr_array_index (value->items, j);
              g_autofree char *p = g_strdup_printf ("env.set.%s", name);
              const char *s;

              if (!check_env_name (name, p, error) || !get_string (v, p, &s, error))
                return FALSE;
              g_ptr_array_add (items, g_strconcat (name, "=", s, NULL));
            }
          g_ptr_array_add (items, NULL);
          g_strfreev (policy->env_set);
          policy->env_set = (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
        }
      else
        {
          g_autofree char *p = g_strdup_printf ("env.%s", key);
          return fail (error, p, "unknown key");
        }
    }
  return TRUE;
}

static gboolean
parse_resources (DaSandboxPolicy  *policy,
                 DaJson           *node,
                 GError          **error)
{
  static const struct {
    const char *key;
    gsize       offset;
    guint64     max;
  } fields[] = {
    { "memory_mb",     G_STRUCT_OFFSET (DaSandboxPolicy, memory_mb),     1024 * 1024 },
    { "cpu_seconds",   G_STRUCT_OFFSET (DaSandboxPolicy, cpu_seconds),   7 * 24 * 3600 },
    { "wall_seconds",  G_STRUCT_OFFSET (DaSandboxPolicy, wall_seconds),  7 * 24 * 3600 },
    { "max_processes", G_STRUCT_OFFSET (DaSandboxPolicy, max_processes), 65536 },
    { "max_file_mb",   G_STRUCT_OFFSET (DaSandboxPolicy, max_file_mb),   1024 * 1024 },
    { "max_output_kb", G_STRUCT_OFFSET (DaSandboxPolicy, max_output_kb), 1024 * 1024 },
  };
  const char *key;
  DaJson *value;

  if (node->type != DA_JSON_OBJECT)
    return fail (error, "resources", "must be an object");

  for (guint k = 0; k < node->keys->len; k++)
    {
      g_autofree char *p = NULL;
      guint i;

      key = g_ptr_array_index (node->keys, k);
      value = g_ptr_array_index (node->items, k);
      p = g_strdup_printf ("resources.%s", key);
      for (i = 0; i < G_N_ELEMENTS (fields); i++)
        if (strcmp (key, fields[i].key) == 0)
          break;
      if (i == G_N_ELEMENTS (fields))
        return fail (error, p, "unknown key");
      if (!get_uint (value, p, 1, fields[i].max,
                     G_STRUCT_MEMBER_P (policy, fields[i].offset), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_root (DaSandboxPolicy  *policy,
            DaJson           *root,
            GError          **error)
{
  const char *key;
  DaJson *value;

  if (root->type != DA_JSON_OBJECT)
    return fail (error, "$", "must be an object");

  for (guint k = 0; k < root->keys->len; k++)
    {
      key = g_ptr_array_index (root->keys, k);
      value = g_ptr_array_index (root->items, k);
      if (strcmp (key, "isolation") == 0)
        {
          const char *s;

          if (!get_string (value, "isolation", &s, error))
            return FALSE;
          if (strcmp (s, "strict") == 0)
            policy->isolation = DA_SANDBOX_ISOLATION_STRICT;
          else if (strcmp (s, "moderate") == 0)
            policy->isolation = DA_SANDBOX_ISOLATION_MODERATE;
          else if (strcmp (s, "minimal") == 0)
            policy->isolation = DA_SANDBOX_ISOLATION_MINIMAL;
          else
            return fail (error, "isolation", "must be strict, moderate or minimal");
        }
      else if (strcmp (key, "fs") == 0)
        {
          if (!parse_fs (policy, value, error))
            return FALSE;
        }
      else if (strcmp (key, "net") == 0)
        {
          if (!parse_net (policy, value, error))
            return FALSE;
        }
      else if (strcmp (key, "env") == 0)
        {
          if (!parse_env (policy, value, error))
            return FALSE;
        }
      else if (strcmp (key, "resources") == 0)
        {
          if (!parse_resources (policy, value, error))
            return FALSE;
        }
      else if (strcmp (key, "cwd") == 0)
        {
          g_clear_pointer (&policy->cwd, g_free);
          if (!get_path (value, "cwd", &policy->cwd, error))
            return FALSE;
        }
      else
        return fail (error, key, "unknown key");
    }

  if (policy->isolation != DA_SANDBOX_ISOLATION_MODERATE)
    {
      if (policy->net_allow[0] != NULL)
        return fail (error, "net.allow", "network access needs isolation “moderate”");
      if (policy->net_proxy_socket != NULL)
        return fail (error, "net.proxy_socket", "the proxy needs isolation “moderate”");
    }
  else if (policy->net_allow[0] != NULL && policy->net_proxy_socket == NULL)
    return fail (error, "net.allow", "needs net.proxy_socket: network goes only through the proxy");

  return TRUE;
}

DaSandboxPolicy *
_da_sandbox_policy_parse (const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(DaSandboxPolicy) policy = g_new0 (DaSandboxPolicy, 1);
  g_autoptr(DaJson) root = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  policy->isolation = DA_SANDBOX_ISOLATION_STRICT;
  policy->fs_read = g_new0 (char *, 1);
  policy->fs_write = g_new0 (char *, 1);
  policy->net_allow = g_new0 (char *, 1);
  policy->env_allow = g_new0 (char *, 1);
  policy->env_set = g_new0 (char *, 1);
  policy->net_max_connections = DA_SANDBOX_DEFAULT_MAX_CONNECTIONS;
  policy->net_proxy_port = DA_SANDBOX_DEFAULT_PROXY_PORT;
  policy->memory_mb = DA_SANDBOX_DEFAULT_MEMORY_MB;
  policy->cpu_seconds = DA_SANDBOX_DEFAULT_CPU_SECONDS;
  policy->wall_seconds = DA_SANDBOX_DEFAULT_WALL_SECONDS;
  policy->max_processes = DA_SANDBOX_DEFAULT_MAX_PROCESSES;
  policy->max_file_mb = DA_SANDBOX_DEFAULT_MAX_FILE_MB;
  policy->max_output_kb = DA_SANDBOX_DEFAULT_MAX_OUTPUT_KB;

  if (len > 1024 * 1024)
    {
      fail (error, "$", "policy is larger than 1 MiB");
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL)
    {
      fail (error, "$", "policy contains a NUL byte");
      return NULL;
    }
  root = _da_json_parse (data, len, &local_error);
  if (root == NULL)
    {
      fail (error, "$", local_error->message);
      return NULL;
    }
  if (!parse_root (policy, root, error))
    return NULL;

  return g_steal_pointer (&policy);
}

void
_da_sandbox_policy_free (DaSandboxPolicy *policy)
{
  if (policy == NULL)
    return;
  g_strfreev (policy->fs_read);
  g_strfreev (policy->fs_write);
  g_strfreev (policy->net_allow);
  g_free (policy->net_proxy_socket);
  g_strfreev (policy->env_allow);
  g_strfreev (policy->env_set);
  g_free (policy->cwd);
  g_free (policy);
}

const char *
_da_sandbox_isolation_to_string (DaSandboxIsolation isolation)
{
  switch (isolation)
    {
    case DA_SANDBOX_ISOLATION_STRICT:   return "strict";
    case DA_SANDBOX_ISOLATION_MODERATE: return "moderate";
    case DA_SANDBOX_ISOLATION_MINIMAL:  return "minimal";
    default:                            return "unknown";
    }
}
