/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>

#include "da-escape.h"
#include "da-permissions-private.h"

/* A content hash is cached against a file's identity and times, but only
 * once its ctime is this far in the past: timestamps are coarse, and a
 * same-size rewrite within one tick would otherwise look unchanged. */
#define HASH_CACHE_RACY_SECONDS 2

G_DEFINE_ENUM_TYPE (DaPermissionKind, da_permission_kind,
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_READ, "read"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_WRITE, "write"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_NET, "net"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_ENV, "env"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_RUN, "run"))

G_DEFINE_ENUM_TYPE (DaPermissionDecision, da_permission_decision,
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_DECISION_ASK, "ask"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_DECISION_ALLOW, "allow"),
  G_DEFINE_ENUM_VALUE (DA_PERMISSION_DECISION_DENY, "deny"))

G_DEFINE_ENUM_TYPE (DaIsolationLevel, da_isolation_level,
  G_DEFINE_ENUM_VALUE (DA_ISOLATION_STRICT, "strict"),
  G_DEFINE_ENUM_VALUE (DA_ISOLATION_MODERATE, "moderate"),
  G_DEFINE_ENUM_VALUE (DA_ISOLATION_MINIMAL, "minimal"))

typedef struct
{
  dev_t   dev;
  ino_t   ino;
  off_t   size;
  gint64  mtime_ns;
  gint64  ctime_ns;
  char    hex[65];
} HashEntry;

G_DEFINE_FINAL_TYPE (DaPermissions, da_permissions, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_ISOLATION,
  PROP_FS_TEMP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const flag_names[DA_PERMISSION_N_KINDS] = {
  "read", "write", "net", "env", "run",
};

const char *
da_permission_kind_to_string (DaPermissionKind kind)
{
  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, "unknown");
  return flag_names[kind];
}

const char *
da_permission_decision_to_string (DaPermissionDecision decision)
{
  switch (decision)
    {
    case DA_PERMISSION_DECISION_ASK: return "ask";
    case DA_PERMISSION_DECISION_ALLOW: return "allow";
    case DA_PERMISSION_DECISION_DENY: return "deny";
    default: return "unknown";
    }
}

void
da_permission_match_clear (DaPermissionMatch *match)
{
  g_clear_pointer (&match->rule, g_free);
  g_clear_pointer (&match->target, g_free);
  g_clear_pointer (&match->reason, g_free);
  match->changed = FALSE;
}

static guint
hash_entry_hash (gconstpointer key)
{
  const HashEntry *e = key;

  return g_int64_hash (&(gint64){ (gint64)e->ino }) ^ (guint)e->dev;
}

static gboolean
hash_entry_equal (gconstpointer a,
                  gconstpointer b)
{
  const HashEntry *ea = a, *eb = b;

  return ea->dev == eb->dev && ea->ino == eb->ino;
}

static void
da_permissions_finalize (GObject *object)
{
  DaPermissions *self = (DaPermissions *)object;

  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    g_clear_pointer (&self->rules[i], g_ptr_array_unref);
  g_clear_pointer (&self->env_set, g_hash_table_unref);
  g_clear_pointer (&self->hash_cache, g_hash_table_unref);
  g_clear_pointer (&self->workspace, g_free);
  g_clear_pointer (&self->cwd, g_free);
  g_rw_lock_clear (&self->lock);
  g_mutex_clear (&self->hash_mutex);

  G_OBJECT_CLASS (da_permissions_parent_class)->finalize (object);
}

static void
da_permissions_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DaPermissions *self = DA_PERMISSIONS (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_string (value, self->workspace);
      break;
    case PROP_ISOLATION:
      g_value_set_enum (value, self->isolation);
      break;
    case PROP_FS_TEMP:
      g_value_set_boolean (value, self->fs_temp);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_permissions_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DaPermissions *self = DA_PERMISSIONS (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      {
        const char *ws = g_value_get_string (value);

        g_free (self->workspace);
        self->workspace = _da_path_normalize (ws != NULL ? ws : ".", NULL);
      }
      break;
    case PROP_ISOLATION:
      da_permissions_set_isolation (self, g_value_get_enum (value));
      break;
    case PROP_FS_TEMP:
      da_permissions_set_fs_temp (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_permissions_class_init (DaPermissionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = da_permissions_finalize;
  object_class->get_property = da_permissions_get_property;
  object_class->set_property = da_permissions_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_string ("workspace", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ISOLATION] =
    g_param_spec_enum ("isolation", NULL, NULL,
                       DA_TYPE_ISOLATION_LEVEL, DA_ISOLATION_STRICT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FS_TEMP] =
    g_param_spec_boolean ("fs-temp", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_permissions_init (DaPermissions *self)
{
  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    self->rules[i] = g_ptr_array_new_with_free_func ((GDestroyNotify)_da_rule_free);
  self->env_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->hash_cache = g_hash_table_new_full (hash_entry_hash, hash_entry_equal, g_free, NULL);
  self->isolation = DA_ISOLATION_STRICT;
  g_rw_lock_init (&self->lock);
  g_mutex_init (&self->hash_mutex);
}

/**
 * da_permissions_new:
 * @workspace: (nullable): the directory relative paths resolve against;
 *   %NULL for the current directory
 */
DaPermissions *
da_permissions_new (const char *workspace)
{
  return g_object_new (DA_TYPE_PERMISSIONS, "workspace", workspace, NULL);
}

const char *
da_permissions_get_workspace (DaPermissions *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), NULL);
  return self->workspace;
}

/**
 * da_permissions_add_rule:
 * @value: one rule; "" means every target of @kind (like a bare --allow-net)
 */
gboolean
da_permissions_add_rule (DaPermissions     *self,
                         DaPermissionKind   kind,
                         gboolean           deny,
                         const char        *value,
                         GError           **error)
{
  DaRule *rule;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, FALSE);

  rule = _da_rule_parse (kind, deny, value, self->workspace, error);
  if (rule == NULL)
    return FALSE;

  g_rw_lock_writer_lock (&self->lock);
  g_ptr_array_add (self->rules[kind], rule);
  g_rw_lock_writer_unlock (&self->lock);

  return TRUE;
}

/* A run rule bound to @sha256, the content that was granted. */
gboolean
_da_permissions_add_run_bound (DaPermissions  *self,
                               const char     *path,
                               const char     *sha256,
                               GError        **error)
{
  DaRule *rule;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);

  rule = _da_rule_new_run_bound (path, sha256, self->workspace, error);
  if (rule == NULL)
    return FALSE;

  g_rw_lock_writer_lock (&self->lock);
  g_ptr_array_add (self->rules[DA_PERMISSION_RUN], rule);
  g_rw_lock_writer_unlock (&self->lock);

  return TRUE;
}

/**
 * da_permissions_add_flag:
 * @flag: "allow-read", "--deny-net", … (with or without the dashes)
 * @value: (nullable): the flag's value: a comma-separated list, or %NULL /
 *   "" for every target of that kind (`--allow-net` alone allows every host)
 *
 * On error no rule of the list has been added.
 */
gboolean
da_permissions_add_flag (DaPermissions  *self,
                         const char     *flag,
                         const char     *value,
                         GError        **error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_auto(GStrv) items = NULL;
  const char *name = flag;
  const char *bare;
  gboolean deny;
  int kind = -1;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  if (g_str_has_prefix (name, "--"))
    name += 2;
  bare = name;
  if (g_str_has_prefix (name, "allow-"))
    deny = FALSE, name += strlen ("allow-");
  else if (g_str_has_prefix (name, "deny-"))
    deny = TRUE, name += strlen ("deny-");
  else
    goto unknown;

  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    if (strcmp (name, flag_names[i]) == 0)
      kind = (int)i;
  if (kind < 0)
    goto unknown;

  parsed = g_ptr_array_new_with_free_func ((GDestroyNotify)_da_rule_free);

  if (value == NULL || value[0] == '\0')
    g_ptr_array_add (parsed, _da_rule_parse (kind, deny, NULL, self->workspace, NULL));
  else
    {
      items = g_strsplit (value, ",", -1);
      for (guint i = 0; items[i] != NULL; i++)
        {
          g_autoptr(GError) local_error = NULL;
          DaRule *rule;

          if (items[i][0] == '\0')
            {
              g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "--%s: empty entry in “%s”", bare, value);
              return FALSE;
            }
          rule = _da_rule_parse (kind, deny, items[i], self->workspace, &local_error);
          if (rule == NULL)
            {
              g_set_error (error, local_error->domain, local_error->code,
                           "--%s: %s", bare, local_error->message);
              return FALSE;
            }
          g_ptr_array_add (parsed, rule);
        }
    }

  g_rw_lock_writer_lock (&self->lock);
  for (guint i = 0; i < parsed->len; i++)
    g_ptr_array_add (self->rules[kind], g_ptr_array_index (parsed, i));
  g_ptr_array_set_free_func (parsed, NULL);
  g_rw_lock_writer_unlock (&self->lock);

  return TRUE;

unknown:
  g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_UNKNOWN_FLAG,
               "Unknown permission flag “%s”", flag);
  return FALSE;
}

static void
set_match (DaPermissionMatch    *match,
           DaPermissionKind      kind,
           DaPermissionDecision  decision,
           const DaRule         *rule,
           const char           *target,
           char                 *reason)
{
  if (match == NULL)
    {
      g_free (reason);
      return;
    }
  da_permission_match_clear (match);
  match->kind = kind;
  match->decision = decision;
  match->deny_rule = rule != NULL && rule->deny;
  match->rule = rule ? g_strdup (rule->all ? "(all)" : rule->text) : NULL;
  match->target = g_strdup (target);
  match->reason = reason;
  match->changed = FALSE;
}

static char *
rule_reason (const DaRule *rule,
             const char   *what)
{
  if (rule->bound)
    return g_strdup_printf ("%s by the run rule for “%s” (SHA-256 %.12s…)", what,
                            rule->text, rule->sha256);
  return g_strdup_printf ("%s by --%s-%s%s%s%s", what,
                          rule->deny ? "deny" : "allow", flag_names[rule->kind],
                          rule->all ? "" : "=“", rule->all ? "" : rule->text,
                          rule->all ? "" : "”");
}

static inline gboolean
better (const DaRule *candidate,
        guint         spec,
        const DaRule *best,
        guint         best_spec)
{
  if (best == NULL || spec > best_spec)
    return TRUE;
  /* Equal specificity: deny wins. */
  return spec == best_spec && candidate->deny && !best->deny;
}

/* Most specific path rule covering @path, or NULL. */
static const DaRule *
best_path_rule (GPtrArray  *rules,
                const char *path)
{
  const DaRule *best = NULL;
  guint best_spec = 0;
  gboolean special = _da_path_is_special (path);

  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);
      guint spec = 0;
      gboolean hit = FALSE;

      if (rule->all)
        {
          /* "Everything" still does not grant /proc, /dev or /sys. */
          hit = rule->deny || !special;
        }
      else
        {
          const char *forms[2] = { rule->path, rule->resolved };

          for (guint f = 0; f < 2; f++)
            {
              if (!_da_path_is_under (path, forms[f]))
                continue;
              if (!rule->deny && special && !_da_path_is_special (forms[f]))
                continue;
              hit = TRUE;
              spec = MAX (spec, 1 + _da_path_n_components (forms[f]));
            }
        }

      if (hit && better (rule, spec, best, best_spec))
        best = rule, best_spec = spec;
    }

  return best;
}

static DaPermissionDecision
check_path (DaPermissions     *self,
            DaPermissionKind   kind,
            const char        *target,
            DaPermissionMatch *match)
{
  g_autofree char *written = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GError) error = NULL;
  const DaRule *w_rule, *r_rule;

  if (target[0] == '\0')
    {
      set_match (match, kind, DA_PERMISSION_DECISION_DENY, NULL, target,
                 g_strdup ("empty path"));
      return DA_PERMISSION_DECISION_DENY;
    }

  written = _da_path_normalize (target, self->workspace);
  resolved = _da_path_resolve (written, &error);
  if (resolved == NULL)
    {
      set_match (match, kind, DA_PERMISSION_DECISION_DENY, NULL, written,
                 g_strdup (error->message));
      return DA_PERMISSION_DECISION_DENY;
    }

  w_rule = best_path_rule (self->rules[kind], written);
  r_rule = strcmp (written, resolved) == 0 ? w_rule
                                           : best_path_rule (self->rules[kind], resolved);

  if (w_rule != NULL && w_rule->deny)
    {
      set_match (match, kind, DA_PERMISSION_DECISION_DENY, w_rule, written,
                 match ? rule_reason (w_rule, "denied") : NULL);
      return DA_PERMISSION_DECISION_DENY;
    }
  if (r_rule != NULL && r_rule->deny)
    {
      g_autofree char *why = match ? rule_reason (r_rule, "denied") : NULL;

      set_match (match, kind, DA_PERMISSION_DECISION_DENY, r_rule, resolved,
                 match ? g_strdup_printf ("%s resolves to %s, %s", written, resolved, why)
                       : NULL);
      return DA_PERMISSION_DECISION_DENY;
    }
  if (w_rule != NULL && r_rule != NULL)
    {
      set_match (match, kind, DA_PERMISSION_DECISION_ALLOW, w_rule, written,
                 match ? rule_reason (w_rule, "allowed") : NULL);
      return DA_PERMISSION_DECISION_ALLOW;
    }

  if (w_rule != NULL)
    set_match (match, kind, DA_PERMISSION_DECISION_ASK, NULL, resolved,
               match ? g_strdup_printf ("%s resolves to %s, which no rule allows", written, resolved)
                     : NULL);
  else
    set_match (match, kind, DA_PERMISSION_DECISION_ASK, NULL, written,
               match ? g_strdup_printf ("no %s rule covers %s", flag_names[kind], written) : NULL);
  return DA_PERMISSION_DECISION_ASK;
}

static const DaRule *
best_net_rule (GPtrArray         *rules,
               const DaNetTarget *target)
{
  const DaRule *best = NULL;
  guint best_spec = 0;

  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);

      if (_da_net_rule_matches (rule, target) &&
          better (rule, rule->specificity, best, best_spec))
        best = rule, best_spec = rule->specificity;
    }
  return best;
}

static DaPermissionDecision
check_net (DaPermissions     *self,
           const char        *target,
           DaPermissionMatch *match)
{
  g_auto(DaNetTarget) parsed = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *normal = NULL;
  GPtrArray *rules = self->rules[DA_PERMISSION_NET];
  const DaRule *best = NULL;

  if (!_da_net_parse_target (target, &parsed, &error))
    {
      set_match (match, DA_PERMISSION_NET, DA_PERMISSION_DECISION_DENY, NULL, target,
                 g_strdup (error->message));
      return DA_PERMISSION_DECISION_DENY;
    }

  best = best_net_rule (rules, &parsed);

  /* "localhost" and its subdomains always reach the loopback addresses
   * (RFC 6761): a deny rule for those addresses covers the names too. */
  if ((best == NULL || !best->deny) && !parsed.is_addr &&
      (strcmp (parsed.host, "localhost") == 0 || g_str_has_suffix (parsed.host, ".localhost")))
    {
      DaNetTarget loopback = { NULL, TRUE, { 4, { 127, 0, 0, 1 } }, parsed.port };
      const DaRule *v4 = best_net_rule (rules, &loopback);
      const DaRule *v6;

      loopback.addr = (DaNetAddr) { 6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };
      v6 = best_net_rule (rules, &loopback);
      if (v4 != NULL && v4->deny)
        best = v4;
      else if (v6 != NULL && v6->deny)
        best = v6;
    }

  if (match != NULL)
    {
      g_autofree char *host = parsed.is_addr ? _da_net_addr_to_string (&parsed.addr)
                                             : g_strdup (parsed.host);
      gboolean v6 = parsed.is_addr && parsed.addr.family == 6;

      if (parsed.port >= 0)
        normal = g_strdup_printf (v6 ? "[%s]:%d" : "%s:%d", host, parsed.port);
      else
        normal = g_steal_pointer (&host);
    }

  if (best == NULL)
    {
      set_match (match, DA_PERMISSION_NET, DA_PERMISSION_DECISION_ASK, NULL, normal,
                 match ? g_strdup_printf ("no net rule covers %s", normal) : NULL);
      return DA_PERMISSION_DECISION_ASK;
    }

  set_match (match, DA_PERMISSION_NET,
             best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW,
             best, normal,
             match ? rule_reason (best, best->deny ? "denied" : "allowed") : NULL);
  return best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW;
}

static DaPermissionDecision
check_env (DaPermissions     *self,
           const char        *target,
           DaPermissionMatch *match)
{
  GPtrArray *rules = self->rules[DA_PERMISSION_ENV];
  const DaRule *best = NULL;
  guint best_spec = 0;

  if (!_da_env_name_is_valid (target))
    {
      set_match (match, DA_PERMISSION_ENV, DA_PERMISSION_DECISION_DENY, NULL, target,
                 g_strdup ("invalid variable name"));
      return DA_PERMISSION_DECISION_DENY;
    }
  if (!da_permission_env_is_grantable (target))
    {
      set_match (match, DA_PERMISSION_ENV, DA_PERMISSION_DECISION_DENY, NULL, target,
                 g_strdup_printf ("%s is a loader variable and is never granted", target));
      return DA_PERMISSION_DECISION_DENY;
    }

  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);
      gboolean hit;

      if (rule->all)
        hit = TRUE;
      else if (rule->env_prefix)
        hit = g_str_has_prefix (target, rule->env_name);
      else
        hit = strcmp (target, rule->env_name) == 0;

      if (hit && better (rule, rule->specificity, best, best_spec))
        best = rule, best_spec = rule->specificity;
    }

  if (best == NULL)
    {
      set_match (match, DA_PERMISSION_ENV, DA_PERMISSION_DECISION_ASK, NULL, target,
                 match ? g_strdup_printf ("no env rule covers %s", target) : NULL);
      return DA_PERMISSION_DECISION_ASK;
    }

  set_match (match, DA_PERMISSION_ENV,
             best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW,
             best, target,
             match ? rule_reason (best, best->deny ? "denied" : "allowed") : NULL);
  return best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW;
}

/* SHA-256 of @path, from the cache when the file's identity and times
 * are unchanged. */
static gboolean
content_hash (DaPermissions *self,
              const char    *path,
              char           hex[65])
{
  HashEntry key = { 0, };
  HashEntry *entry;
  struct stat st;
  gint64 now_s;

  if (stat (path, &st) != 0)
    return FALSE;

  key.dev = st.st_dev;
  key.ino = st.st_ino;
  key.size = st.st_size;
  key.mtime_ns = (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  key.ctime_ns = (gint64)st.st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_ctim.tv_nsec;

  g_mutex_lock (&self->hash_mutex);
  entry = g_hash_table_lookup (self->hash_cache, &key);
  if (entry != NULL && entry->size == key.size &&
      entry->mtime_ns == key.mtime_ns && entry->ctime_ns == key.ctime_ns)
    {
      memcpy (hex, entry->hex, 65);
      g_mutex_unlock (&self->hash_mutex);
      return TRUE;
    }
  g_mutex_unlock (&self->hash_mutex);

  if (!_da_run_hash_file (path, key.hex, NULL))
    return FALSE;
  g_atomic_int_inc (&self->hash_computations);
  memcpy (hex, key.hex, 65);

  now_s = g_get_real_time () / G_USEC_PER_SEC;
  if (st.st_ctim.tv_sec + HASH_CACHE_RACY_SECONDS < now_s &&
      st.st_mtim.tv_sec + HASH_CACHE_RACY_SECONDS < now_s)
    {
      g_mutex_lock (&self->hash_mutex);
      g_hash_table_remove (self->hash_cache, &key);
      g_hash_table_add (self->hash_cache, g_memdup2 (&key, sizeof key));
      g_mutex_unlock (&self->hash_mutex);
    }
  else
    {
      g_mutex_lock (&self->hash_mutex);
      g_hash_table_remove (self->hash_cache, &key);
      g_mutex_unlock (&self->hash_mutex);
    }

  return TRUE;
}

guint
_da_permissions_get_hash_computations (DaPermissions *self)
{
  return (guint)g_atomic_int_get (&self->hash_computations);
}

guint
_da_permissions_get_hash_cache_size (DaPermissions *self)
{
  guint n;

  g_mutex_lock (&self->hash_mutex);
  n = g_hash_table_size (self->hash_cache);
  g_mutex_unlock (&self->hash_mutex);
  return n;
}

static DaPermissionDecision
check_run (DaPermissions     *self,
           const char        *target,
           DaPermissionMatch *match)
{
  GPtrArray *rules = self->rules[DA_PERMISSION_RUN];
  g_autofree char *exe = _da_run_resolve (target, self->workspace, NULL);
  g_autofree char *target_base = g_path_get_basename (target);
  g_autofree char *exe_base = exe ? g_path_get_basename (exe) : NULL;
  const DaRule *best = NULL;
  const DaRule *stale = NULL;
  guint best_spec = 0;
  char hex[65] = "";
  gboolean hashed = FALSE;

  for (guint i = 0; i < rules->len; i++)
    {
      const DaRule *rule = g_ptr_array_index (rules, i);
      gboolean hit;

      if (rule->all)
        hit = TRUE;
      else if (exe != NULL && rule->exe != NULL && strcmp (exe, rule->exe) == 0)
        hit = TRUE;
      else
        /* Deny rules given by name also cover copies under other paths. */
        hit = rule->deny && rule->exe_name != NULL &&
              (strcmp (rule->exe_name, target_base) == 0 ||
               (exe_base != NULL && strcmp (rule->exe_name, exe_base) == 0));

      if (hit && !rule->deny && !rule->all)
        {
          if (!hashed)
            hashed = content_hash (self, exe, hex);
          if (!hashed || strcmp (hex, rule->sha256) != 0)
            {
              stale = rule;
              continue;
            }
        }

      if (hit && better (rule, rule->specificity, best, best_spec))
        best = rule, best_spec = rule->specificity;
    }

  if (best != NULL && (best->deny || exe != NULL))
    {
      set_match (match, DA_PERMISSION_RUN,
                 best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW,
                 best, exe ? exe : target,
                 match ? rule_reason (best, best->deny ? "denied" : "allowed") : NULL);
      return best->deny ? DA_PERMISSION_DECISION_DENY : DA_PERMISSION_DECISION_ALLOW;
    }

  if (exe == NULL)
    set_match (match, DA_PERMISSION_RUN, DA_PERMISSION_DECISION_ASK, NULL, target,
               match ? g_strdup_printf ("no executable %s found", target) : NULL);
  else if (stale != NULL)
    {
      char *reason = NULL;

      if (match != NULL && stale->bound)
        reason = g_strdup_printf ("the content of %s changed since granted "
                                  "(granted SHA-256 %.12s…, now %.12s…)",
                                  exe, stale->sha256, hashed ? hex : "unreadable");
      else if (match != NULL)
        reason = g_strdup_printf ("the content of %s changed since granted by --allow-run=“%s”",
                                  exe, stale->text);
      set_match (match, DA_PERMISSION_RUN, DA_PERMISSION_DECISION_ASK, NULL, exe, reason);
      if (match != NULL)
        match->changed = TRUE;
    }
  else
    set_match (match, DA_PERMISSION_RUN, DA_PERMISSION_DECISION_ASK, NULL, exe,
               match ? g_strdup_printf ("no run rule covers %s", exe) : NULL);
  return DA_PERMISSION_DECISION_ASK;
}

/**
 * da_permissions_check:
 * @target: a path (read/write), "host", "host:port" or "[v6]:port" (net),
 *   a variable name (env), a command name or path (run)
 * @out_match: (out caller-allocates) (optional): which rule decided and why;
 *   initialise it with zeroes and clear it with da_permission_match_clear()
 *
 * Read and write are allowed only when both the path as written and the
 * path with its symlinks resolved are allowed, and neither is denied. Net
 * targets are matched as given: a caller connecting to a resolved address
 * checks that address too (a name rule never covers an address).
 *
 * Returns: ALLOW, DENY, or ASK when no rule decides.
 */
DaPermissionDecision
da_permissions_check (DaPermissions     *self,
                      DaPermissionKind   kind,
                      const char        *target,
                      DaPermissionMatch *out_match)
{
  DaPermissionDecision decision;

  g_return_val_if_fail (DA_IS_PERMISSIONS (self), DA_PERMISSION_DECISION_DENY);
  g_return_val_if_fail (kind < DA_PERMISSION_N_KINDS, DA_PERMISSION_DECISION_DENY);
  g_return_val_if_fail (target != NULL, DA_PERMISSION_DECISION_DENY);

  g_rw_lock_reader_lock (&self->lock);
  switch (kind)
    {
    case DA_PERMISSION_READ:
    case DA_PERMISSION_WRITE:
      decision = check_path (self, kind, target, out_match);
      break;
    case DA_PERMISSION_NET:
      decision = check_net (self, target, out_match);
      break;
    case DA_PERMISSION_ENV:
      decision = check_env (self, target, out_match);
      break;
    case DA_PERMISSION_RUN:
      decision = check_run (self, target, out_match);
      break;
    default:
      g_assert_not_reached ();
    }
  g_rw_lock_reader_unlock (&self->lock);

  return decision;
}

DaIsolationLevel
da_permissions_get_isolation (DaPermissions *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), DA_ISOLATION_STRICT);
  return self->isolation;
}

void
da_permissions_set_isolation (DaPermissions    *self,
                              DaIsolationLevel  isolation)
{
  g_return_if_fail (DA_IS_PERMISSIONS (self));
  g_return_if_fail (isolation <= DA_ISOLATION_MINIMAL);

  if (self->isolation == isolation)
    return;
  self->isolation = isolation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISOLATION]);
}

gboolean
da_permissions_get_fs_temp (DaPermissions *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);
  return self->fs_temp;
}

void
da_permissions_set_fs_temp (DaPermissions *self,
                            gboolean       fs_temp)
{
  g_return_if_fail (DA_IS_PERMISSIONS (self));

  fs_temp = !!fs_temp;
  if (self->fs_temp == fs_temp)
    return;
  self->fs_temp = fs_temp;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FS_TEMP]);
}

guint64
da_permissions_get_quota (DaPermissions     *self,
                          DaPermissionQuota  quota)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), 0);
  g_return_val_if_fail (quota < DA_QUOTA_N_QUOTAS, 0);
  return self->quotas[quota];
}

void
da_permissions_set_quota (DaPermissions     *self,
                          DaPermissionQuota  quota,
                          guint64            value)
{
  g_return_if_fail (DA_IS_PERMISSIONS (self));
  g_return_if_fail (quota < DA_QUOTA_N_QUOTAS);
  self->quotas[quota] = value;
}

/**
 * da_permissions_get_cwd:
 *
 * Returns: the working directory for tools: the team file's `cwd`, or
 *   the workspace
 */
const char *
da_permissions_get_cwd (DaPermissions *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), NULL);
  return self->cwd ? self->cwd : self->workspace;
}

/**
 * da_permissions_set_env_value:
 *
 * A variable the tool's environment gets set to (the policy's `env.set`).
 * Loader variables are refused.
 */
gboolean
da_permissions_set_env_value (DaPermissions  *self,
                              const char     *name,
                              const char     *value,
                              GError        **error)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  if (!_da_env_name_is_valid (name))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                   "Invalid environment variable name “%s”", name);
      return FALSE;
    }
  if (!da_permission_env_is_grantable (name))
    {
      g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE,
                   "%s is a loader variable and is never set", name);
      return FALSE;
    }

  g_hash_table_replace (self->env_set, g_strdup (name), g_strdup (value));
  return TRUE;
}

/**
 * da_permissions_describe:
 *
 * Returns: a phrase for a prompt ("read access to “/etc/passwd”"), with
 *   the target escaped for display
 */
char *
da_permissions_describe (DaPermissionKind  kind,
                         const char       *target)
{
  g_autofree char *shown = da_escape_for_display (target ? target : "", -1);

  switch (kind)
    {
    case DA_PERMISSION_READ: return g_strdup_printf ("read access to “%s”", shown);
    case DA_PERMISSION_WRITE: return g_strdup_printf ("write access to “%s”", shown);
    case DA_PERMISSION_NET: return g_strdup_printf ("network access to “%s”", shown);
    case DA_PERMISSION_ENV: return g_strdup_printf ("access to the environment variable “%s”", shown);
    case DA_PERMISSION_RUN: return g_strdup_printf ("permission to run “%s”", shown);
    default: return g_strdup_printf ("access to “%s”", shown);
    }
}
