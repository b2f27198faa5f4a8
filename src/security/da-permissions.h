/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "da-permission-error.h"

/*
 * DaPermissions: Deno-style grants for one agent's tools.
 *
 * Rules come from --allow-KIND / --deny-KIND flag values (comma lists; an
 * empty value means every target of that kind, as in Deno) or from a team
 * file's `permissions` object (shape documented in da-permissions-json.c).
 * For one target the most specific matching rule decides; at equal
 * specificity deny wins; when no rule matches the answer is ASK.
 *
 * read / write: targets and rules are made absolute against the workspace
 *   and normalised lexically; rules also keep their symlink-resolved form.
 *   A target is allowed only when both the path as written and the path with
 *   every symlink resolved (through its longest existing prefix) are allowed
 *   and neither is denied. A rule covers its directory and everything
 *   beneath it; specificity is its number of components. /proc, /dev and
 *   /sys are never covered by an allow rule for a parent (such as "/" or an
 *   empty --allow-read): they need a rule naming them or a path inside them.
 *   "~" and "~/…" in rules expand to $HOME; targets are taken literally.
 * net: targets "host", "host:port", "[v6]:port" or a bare IPv6 address.
 *   Names are IDNA-converted (g_hostname_to_ascii), lower-cased and lose one
 *   trailing dot; a name whose last label is numeric must be an IPv4
 *   address in any inet_aton form (decimal "2130706433", hex "0x7f000001",
 *   octal "0177.0.0.1", short "127.1"); IPv4-mapped IPv6 folds to IPv4;
 *   0.0.0.0 and :: count as the loopback address they reach. Rules: "host",
 *   "host:port", "*.domain[:port]" (subdomains only, never the bare domain),
 *   IP literals, CIDR ranges. Specificity: host:port > host > *.domain
 *   (longer suffix first; with a port above without) > CIDR (longer prefix
 *   first) > all. A port rule never grants a target without a port; a port
 *   deny does cover it. Names are not resolved here: whoever connects checks
 *   the resolved address as a second target.
 * env: "NAME" and "PREFIX*"; exact beats prefix, longer prefix beats
 *   shorter. Loader variables (LD_*, DYLD_*, GCONV_PATH, GETCONF_DIR,
 *   GLIBC_TUNABLES, HOSTALIASES, LOCALDOMAIN, LOCPATH, MALLOC_TRACE,
 *   NIS_PATH, NLSPATH, RESOLV_HOST_CONF, RES_OPTIONS) are never granted.
 * run: a name is looked up in PATH at grant time, a path resolved against
 *   the workspace; the grant is bound to the canonical file and the SHA-256
 *   of its content — hashed when the rule is loaded, or, for a team file's
 *   {"path", "sha256"} entry and a stored grant, the hash the person
 *   granted. A check recomputes the hash (cached by device, inode, size,
 *   mtime and ctime once the file is two seconds old) and answers ASK with
 *   a reason saying it "changed since granted" when the content differs. A
 *   deny rule given as a bare name also covers copies of that program
 *   elsewhere.
 */

G_BEGIN_DECLS

/**
 * DaPermissionKind:
 * @DA_PERMISSION_READ: read a path
 * @DA_PERMISSION_WRITE: write a path
 * @DA_PERMISSION_NET: connect to "host", "host:port" or "[v6]:port"
 * @DA_PERMISSION_ENV: read or pass an environment variable
 * @DA_PERMISSION_RUN: run an executable (a name looked up in PATH, or a path)
 */
typedef enum
{
  DA_PERMISSION_READ,
  DA_PERMISSION_WRITE,
  DA_PERMISSION_NET,
  DA_PERMISSION_ENV,
  DA_PERMISSION_RUN,
} DaPermissionKind;

#define DA_PERMISSION_N_KINDS 5

/**
 * DaPermissionDecision:
 * @DA_PERMISSION_DECISION_ASK: no rule decides; the broker asks
 * @DA_PERMISSION_DECISION_ALLOW: the most specific matching rule allows
 * @DA_PERMISSION_DECISION_DENY: the most specific matching rule denies, or
 *   the target is never grantable / malformed
 */
typedef enum
{
  DA_PERMISSION_DECISION_ASK,
  DA_PERMISSION_DECISION_ALLOW,
  DA_PERMISSION_DECISION_DENY,
} DaPermissionDecision;

typedef enum
{
  DA_ISOLATION_STRICT,
  DA_ISOLATION_MODERATE,
  DA_ISOLATION_MINIMAL,
} DaIsolationLevel;

/**
 * DaPermissionQuota:
 * Resource quotas; a value of 0 means "not set" (the sandbox default).
 */
typedef enum
{
  DA_QUOTA_MEMORY_MB,
  DA_QUOTA_CPU_SECONDS,
  DA_QUOTA_WALL_SECONDS,
  DA_QUOTA_MAX_PROCESSES,
  DA_QUOTA_MAX_FILE_MB,
  DA_QUOTA_MAX_OUTPUT_KB,
  DA_QUOTA_NET_MAX_CONNECTIONS,
} DaPermissionQuota;

#define DA_QUOTA_N_QUOTAS 7

/**
 * DaNetRuleProblem:
 * @DA_NET_RULE_PROBLEM_NONE: the rule is valid
 * @DA_NET_RULE_PROBLEM_EMPTY: nothing was given
 * @DA_NET_RULE_PROBLEM_SCHEME: a URL ("https://…") rather than a host
 * @DA_NET_RULE_PROBLEM_PATH: a path after the host ("host/api")
 * @DA_NET_RULE_PROBLEM_SPACE: white space inside
 * @DA_NET_RULE_PROBLEM_PORT: the port is not a number from 1 to 65535
 * @DA_NET_RULE_PROBLEM_WILDCARD: "*" anywhere but as "*." before a name
 * @DA_NET_RULE_PROBLEM_CIDR: an address range with a wrong prefix length
 * @DA_NET_RULE_PROBLEM_ADDRESS: looks like an IP address but is not one
 * @DA_NET_RULE_PROBLEM_NAME: not a host name (characters, empty or long
 *   labels)
 *
 * What is wrong with a network rule, for an editor to explain; see
 * da_permission_net_rule_diagnose().
 */
typedef enum
{
  DA_NET_RULE_PROBLEM_NONE,
  DA_NET_RULE_PROBLEM_EMPTY,
  DA_NET_RULE_PROBLEM_SCHEME,
  DA_NET_RULE_PROBLEM_PATH,
  DA_NET_RULE_PROBLEM_SPACE,
  DA_NET_RULE_PROBLEM_PORT,
  DA_NET_RULE_PROBLEM_WILDCARD,
  DA_NET_RULE_PROBLEM_CIDR,
  DA_NET_RULE_PROBLEM_ADDRESS,
  DA_NET_RULE_PROBLEM_NAME,
} DaNetRuleProblem;

/**
 * DaPermissionMatch:
 * @kind: the kind that was checked
 * @decision: the decision
 * @deny_rule: whether the deciding rule is a deny rule
 * @rule: the deciding rule as it was written ("--deny-read=/etc" style,
 *   without the flag), %NULL when no rule decided
 * @target: the target after normalisation (for read/write the path that
 *   decided: the written or the resolved one)
 * @reason: one line explaining the decision, for the audit log
 * @changed: an allow rule named this program, but its content changed
 *   since the rule was granted (the decision is then ASK)
 *
 * Filled by da_permissions_check(); free the strings with
 * da_permission_match_clear().
 */
typedef struct
{
  DaPermissionKind      kind;
  DaPermissionDecision  decision;
  gboolean              deny_rule;
  char                 *rule;
  char                 *target;
  char                 *reason;
  gboolean              changed;
} DaPermissionMatch;

void da_permission_match_clear (DaPermissionMatch *match);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DaPermissionMatch, da_permission_match_clear)

#define DA_TYPE_PERMISSION_KIND     (da_permission_kind_get_type ())
#define DA_TYPE_PERMISSION_DECISION (da_permission_decision_get_type ())
#define DA_TYPE_ISOLATION_LEVEL     (da_isolation_level_get_type ())
GType da_permission_kind_get_type     (void) G_GNUC_CONST;
GType da_permission_decision_get_type (void) G_GNUC_CONST;
GType da_isolation_level_get_type     (void) G_GNUC_CONST;

#define DA_TYPE_PERMISSIONS (da_permissions_get_type ())

G_DECLARE_FINAL_TYPE (DaPermissions, da_permissions, DA, PERMISSIONS, GObject)

DaPermissions        *da_permissions_new                (const char         *workspace);
DaPermissions        *da_permissions_new_from_json      (const char         *workspace,
                                                         JsonNode           *permissions,
                                                         const char         *json_path,
                                                         GError            **error);
const char           *da_permissions_get_workspace      (DaPermissions      *self);
gboolean              da_permissions_add_flag           (DaPermissions      *self,
                                                         const char         *flag,
                                                         const char         *value,
                                                         GError            **error);
gboolean              da_permissions_add_rule           (DaPermissions      *self,
                                                         DaPermissionKind    kind,
                                                         gboolean            deny,
                                                         const char         *value,
                                                         GError            **error);
gboolean              da_permissions_load_json          (DaPermissions      *self,
                                                         JsonNode           *permissions,
                                                         const char         *json_path,
                                                         GError            **error);
DaPermissionDecision  da_permissions_check              (DaPermissions      *self,
                                                         DaPermissionKind    kind,
                                                         const char         *target,
                                                         DaPermissionMatch  *out_match);
DaIsolationLevel      da_permissions_get_isolation      (DaPermissions      *self);
void                  da_permissions_set_isolation      (DaPermissions      *self,
                                                         DaIsolationLevel    isolation);
guint64               da_permissions_get_quota          (DaPermissions      *self,
                                                         DaPermissionQuota   quota);
void                  da_permissions_set_quota          (DaPermissions      *self,
                                                         DaPermissionQuota   quota,
                                                         guint64             value);
gboolean              da_permissions_get_fs_temp        (DaPermissions      *self);
void                  da_permissions_set_fs_temp        (DaPermissions      *self,
                                                         gboolean            fs_temp);
const char           *da_permissions_get_cwd            (DaPermissions      *self);
gboolean              da_permissions_set_env_value      (DaPermissions      *self,
                                                         const char         *name,
                                                         const char         *value,
                                                         GError            **error);
JsonNode             *da_permissions_to_sandbox_policy  (DaPermissions      *self,
                                                         GError            **error);
char                 *da_permissions_describe           (DaPermissionKind    kind,
                                                         const char         *target);
const char           *da_permission_kind_to_string      (DaPermissionKind    kind);
const char           *da_permission_decision_to_string  (DaPermissionDecision decision);
gboolean              da_permission_env_is_grantable    (const char         *name);
gboolean              da_permission_rule_validate       (DaPermissionKind    kind,
                                                         gboolean            deny,
                                                         const char         *value,
                                                         const char         *workspace,
                                                         GError            **error);
DaNetRuleProblem      da_permission_net_rule_diagnose   (const char         *rule);
gboolean              da_permission_run_resolve         (const char         *command,
                                                         const char         *workspace,
                                                         char              **path,
                                                         char              **sha256,
                                                         GError            **error);
const char           *da_permission_quota_to_string     (DaPermissionQuota   quota);
guint64               da_permission_quota_get_default   (DaPermissionQuota   quota);
guint64               da_permission_quota_get_maximum   (DaPermissionQuota   quota);

G_END_DECLS
