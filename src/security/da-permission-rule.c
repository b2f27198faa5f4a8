/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "da-permissions-private.h"

/* Specificity bands for network rules: host:port > host > *.domain
 * (longer suffix first) > CIDR (longer prefix first) > all. */
#define NET_SPEC_CIDR      1000
#define NET_SPEC_WILDCARD  2000
#define NET_SPEC_HOST      3000
#define NET_SPEC_HOST_PORT 4000
#define NET_SPEC_PORT_BONUS 300
#define ENV_SPEC_EXACT     10000

void
_da_rule_free (DaRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->text);
  g_free (rule->path);
  g_free (rule->resolved);
  _da_net_target_clear (&rule->net);
  g_free (rule->suffix);
  g_free (rule->env_name);
  g_free (rule->exe);
  g_free (rule->exe_name);
  g_free (rule);
}

/* Variables the dynamic loader or libc act on before the program runs:
 * setting them runs foreign code inside any granted executable, so no
 * rule ever grants them. LD_* and DYLD_* are refused as whole prefixes. */
static const char * const loader_variables[] = {
  "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
  "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
  "RESOLV_HOST_CONF", "RES_OPTIONS",
};

gboolean
da_permission_env_is_grantable (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_str_has_prefix (name, "LD_") || g_str_has_prefix (name, "DYLD_"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (loader_variables); i++)
    if (strcmp (name, loader_variables[i]) == 0)
      return FALSE;
  return TRUE;
}

gboolean
_da_env_name_is_valid (const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isgraph (*p) || *p == '=' || *p == '*')
      return FALSE;
  return TRUE;
}

static gboolean
env_prefix_may_cover_loader (const char *prefix)
{
  /* "LD_FOO*" can only ever match loader variables. */
  return g_str_has_prefix (prefix, "LD_") || g_str_has_prefix (prefix, "DYLD_");
}

char *
_da_run_resolve (const char  *command,
                 const char  *workspace,
                 GError     **error)
{
  g_autofree char *found = NULL;
  g_autofree char *canonical = NULL;

  if (command[0] == '\0')
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "Empty command");
      return NULL;
    }

  if (strchr (command, '/') != NULL)
    {
      g_autofree char *expanded = _da_path_expand_home (command);

      if (expanded == NULL)
        {
          g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                       "Cannot expand “%s”", command);
          return NULL;
        }
      found = _da_path_normalize (expanded, workspace);
    }
  else
    found = g_find_program_in_path (command);

  if (found == NULL ||
      (canonical = realpath (found, NULL)) == NULL ||
      !g_file_test (canonical, G_FILE_TEST_IS_REGULAR) ||
      access (canonical, X_OK) != 0)
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND,
                   "No executable “%s” found", command);
      return NULL;
    }

  /* realpath() uses malloc; hand back GLib memory. */
  {
    char *copy = g_strdup (canonical);

    free (g_steal_pointer (&canonical));
    return copy;
  }
}

gboolean
_da_run_hash_file (const char  *path,
                   char         hex[65],
                   GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[64 * 1024];
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND,
                   "Cannot read %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  for (;;)
    {
      gssize n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND,
                       "Cannot read %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (sum, buf, n);
    }
  close (fd);

  g_strlcpy (hex, g_checksum_get_string (sum), 65);
  return TRUE;
}

gboolean
_da_run_sha256_is_valid (const char *sha256)
{
  gsize len = 0;

  for (; sha256[len] != '\0'; len++)
    if (!g_ascii_isxdigit (sha256[len]))
      return FALSE;
  return len == 64;
}

/* An allow rule bound to the content a person granted (an agent file's
 * {"path", "sha256"}, a stored "always" grant): the hash is taken as
 * given, so a program that changed since no longer matches. The file
 * need not exist now; the rule then covers nothing. */
DaRule *
_da_rule_new_run_bound (const char  *path,
                        const char  *sha256,
                        const char  *workspace,
                        GError     **error)
{
  DaRule *rule;

  if (path[0] == '\0')
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "Empty command");
      return NULL;
    }
  if (!_da_run_sha256_is_valid (sha256))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "Invalid SHA-256 for “%s” (expected 64 hexadecimal digits)", path);
      return NULL;
    }

  rule = g_new0 (DaRule, 1);
  rule->kind = DA_PERMISSION_RUN;
  rule->net.port = -1;
  rule->text = g_strdup (path);
  rule->specificity = 1;
  rule->bound = TRUE;
  for (guint i = 0; i < 64; i++)
    rule->sha256[i] = g_ascii_tolower (sha256[i]);

  rule->exe = _da_run_resolve (path, workspace, NULL);
  if (rule->exe == NULL && strchr (path, '/') != NULL)
    {
      g_autofree char *expanded = _da_path_expand_home (path);

      if (expanded != NULL)
        rule->exe = _da_path_normalize (expanded, workspace);
    }
  return rule;
}

static gboolean
parse_path_rule (DaRule      *rule,
                 const char  *value,
                 const char  *workspace,
                 GError     **error)
{
  g_autofree char *expanded = _da_path_expand_home (value);
  g_autoptr(GError) local_error = NULL;

  if (expanded == NULL)
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "Cannot expand “%s” (only ~ and ~/ are supported)", value);
      return FALSE;
    }

  rule->path = _da_path_normalize (expanded, workspace);
  rule->resolved = _da_path_resolve (rule->path, &local_error);
  if (rule->resolved == NULL)
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "%s", local_error->message);
      return FALSE;
    }
  rule->specificity = 1 + _da_path_n_components (rule->path);
  return TRUE;
}

static gboolean
parse_net_rule (DaRule      *rule,
                const char  *value,
                GError     **error)
{
  const char *slash = strchr (value, '/');

  if (slash != NULL)
    {
      g_autofree char *addr_text = g_strndup (value, slash - value);
      const char *len_text = slash + 1;
      guint max, prefix_len;
      guint64 parsed;
      char *end = NULL;

      if (addr_text[0] == '[' && addr_text[strlen (addr_text) - 1] == ']')
        {
          char *inner = g_strndup (addr_text + 1, strlen (addr_text) - 2);

          g_free (addr_text);
          addr_text = inner;
        }

      if (!_da_net_parse_addr (addr_text, &rule->net.addr) ||
          !g_ascii_isdigit (len_text[0]) || strlen (len_text) > 3)
        goto invalid;
      parsed = g_ascii_strtoull (len_text, &end, 10);
      if (*end != '\0')
        goto invalid;

      /* ::ffff:a.b.c.d/n was folded to IPv4: shift the prefix with it. */
      max = rule->net.addr.family == 4 ? 32 : 128;
      if (rule->net.addr.family == 4 && strchr (addr_text, ':') != NULL)
        {
          if (parsed < 96)
            goto invalid;
          parsed -= 96;
        }
      if (parsed > max)
        goto invalid;
      prefix_len = (guint)parsed;

      for (guint bit = prefix_len; bit < 128; bit++)
        rule->net.addr.bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));

      rule->net_type = DA_NET_RULE_CIDR;
      rule->net.is_addr = TRUE;
      rule->net.port = -1;
      rule->prefix_len = prefix_len;
      rule->specificity = NET_SPEC_CIDR + prefix_len;
      return TRUE;
    }

  if (value[0] == '*')
    {
      if (value[1] != '.' ||
          !_da_net_parse_target (value + 2, &rule->net, NULL) ||
          rule->net.is_addr)
        goto invalid;
      rule->net_type = DA_NET_RULE_WILDCARD;
      rule->suffix = g_strconcat (".", rule->net.host, NULL);
      rule->specificity = NET_SPEC_WILDCARD + strlen (rule->suffix) +
                          (rule->net.port >= 0 ? NET_SPEC_PORT_BONUS : 0);
      return TRUE;
    }

  if (!_da_net_parse_target (value, &rule->net, NULL))
    goto invalid;
  rule->net_type = DA_NET_RULE_HOST;
  rule->specificity = rule->net.port >= 0 ? NET_SPEC_HOST_PORT : NET_SPEC_HOST;
  return TRUE;

invalid:
  g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
               "Invalid network rule “%s” (expected host, host:port, *.domain, "
               "an IP address or a CIDR range)", value);
  return FALSE;
}

static gboolean
parse_env_rule (DaRule      *rule,
                const char  *value,
                GError     **error)
{
  gsize len = strlen (value);
  g_autofree char *name = NULL;

  rule->env_prefix = len > 0 && value[len - 1] == '*';
  name = g_strndup (value, rule->env_prefix ? len - 1 : len);

  if (!_da_env_name_is_valid (name))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "Invalid environment variable rule “%s” (expected NAME or PREFIX*)",
                   value);
      return FALSE;
    }

  if (!rule->deny &&
      (rule->env_prefix ? env_prefix_may_cover_loader (name)
                        : !da_permission_env_is_grantable (name)))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE,
                   "%s is a loader variable and is never granted", value);
      return FALSE;
    }

  rule->specificity = rule->env_prefix ? 1 + strlen (name) : ENV_SPEC_EXACT;
  rule->env_name = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
parse_run_rule (DaRule      *rule,
                const char  *value,
                const char  *workspace,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  rule->specificity = 1;
  if (strchr (value, '/') == NULL)
    rule->exe_name = g_strdup (value);

  rule->exe = _da_run_resolve (value, workspace, &local_error);
  if (rule->exe == NULL)
    {
      /* A deny rule for a program that is not installed still applies by
       * name; an allow rule must name something that exists. */
      if (rule->deny && rule->exe_name != NULL &&
          g_error_matches (local_error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!rule->deny && !_da_run_hash_file (rule->exe, rule->sha256, error))
    return FALSE;

  return TRUE;
}

DaRule *
_da_rule_parse (DaPermissionKind   kind,
                gboolean           deny,
                const char        *value,
                const char        *workspace,
                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  DaRule *rule = g_new0 (DaRule, 1);
  gboolean ok = FALSE;

  rule->kind = kind;
  rule->deny = deny;
  rule->net.port = -1;
  rule->text = g_strdup (value ? value : "");

  if (value == NULL || value[0] == '\0')
    {
      rule->all = TRUE;
      rule->specificity = 0;
      return rule;
    }

  switch (kind)
    {
    case DA_PERMISSION_READ:
    case DA_PERMISSION_WRITE:
      ok = parse_path_rule (rule, value, workspace, &local_error);
      break;
    case DA_PERMISSION_NET:
      ok = parse_net_rule (rule, value, &local_error);
      break;
    case DA_PERMISSION_ENV:
      ok = parse_env_rule (rule, value, &local_error);
      break;
    case DA_PERMISSION_RUN:
      ok = parse_run_rule (rule, value, workspace, &local_error);
      break;
    default:
      g_set_error (&local_error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "Unknown permission kind %d", (int)kind);
      break;
    }

  if (!ok)
    {
      _da_rule_free (rule);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return rule;
}

/**
 * da_permission_rule_validate:
 * @value: the rule as a person would write it; empty means every target
 *
 * Checks a rule with the same parser the rules are loaded with (a path
 * rule's symlinks are resolved, a run rule's program found and hashed).
 *
 * Returns: %TRUE when the rule would load
 */
gboolean
da_permission_rule_validate (DaPermissionKind   kind,
                             gboolean           deny,
                             const char        *value,
                             const char        *workspace,
                             GError           **error)
{
  DaRule *rule;

  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, FALSE);
  g_return_val_if_fail (workspace != NULL && g_path_is_absolute (workspace), FALSE);

  rule = _da_rule_parse (kind, deny, value, workspace, error);
  if (rule == NULL)
    return FALSE;
  _da_rule_free (rule);
  return TRUE;
}

/**
 * da_permission_run_resolve:
 * @command: a program name (looked up in PATH) or a path
 * @path: (out) (optional): the canonical absolute path an allow rule binds
 * @sha256: (out) (optional): the hex SHA-256 of its content
 *
 * What an allow rule for @command is bound to when it is loaded now.
 */
gboolean
da_permission_run_resolve (const char  *command,
                           const char  *workspace,
                           char       **path,
                           char       **sha256,
                           GError     **error)
{
  g_autofree char *exe = NULL;
  char hex[65];

  g_return_val_if_fail (command != NULL, FALSE);
  g_return_val_if_fail (workspace != NULL && g_path_is_absolute (workspace), FALSE);

  exe = _da_run_resolve (command, workspace, error);
  if (exe == NULL || !_da_run_hash_file (exe, hex, error))
    return FALSE;

  if (path != NULL)
    *path = g_steal_pointer (&exe);
  if (sha256 != NULL)
    *sha256 = g_strdup (hex);
  return TRUE;
}
