/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-permissions.h"

G_BEGIN_DECLS

/* One network address, IPv4-mapped IPv6 folded to IPv4. */
typedef struct
{
  guint8 family;                /* 4 or 6 */
  guint8 bytes[16];
} DaNetAddr;

/* A parsed network target or rule host part. */
typedef struct
{
  char      *host;              /* lower-case ASCII name; NULL for addresses */
  gboolean   is_addr;
  DaNetAddr  addr;
  int        port;              /* -1 when absent */
} DaNetTarget;

typedef enum
{
  DA_NET_RULE_HOST,             /* a name, or an address (is_addr) */
  DA_NET_RULE_WILDCARD,         /* "*.example.com": subdomains only */
  DA_NET_RULE_CIDR,
} DaNetRuleType;

typedef struct
{
  DaPermissionKind  kind;
  gboolean          deny;
  gboolean          all;        /* empty flag value: every target */
  char             *text;       /* as written */
  guint             specificity;

  /* read / write */
  char             *path;       /* lexical, absolute */
  char             *resolved;   /* symlinks resolved at grant time */

  /* net */
  DaNetRuleType     net_type;
  DaNetTarget       net;        /* host or address, and port */
  char             *suffix;     /* ".example.com" for wildcards */
  guint             prefix_len; /* CIDR */

  /* env */
  char             *env_name;   /* exact name, or prefix without '*' */
  gboolean          env_prefix;

  /* run */
  char             *exe;        /* canonical absolute path */
  char             *exe_name;   /* bare name as written (deny rules) */
  char              sha256[65]; /* hex; empty for deny rules */
  gboolean          bound;      /* sha256 as granted, not hashed at load */
} DaRule;

void      _da_rule_free               (DaRule            *rule);
DaRule   *_da_rule_parse              (DaPermissionKind   kind,
                                       gboolean           deny,
                                       const char        *value,
                                       const char        *workspace,
                                       GError           **error);
DaRule   *_da_rule_new_run_bound      (const char        *path,
                                       const char        *sha256,
                                       const char        *workspace,
                                       GError           **error);
gboolean  _da_permissions_add_run_bound (DaPermissions   *self,
                                         const char      *path,
                                         const char      *sha256,
                                         GError         **error);

/* Paths */
char     *_da_path_normalize          (const char        *path,
                                       const char        *base);
char     *_da_path_expand_home        (const char        *path);
char     *_da_path_resolve            (const char        *normalized,
                                       GError           **error);
gboolean  _da_path_is_under           (const char        *path,
                                       const char        *dir);
gboolean  _da_path_is_special         (const char        *path);
guint     _da_path_n_components       (const char        *path);

/* Network */
gboolean  _da_net_parse_ipv4          (const char        *text,
                                       guint8             out[4]);
gboolean  _da_net_parse_addr          (const char        *text,
                                       DaNetAddr         *out);
gboolean  _da_net_parse_target        (const char        *text,
                                       DaNetTarget       *out,
                                       GError           **error);
void      _da_net_target_clear        (DaNetTarget       *target);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DaNetTarget, _da_net_target_clear)
char     *_da_net_addr_to_string      (const DaNetAddr   *addr);
gboolean  _da_net_rule_matches        (const DaRule      *rule,
                                       const DaNetTarget *target);

/* Env */
gboolean  _da_env_name_is_valid       (const char        *name);

/* Run */
char     *_da_run_resolve             (const char        *command,
                                       const char        *workspace,
                                       GError           **error);
gboolean  _da_run_hash_file           (const char        *path,
                                       char               hex[65],
                                       GError           **error);
gboolean  _da_run_sha256_is_valid     (const char        *sha256);

/* Pure parsers over a buffer, for tests and fuzzing. Flags data is one
 * "--allow-read=a,b" per line; team data is a JSON `permissions` object. */
DaPermissions *_da_permissions_parse_flags (const char   *data,
                                            gsize         len,
                                            const char   *workspace,
                                            GError      **error);
DaPermissions *_da_permissions_parse_team  (const char   *data,
                                            gsize         len,
                                            const char   *workspace,
                                            GError      **error);

/* Number of cached content hashes (tests check the cache is used). */
guint     _da_permissions_get_hash_cache_size (DaPermissions *self);
guint     _da_permissions_get_hash_computations (DaPermissions *self);


/* Instance state, shared by the files that implement DaPermissions. */
struct _DaPermissions
{
  GObject           parent_instance;

  char             *workspace;
  char             *cwd;
  DaIsolationLevel  isolation;
  gboolean          fs_temp;
  guint64           quotas[DA_QUOTA_N_QUOTAS];
  GHashTable       *env_set;            /* name → value */

  /* Guards rules[]: checks read, add_rule/add_flag write. */
  GRWLock           lock;
  GPtrArray        *rules[DA_PERMISSION_N_KINDS];

  GMutex            hash_mutex;
  GHashTable       *hash_cache;         /* HashEntry (dev, ino) → itself */
  gint              hash_computations;  /* files hashed by checks, for tests */
};

G_END_DECLS
