/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "da-escape.h"
#include "da-permission-broker.h"
#include "da-permission-request-private.h"
#include "da-permissions-private.h"
#include "da-security-error.h"

/**
 * DaPermissionBroker:
 *
 * Decides allow / deny / ask for every operation a tool wants. The
 * agent's rules (#DaPermissions from flags and the team file) decide
 * first; a deny rule always wins. Where no rule decides, an "always"
 * grant of this agent (stored in the store's grants table, revocable)
 * allows; otherwise the attached prompter is asked and answers once,
 * always or deny. Without a prompter the answer is deny. Concurrent
 * identical requests (same agent, kind and target) share one prompt.
 *
 * A request to run a program with a detail (a shell's command line, a
 * script for an interpreter) is about that input, not the program: the
 * program alone would grant everything. "Always" for it is bound to the
 * exact detail (its SHA-256) as well as to the program's content, and
 * only such a grant answers it; requests with different details are
 * different questions.
 *
 * Every decision — by rule, by grant, by the person, for want of a
 * prompter — and every denial the sandbox reports afterwards is a row of
 * the audit log, and is announced with #DaPermissionBroker::decided.
 * Audit rows are single small INSERTs on the store's connection (WAL).
 */

struct _DaPermissionBroker
{
  GObject               parent_instance;

  DaStore              *store;
  GHashTable           *permissions;    /* agent → DaPermissions */
  DaPermissions        *fallback;
  GHashTable           *grant_rules;    /* agent → DaPermissions built from grants */
  GHashTable           *exact_grants;   /* exact_key () of grants bound to a detail */
  GPtrArray            *memory_grants;  /* DaGrant, when there is no store */
  gint64                next_grant_id;
  GHashTable           *pending;        /* key → Pending */
  gint64                conversation_id;

  DaPermissionPrompter  prompter;
  gpointer              prompter_data;
  GDestroyNotify        prompter_destroy;
};

G_DEFINE_FINAL_TYPE (DaPermissionBroker, da_permission_broker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONVERSATION_ID,
  N_PROPS
};

enum {
  DECIDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  DaPermissionBroker  *broker;    /* weak: the broker owns the table */
  char                *key;
  DaPermissionRequest *request;
  GCancellable        *cancellable;
  GPtrArray           *waiters;   /* GTask */
} Pending;

typedef struct
{
  char                 *agent;
  char                 *tool;
  DaPermissionKind      kind;
  char                 *target;
  char                 *detail;
  char                 *reason;
  gboolean              explicit_target;
  Pending              *pending;
  gulong                cancel_id;
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_free (data->agent);
  g_free (data->tool);
  g_free (data->target);
  g_free (data->detail);
  g_free (data->reason);
  g_free (data);
}

static void
pending_free (Pending *pending)
{
  if (pending->request != NULL)
    _da_permission_request_detach (pending->request);
  g_clear_object (&pending->request);
  g_clear_object (&pending->cancellable);
  g_ptr_array_unref (pending->waiters);
  g_free (pending->key);
  g_free (pending);
}

static void
audit (DaPermissionBroker *self,
       const char         *agent,
       const char         *tool,
       const char         *kind,
       const char         *target,
       const char         *decision,
       const char         *reason)
{
  if (self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (da_store_append_audit (self->store, agent, tool, kind, target, decision, reason,
                                 self->conversation_id, &error) < 0)
        g_warning ("Could not write the audit log: %s", error->message);
    }

  g_signal_emit (self, signals[DECIDED], 0, agent, tool, kind, target, decision, reason);
}

static gboolean
kind_from_string (const char       *str,
                  DaPermissionKind *kind)
{
  for (guint i = 0; i < DA_PERMISSION_N_KINDS; i++)
    if (g_strcmp0 (str, da_permission_kind_to_string (i)) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

static char *
program_sha256 (const char *workspace,
                const char *program)
{
  g_autofree char *found = NULL;
  g_autofree char *real = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  g_autoptr(GMappedFile) mapped = NULL;

  if (strchr (program, '/') != NULL)
    found = g_path_is_absolute (program) ? g_strdup (program)
                                         : g_build_filename (workspace, program, NULL);
  else
    found = g_find_program_in_path (program);
  if (found == NULL || (real = realpath (found, NULL)) == NULL)
    return NULL;
  if ((mapped = g_mapped_file_new (real, FALSE, NULL)) == NULL)
    return NULL;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) g_mapped_file_get_contents (mapped),
                     (gssize) g_mapped_file_get_length (mapped));
  return g_strdup (g_checksum_get_string (checksum));
}

static char *
detail_sha256 (const char *detail)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, detail, -1);
}

static char *
exact_key (const char       *agent,
           DaPermissionKind  kind,
           const char       *target,
           const char       *detail_digest)
{
  return g_strdup_printf ("%s\x1f%d\x1f%s\x1f%s", agent, (int) kind, target, detail_digest);
}

static void
add_grant_rule (DaPermissions    *rules,
                DaPermissionKind  kind,
                const char       *target)
{
  g_autoptr(GError) error = NULL;

  if (!da_permissions_add_rule (rules, kind, FALSE, target, &error))
    g_debug ("Grant for %s “%s” not applied: %s",
             da_permission_kind_to_string (kind), target, error->message);
}

static GPtrArray *
load_grants (DaPermissionBroker  *self,
             const char          *agent,
             GError             **error)
{
  GPtrArray *out;

  if (self->store != NULL)
    return da_store_list_grants (self->store, agent, error);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) da_grant_free);
  for (guint i = 0; i < self->memory_grants->len; i++)
    {
      const DaGrant *grant = g_ptr_array_index (self->memory_grants, i);

      if (agent == NULL || g_strcmp0 (grant->agent, agent) == 0)
        g_ptr_array_add (out, da_grant_copy (grant));
    }
  return out;
}

static DaPermissions *
get_grant_rules (DaPermissionBroker *self,
                 const char         *agent)
{
  DaPermissions *rules = g_hash_table_lookup (self->grant_rules, agent);
  DaPermissions *base;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;

  if (rules != NULL)
    return rules;

  base = da_permission_broker_get_permissions (self, agent);
  rules = da_permissions_new (da_permissions_get_workspace (base));
  grants = load_grants (self, agent, &error);
  if (grants == NULL)
    g_warning ("Could not load the grants of %s: %s", agent, error->message);

  for (guint i = 0; grants != NULL && i < grants->len; i++)
    {
      const DaGrant *grant = g_ptr_array_index (grants, i);
      DaPermissionKind kind;

      if (!kind_from_string (grant->kind, &kind))
        continue;
      /* A grant of one exact input (a command line, a script) holds only
       * while the interpreter is the one it was granted with. */
      if (grant->detail_sha256 != NULL)
        {
          if (kind == DA_PERMISSION_RUN && grant->sha256 != NULL)
            {
              g_autofree char *now = program_sha256 (da_permissions_get_workspace (base), grant->target);

              if (g_strcmp0 (now, grant->sha256) != 0)
                continue;
            }
          g_hash_table_add (self->exact_grants,
                            exact_key (agent, kind, grant->target, grant->detail_sha256));
          continue;
        }
      /* Bound to the content granted: a program changed since is asked
       * for again, and the reason says so. */
      if (kind == DA_PERMISSION_RUN && grant->sha256 != NULL)
        {
          if (!_da_permissions_add_run_bound (rules, grant->target, grant->sha256, &error))
            g_debug ("Grant to run “%s” not applied: %s", grant->target, error->message);
          g_clear_error (&error);
          continue;
        }
      add_grant_rule (rules, kind, grant->target);
    }

  g_hash_table_insert (self->grant_rules, g_strdup (agent), rules);
  return rules;
}

static void
da_permission_broker_dispose (GObject *object)
{
  DaPermissionBroker *self = DA_PERMISSION_BROKER (object);

  da_permission_broker_set_prompter (self, NULL, NULL, NULL);
  g_hash_table_remove_all (self->pending);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (da_permission_broker_parent_class)->dispose (object);
}

static void
da_permission_broker_finalize (GObject *object)
{
  DaPermissionBroker *self = DA_PERMISSION_BROKER (object);

  g_hash_table_unref (self->permissions);
  g_hash_table_unref (self->grant_rules);
  g_hash_table_unref (self->exact_grants);
  g_hash_table_unref (self->pending);
  g_ptr_array_unref (self->memory_grants);
  g_clear_object (&self->fallback);

  G_OBJECT_CLASS (da_permission_broker_parent_class)->finalize (object);
}

static void
da_permission_broker_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DaPermissionBroker *self = DA_PERMISSION_BROKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_permission_broker_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DaPermissionBroker *self = DA_PERMISSION_BROKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CONVERSATION_ID:
      da_permission_broker_set_conversation_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_permission_broker_class_init (DaPermissionBrokerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_permission_broker_dispose;
  object_class->finalize = da_permission_broker_finalize;
  object_class->get_property = da_permission_broker_get_property;
  object_class->set_property = da_permission_broker_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaPermissionBroker::decided:
   * @agent: the agent
   * @tool: the tool (may be empty)
   * @kind: "read", "write", "net", "env", "run"
   * @target: the exact target
   * @decision: "allow", "deny", "ask" (a prompt was shown),
   *   "allow-once", "allow-always", "deny-sandbox" (the sandbox refused
   *   something while the tool ran)
   * @reason: one line
   *
   * Emitted for every row written to the audit log.
   */
  signals[DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 6,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
da_permission_broker_init (DaPermissionBroker *self)
{
  self->permissions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->grant_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->exact_grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
  self->memory_grants = g_ptr_array_new_with_free_func ((GDestroyNotify) da_grant_free);
  self->next_grant_id = 1;
  self->conversation_id = -1;
}

/**
 * da_permission_broker_new:
 * @store: (nullable): where grants and the audit log are kept; without
 *   one, "always" lasts as long as the broker
 */
DaPermissionBroker *
da_permission_broker_new (DaStore *store)
{
  g_return_val_if_fail (store == NULL || DA_IS_STORE (store), NULL);

  return g_object_new (DA_TYPE_PERMISSION_BROKER, "store", store, NULL);
}

/**
 * da_permission_broker_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
DaStore *
da_permission_broker_get_store (DaPermissionBroker *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), NULL);
  return self->store;
}

/**
 * da_permission_broker_set_permissions:
 * @agent: (nullable): the agent, or %NULL for agents that have no
 *   permissions of their own
 */
void
da_permission_broker_set_permissions (DaPermissionBroker *self,
                                      const char         *agent,
                                      DaPermissions      *permissions)
{
  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));
  g_return_if_fail (DA_IS_PERMISSIONS (permissions));

  if (agent == NULL)
    g_set_object (&self->fallback, permissions);
  else
    g_hash_table_replace (self->permissions, g_strdup (agent), g_object_ref (permissions));
  g_hash_table_remove_all (self->grant_rules);
  g_hash_table_remove_all (self->exact_grants);
}

/**
 * da_permission_broker_get_permissions:
 *
 * Returns: (transfer none): the rules for @agent (an agent without rules
 *   of its own gets the fallback, by default empty: everything is asked)
 */
DaPermissions *
da_permission_broker_get_permissions (DaPermissionBroker *self,
                                      const char         *agent)
{
  DaPermissions *permissions;

  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), NULL);

  if (agent != NULL && (permissions = g_hash_table_lookup (self->permissions, agent)) != NULL)
    return permissions;

  if (self->fallback == NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();

      self->fallback = da_permissions_new (cwd);
    }
  return self->fallback;
}

void
da_permission_broker_set_prompter (DaPermissionBroker   *self,
                                   DaPermissionPrompter  prompter,
                                   gpointer              user_data,
                                   GDestroyNotify        destroy)
{
  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));

  if (self->prompter_destroy != NULL)
    self->prompter_destroy (self->prompter_data);
  self->prompter = prompter;
  self->prompter_data = user_data;
  self->prompter_destroy = destroy;
}

gboolean
da_permission_broker_has_prompter (DaPermissionBroker *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), FALSE);
  return self->prompter != NULL;
}

gint64
da_permission_broker_get_conversation_id (DaPermissionBroker *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), -1);
  return self->conversation_id;
}

/**
 * da_permission_broker_set_conversation_id:
 *
 * The conversation that audit rows belong to from now on (-1: none).
 */
void
da_permission_broker_set_conversation_id (DaPermissionBroker *self,
                                          gint64              conversation_id)
{
  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));

  if (self->conversation_id == conversation_id)
    return;
  self->conversation_id = conversation_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
}

static gboolean
rule_is_explicit (const char *rule)
{
  return rule != NULL && strcmp (rule, "(all)") != 0 && rule[0] != '*';
}

/* Rules, then grants; never asks and never writes the audit log. A
 * request bound to its detail is answered only by a grant of that very
 * detail. */
static DaPermissionDecision
check (DaPermissionBroker  *self,
       const char          *agent,
       DaPermissionKind     kind,
       const char          *target,
       const char          *detail,
       char               **reason,
       gboolean            *explicit_target,
       gboolean            *changed)
{
  g_auto(DaPermissionMatch) match = { 0 };
  g_auto(DaPermissionMatch) granted = { 0 };
  DaPermissionDecision decision;
  DaPermissions *grants;

  *changed = FALSE;
  decision = da_permissions_check (da_permission_broker_get_permissions (self, agent),
                                   kind, target, &match);
  if (decision != DA_PERMISSION_DECISION_ASK)
    {
      *reason = g_strdup (match.reason);
      *explicit_target = decision == DA_PERMISSION_DECISION_ALLOW && rule_is_explicit (match.rule);
      return decision;
    }

  grants = get_grant_rules (self, agent);
  if (_da_permission_binds_detail (kind, detail))
    {
      g_autofree char *digest = detail_sha256 (detail);
      g_autofree char *key = exact_key (agent, kind, target, digest);

      if (g_hash_table_contains (self->exact_grants, key))
        {
          *reason = g_strdup_printf ("always allowed for %s (this exact input to %s)", agent, target);
          *explicit_target = TRUE;
          return DA_PERMISSION_DECISION_ALLOW;
        }
    }
  else if (da_permissions_check (grants, kind, target, &granted) ==
           DA_PERMISSION_DECISION_ALLOW)
    {
      *reason = g_strdup_printf ("always allowed for %s (%s)", agent,
                                 granted.rule ? granted.rule : target);
      *explicit_target = TRUE;
      return DA_PERMISSION_DECISION_ALLOW;
    }

  /* A rule or a grant for this program no longer applies: say why. */
  if (match.changed)
    *reason = g_strdup (match.reason);
  else if (granted.changed)
    *reason = g_strdup_printf ("%s (always allowed for %s before)", granted.reason, agent);
  else
    *reason = g_strdup (match.reason);
  *changed = match.changed || granted.changed;
  *explicit_target = FALSE;
  return DA_PERMISSION_DECISION_ASK;
}

/**
 * da_permission_broker_check:
 * @reason: (out) (optional): why
 *
 * What the rules and the stored grants say about @target, without asking
 * anyone and without an audit row.
 */
DaPermissionDecision
da_permission_broker_check (DaPermissionBroker  *self,
                            const char          *agent,
                            DaPermissionKind     kind,
                            const char          *target,
                            char               **reason)
{
  g_autofree char *why = NULL;
  gboolean explicit_target;
  gboolean changed;
  DaPermissionDecision decision;

  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), DA_PERMISSION_DECISION_DENY);
  g_return_val_if_fail (agent != NULL && target != NULL, DA_PERMISSION_DECISION_DENY);

  decision = check (self, agent, kind, target, NULL, &why, &explicit_target, &changed);
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return decision;
}

static void
task_done (GTask                *task,
           DaPermissionDecision  decision,
           const char           *audit_decision,
           char                 *reason,
           gboolean              explicit_target)
{
  DaPermissionBroker *self = g_task_get_source_object (task);
  RequestData *data = g_task_get_task_data (task);

  g_free (data->reason);
  data->reason = reason;
  data->explicit_target = explicit_target;
  audit (self, data->agent, data->tool, da_permission_kind_to_string (data->kind),
         data->target, audit_decision, reason);
  g_task_return_int (task, decision);
}

static void
detach_waiter (GTask *task)
{
  RequestData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->cancel_id != 0)
    g_cancellable_disconnect (cancellable, data->cancel_id);
  data->cancel_id = 0;
  data->pending = NULL;
}

static void
store_grant (DaPermissionBroker *self,
             RequestData        *data)
{
  DaPermissions *base = da_permission_broker_get_permissions (self, data->agent);
  g_autofree char *sha = NULL;
  g_autofree char *digest = NULL;
  const char *detail = NULL;
  DaPermissions *rules;
  const char *kind = da_permission_kind_to_string (data->kind);

  if (data->kind == DA_PERMISSION_RUN)
    sha = program_sha256 (da_permissions_get_workspace (base), data->target);
  if (_da_permission_binds_detail (data->kind, data->detail))
    {
      detail = data->detail;
      digest = detail_sha256 (detail);
    }

  if (self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (da_store_add_grant_full (self->store, data->agent, kind, data->target, sha,
                                   detail, digest, &error) < 0)
        g_warning ("Could not store the grant: %s", error->message);
    }
  else
    {
      DaGrant grant = {
        .id = self->next_grant_id++,
        .agent = data->agent,
        .kind = (char *) kind,
        .target = data->target,
        .sha256 = sha,
        .created_at = g_get_real_time (),
        .detail = (char *) detail,
        .detail_sha256 = digest,
      };

      g_ptr_array_add (self->memory_grants, da_grant_copy (&grant));
    }

  rules = get_grant_rules (self, data->agent);
  if (digest != NULL)
    g_hash_table_add (self->exact_grants, exact_key (data->agent, data->kind, data->target, digest));
  else if (sha != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!_da_permissions_add_run_bound (rules, data->target, sha, &error))
        g_debug ("Grant to run “%s” not applied: %s", data->target, error->message);
    }
  else
    add_grant_rule (rules, data->kind, data->target);
}

static void
answered_cb (DaPermissionRequest *request,
             DaPermissionAnswer   answer,
             gpointer             user_data)
{
  Pending *pending = user_data;
  DaPermissionBroker *self = pending->broker;
  g_autoptr(GPtrArray) waiters = g_ptr_array_ref (pending->waiters);
  gboolean stored = FALSE;

  g_object_ref (self);
  g_hash_table_steal (self->pending, pending->key);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      RequestData *data = g_task_get_task_data (task);
      g_autofree char *who = da_escape_for_display (data->agent, -1);

      detach_waiter (task);
      switch (answer)
        {
        case DA_PERMISSION_ANSWER_ONCE:
          task_done (task, DA_PERMISSION_DECISION_ALLOW, "allow-once",
                     g_strdup ("allowed once by the user"), TRUE);
          break;
        case DA_PERMISSION_ANSWER_ALWAYS:
          if (!stored)
            store_grant (self, data);
          stored = TRUE;
          task_done (task, DA_PERMISSION_DECISION_ALLOW, "allow-always",
                     g_strdup_printf ("always allowed for %s by the user", who), TRUE);
          break;
        case DA_PERMISSION_ANSWER_DENY:
        default:
          task_done (task, DA_PERMISSION_DECISION_DENY, "deny",
                     g_strdup ("denied by the user"), FALSE);
          break;
        }
    }

  g_ptr_array_set_size (pending->waiters, 0);
  pending_free (pending);
  g_object_unref (self);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  DaPermissionBroker *self = g_task_get_source_object (task);
  RequestData *data = g_task_get_task_data (task);
  Pending *pending = data->pending;

  if (pending == NULL)
    return G_SOURCE_REMOVE;

  detach_waiter (task);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The permission request was cancelled");
  g_ptr_array_remove (pending->waiters, task);
  if (pending->waiters->len == 0)
    {
      g_cancellable_cancel (pending->cancellable);
      g_hash_table_remove (self->pending, pending->key);
    }
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;

  g_autoptr(GSource) source = g_idle_source_new ();

  /* May run in another thread, and must not disconnect itself: the
   * pending table is handled from the task's main context, later. */
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

/**
 * da_permission_broker_request_async:
 * @agent: the agent whose tool asks
 * @tool: (nullable): the tool
 * @target: the exact path, host:port, variable or program
 * @detail: (nullable): what to show besides the target (the command)
 *
 * Decides whether @agent's @tool may have @kind access to @target,
 * asking the prompter when no rule or grant decides.
 */
void
da_permission_broker_request_async (DaPermissionBroker  *self,
                                    const char          *agent,
                                    const char          *tool,
                                    DaPermissionKind     kind,
                                    const char          *target,
                                    const char          *detail,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *key = NULL;
  gboolean explicit_target = FALSE;
  gboolean changed = FALSE;
  DaPermissionDecision decision;
  RequestData *data;
  Pending *pending;

  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));
  g_return_if_fail (agent != NULL);
  g_return_if_fail (kind < DA_PERMISSION_N_KINDS);
  g_return_if_fail (target != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_permission_broker_request_async);

  data = g_new0 (RequestData, 1);
  data->agent = g_strdup (agent);
  data->tool = g_strdup (tool ? tool : "");
  data->kind = kind;
  data->target = g_strdup (target);
  data->detail = g_strdup (detail);
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  decision = check (self, agent, kind, target, detail, &reason, &explicit_target, &changed);
  if (decision == DA_PERMISSION_DECISION_ALLOW)
    {
      task_done (task, decision, "allow", g_steal_pointer (&reason), explicit_target);
      return;
    }
  if (decision == DA_PERMISSION_DECISION_DENY)
    {
      task_done (task, decision, "deny", g_steal_pointer (&reason), FALSE);
      return;
    }

  if (self->prompter == NULL)
    {
      task_done (task, DA_PERMISSION_DECISION_DENY, "deny",
                 g_strdup_printf ("no one to ask (run with --allow-%s or without --no-prompt)%s%s",
                                  da_permission_kind_to_string (kind),
                                  changed ? ": " : "", changed ? reason : ""),
                 FALSE);
      return;
    }

  if (_da_permission_binds_detail (kind, detail))
    key = g_strdup_printf ("%s\x1f%d\x1f%s\x1f%s", agent, (int) kind, target, detail);
  else
    key = g_strdup_printf ("%s\x1f%d\x1f%s", agent, (int) kind, target);
  pending = g_hash_table_lookup (self->pending, key);
  if (pending != NULL)
    {
      data->pending = pending;
      g_ptr_array_add (pending->waiters, g_object_ref (task));
      if (cancellable != NULL)
        data->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb),
                                                 task, NULL);
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->broker = self;
  pending->key = g_steal_pointer (&key);
  pending->cancellable = g_cancellable_new ();
  pending->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (pending->waiters, g_object_ref (task));
  pending->request = _da_permission_request_new (agent, tool, kind, target, detail,
                                                 answered_cb, pending);
  g_hash_table_insert (self->pending, pending->key, pending);
  data->pending = pending;
  if (cancellable != NULL)
    data->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb),
                                             task, NULL);

  audit (self, agent, data->tool, da_permission_kind_to_string (kind), target, "ask", reason);

  {
    g_autoptr(DaPermissionRequest) request = g_object_ref (pending->request);
    g_autoptr(GCancellable) prompt_cancellable = g_object_ref (pending->cancellable);

    self->prompter (self, request, prompt_cancellable, self->prompter_data);
  }
}

/**
 * da_permission_broker_request_finish:
 * @reason: (out) (optional): one line saying why
 * @explicit_target: (out) (optional): whether the permission names this
 *   very target (a rule naming it, a grant, an answer to a prompt) rather
 *   than covering it with a wildcard or an allow-all; the network proxy
 *   lets only such hosts reach loopback and private addresses
 *
 * Returns: %DA_PERMISSION_DECISION_ALLOW or %DA_PERMISSION_DECISION_DENY;
 *   %DA_PERMISSION_DECISION_DENY with @error set when cancelled
 */
DaPermissionDecision
da_permission_broker_request_finish (DaPermissionBroker  *self,
                                     GAsyncResult        *result,
                                     char               **reason,
                                     gboolean            *explicit_target,
                                     GError             **error)
{
  RequestData *data;
  gssize decision;

  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), DA_PERMISSION_DECISION_DENY);
  g_return_val_if_fail (g_task_is_valid (result, self), DA_PERMISSION_DECISION_DENY);

  data = g_task_get_task_data (G_TASK (result));
  decision = g_task_propagate_int (G_TASK (result), error);
  if (decision < 0)
    return DA_PERMISSION_DECISION_DENY;

  if (reason != NULL)
    *reason = g_strdup (data->reason);
  if (explicit_target != NULL)
    *explicit_target = data->explicit_target;
  return (DaPermissionDecision) decision;
}

/**
 * da_permission_broker_record_denial:
 * @kind: what was refused ("seccomp", "limit", "net", …)
 *
 * Writes a denial the sandbox or the proxy reported while a tool ran.
 */
void
da_permission_broker_record_denial (DaPermissionBroker *self,
                                    const char         *agent,
                                    const char         *tool,
                                    const char         *kind,
                                    const char         *target,
                                    const char         *reason)
{
  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));
  g_return_if_fail (kind != NULL);

  audit (self, agent, tool, kind, target, "deny-sandbox", reason);
}

/**
 * da_permission_broker_list_grants:
 * @agent: (nullable): one agent, or %NULL for all
 *
 * Returns: (transfer container) (element-type DaGrant): the "always"
 *   grants
 */
GPtrArray *
da_permission_broker_list_grants (DaPermissionBroker  *self,
                                  const char          *agent,
                                  GError             **error)
{
  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), NULL);

  return load_grants (self, agent, error);
}

/**
 * da_permission_broker_revoke:
 *
 * Removes an "always" grant; the next request for its target is asked.
 */
gboolean
da_permission_broker_revoke (DaPermissionBroker  *self,
                             gint64               grant_id,
                             GError             **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), FALSE);

  if (self->store != NULL)
    {
      if (!da_store_delete_grant (self->store, grant_id, error))
        return FALSE;
      found = TRUE;
    }
  else
    {
      for (guint i = 0; i < self->memory_grants->len; i++)
        {
          const DaGrant *grant = g_ptr_array_index (self->memory_grants, i);

          if (grant->id == grant_id)
            {
              g_ptr_array_remove_index (self->memory_grants, i);
              found = TRUE;
              break;
            }
        }
      if (!found)
        {
          g_set_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_NOT_FOUND,
                       "There is no grant %" G_GINT64_FORMAT, grant_id);
          return FALSE;
        }
    }

  g_hash_table_remove_all (self->grant_rules);
  g_hash_table_remove_all (self->exact_grants);
  return TRUE;
}

/**
 * da_permission_broker_reload_grants:
 *
 * Forgets the grants read so far: the next check reads them again from
 * the store (after another connection moved or deleted some, as renaming
 * or deleting an agent does).
 */
void
da_permission_broker_reload_grants (DaPermissionBroker *self)
{
  g_return_if_fail (DA_IS_PERMISSION_BROKER (self));

  g_hash_table_remove_all (self->grant_rules);
}

/**
 * da_permission_broker_restore_grant:
 * @grant: a grant as listed before it was revoked
 *
 * Puts a revoked "always" grant back (an undo), with the content hash it
 * had: a program that changed since is still asked for.
 *
 * Returns: the grant's new id, or -1 with @error set
 */
gint64
da_permission_broker_restore_grant (DaPermissionBroker  *self,
                                    const DaGrant       *grant,
                                    GError             **error)
{
  DaPermissionKind kind;
  gint64 id;

  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (self), -1);
  g_return_val_if_fail (grant != NULL && grant->agent != NULL && grant->target != NULL, -1);

  if (grant->kind == NULL || !kind_from_string (grant->kind, &kind))
    {
      g_set_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                   "Unknown permission kind “%s”", grant->kind ? grant->kind : "");
      return -1;
    }

  if (self->store != NULL)
    {
      id = da_store_add_grant (self->store, grant->agent, grant->kind, grant->target,
                               grant->sha256, error);
      if (id < 0)
        return -1;
    }
  else
    {
      DaGrant *copy = da_grant_copy (grant);

      copy->id = id = self->next_grant_id++;
      copy->created_at = g_get_real_time ();
      g_ptr_array_add (self->memory_grants, copy);
    }

  g_hash_table_remove (self->grant_rules, grant->agent);
  return id;
}
