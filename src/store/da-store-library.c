/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "da-store-private.h"

/* Agent library, providers, audit log and grants: small tables the
 * settings and permission parts read and write on the main thread. */

static gboolean
delete_by_id (DaStore     *self,
              const char  *sql,
              const char  *what,
              gint64       id,
              GError     **error)
{
  g_autoptr(DaStmt) stmt = _da_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!_da_db_step_done (self->db, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db->handle) == 0)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no %s with id %" G_GINT64_FORMAT, what, id);
      return FALSE;
    }
  return TRUE;
}

/* Runs an INSERT (id < 0) or UPDATE … WHERE id = ?1 and returns the id. */
static gint64
save_row (DaStore     *self,
          DaStmt      *stmt,
          gint64       id,
          const char  *what,
          const char  *conflict_message,
          GError     **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error_literal (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID, conflict_message);
      return -1;
    }
  if (rc != SQLITE_DONE)
    {
      _da_db_set_error (self->db, rc, error, "Could not save to the history database");
      return -1;
    }

  if (id < 0)
    return sqlite3_last_insert_rowid (self->db->handle);

  if (sqlite3_changes (self->db->handle) == 0)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no %s with id %" G_GINT64_FORMAT, what, id);
      return -1;
    }
  return id;
}

static gboolean
require_text (const char  *value,
              const char  *what,
              GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID, "The %s must not be empty", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
begin (DaStore  *self,
       GError  **error)
{
  return _da_db_exec (self->db, "BEGIN IMMEDIATE", error);
}

static gint64
rollback (DaStore *self,
          gint64   result)
{
  sqlite3_exec (self->db->handle, "ROLLBACK", NULL, NULL, NULL);
  return result;
}

static char *
agent_name (DaStore  *self,
            gint64    id,
            GError  **error)
{
  g_autoptr(DaStmt) stmt = _da_db_prepare (self->db, "SELECT name FROM agents WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (_da_db_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                 "There is no agent with id %" G_GINT64_FORMAT, id);
  else
    _da_db_set_error (self->db, rc, error, "Could not read the history database");
  return NULL;
}

/**
 * da_store_list_agents:
 *
 * Returns: (transfer container) (element-type DaStoredAgent): the agent
 *   library, by name
 */
GPtrArray *
da_store_list_agents (DaStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func ((GDestroyNotify)da_stored_agent_free);
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  stmt = _da_db_prepare (self->db,
    "SELECT id, name, config_json, created_at, updated_at FROM agents ORDER BY name COLLATE NOCASE, id",
    error);
  if (stmt == NULL)
    return NULL;

  while ((rc = _da_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      DaStoredAgent *agent = g_new0 (DaStoredAgent, 1);

      agent->id = sqlite3_column_int64 (stmt, 0);
      agent->name = g_strdup (_da_db_column_text (stmt, 1));
      agent->config_json = g_strdup (_da_db_column_text (stmt, 2));
      agent->created_at = sqlite3_column_int64 (stmt, 3);
      agent->updated_at = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (agents, agent);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&agents) : NULL;
}

/**
 * da_store_save_agent:
 * @id: the agent to update, or -1 to add one
 * @config_json: the agent's configuration, a JSON object
 *
 * Returns: the agent's id, or -1 with @error set (%DA_STORE_ERROR_INVALID
 *   when the name is taken or the JSON is not an object)
 */
gint64
da_store_save_agent (DaStore     *self,
                     gint64       id,
                     const char  *name,
                     const char  *config_json,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autoptr(DaStmt) stmt = NULL;
  g_autofree char *conflict = NULL;
  g_autofree char *old_name = NULL;
  JsonNode *root;

  g_return_val_if_fail (DA_IS_STORE (self), -1);

  if (!require_text (name, "agent name", error) ||
      !require_text (config_json, "agent configuration", error))
    return -1;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, config_json, -1, &json_error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID,
                   "The configuration of agent %s is not a JSON object%s%s", name,
                   json_error ? ": " : "", json_error ? json_error->message : "");
      return -1;
    }

  if (id < 0)
    {
      stmt = _da_db_prepare (self->db,
        "INSERT INTO agents (name, config_json, created_at, updated_at) VALUES (?2, ?3, ?4, ?4)", error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, config_json, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      conflict = g_strdup_printf ("An agent named %s already exists", name);
      return save_row (self, stmt, id, "agent", conflict, error);
    }

  /* A renamed agent takes its "always" grants along, in the same
   * transaction: they are keyed by name, and an agent later given the
   * old name must not inherit them. */
  if (!begin (self, error))
    return -1;
  old_name = agent_name (self, id, error);
  if (old_name == NULL)
    return rollback (self, -1);

  stmt = _da_db_prepare (self->db,
    "UPDATE agents SET name = ?2, config_json = ?3, updated_at = ?4 WHERE id = ?1", error);
  if (stmt == NULL)
    return rollback (self, -1);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, config_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  conflict = g_strdup_printf ("An agent named %s already exists", name);
  if (save_row (self, stmt, id, "agent", conflict, error) < 0)
    return rollback (self, -1);

  if (strcmp (old_name, name) != 0)
    {
      g_autoptr(DaStmt) move = _da_db_prepare (self->db,
        "UPDATE grants SET agent = ?2 WHERE agent = ?1", error);

      if (move == NULL)
        return rollback (self, -1);
      sqlite3_bind_text (move, 1, old_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (move, 2, name, -1, SQLITE_STATIC);
      if (!_da_db_step_done (self->db, move, error))
        return rollback (self, -1);
    }

  if (!_da_db_exec (self->db, "COMMIT", error))
    return rollback (self, -1);
  return id;
}

/**
 * da_store_delete_agent:
 *
 * Removes the agent and, in the same transaction, its "always" grants.
 */
gboolean
da_store_delete_agent (DaStore  *self,
                       gint64    id,
                       GError  **error)
{
  g_autofree char *name = NULL;
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  name = agent_name (self, id, error);
  if (name == NULL ||
      !delete_by_id (self, "DELETE FROM agents WHERE id = ?1", "agent", id, error))
    return rollback (self, FALSE);

  stmt = _da_db_prepare (self->db, "DELETE FROM grants WHERE agent = ?1", error);
  if (stmt == NULL)
    return rollback (self, FALSE);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!_da_db_step_done (self->db, stmt, error) ||
      !_da_db_exec (self->db, "COMMIT", error))
    return rollback (self, FALSE);
  return TRUE;
}

/**
 * da_store_list_providers:
 *
 * Returns: (transfer container) (element-type DaStoredProvider): the
 *   configured providers
 */
GPtrArray *
da_store_list_providers (DaStore  *self,
                         GError  **error)
{
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func ((GDestroyNotify)da_stored_provider_free);
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  stmt = _da_db_prepare (self->db,
    "SELECT id, kind, base_url, default_model, label FROM providers ORDER BY kind, base_url", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = _da_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      DaStoredProvider *provider = g_new0 (DaStoredProvider, 1);

      provider->id = sqlite3_column_int64 (stmt, 0);
      provider->kind = g_strdup (_da_db_column_text (stmt, 1));
      provider->base_url = g_strdup (_da_db_column_text (stmt, 2));
      provider->default_model = g_strdup (_da_db_column_text (stmt, 3));
      provider->label = g_strdup (_da_db_column_text (stmt, 4));
      g_ptr_array_add (providers, provider);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&providers) : NULL;
}

/**
 * da_store_save_provider:
 * @id: the provider to update, or -1 to add one
 *
 * Returns: the provider's id, or -1 with @error set
 *   (%DA_STORE_ERROR_INVALID when @kind and @base_url are taken)
 */
gint64
da_store_save_provider (DaStore     *self,
                        gint64       id,
                        const char  *kind,
                        const char  *base_url,
                        const char  *default_model,
                        const char  *label,
                        GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  g_autofree char *conflict = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), -1);

  if (!require_text (kind, "provider kind", error) ||
      !require_text (base_url, "provider URL", error))
    return -1;

  if (id < 0)
    stmt = _da_db_prepare (self->db,
      "INSERT INTO providers (kind, base_url, default_model, label) VALUES (?2, ?3, ?4, ?5)", error);
  else
    stmt = _da_db_prepare (self->db,
      "UPDATE providers SET kind = ?2, base_url = ?3, default_model = ?4, label = ?5 WHERE id = ?1",
      error);
  if (stmt == NULL)
    return -1;

  if (id >= 0)
    sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, base_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, default_model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, label, -1, SQLITE_STATIC);

  conflict = g_strdup_printf ("A %s provider at %s already exists", kind, base_url);
  return save_row (self, stmt, id, "provider", conflict, error);
}

gboolean
da_store_delete_provider (DaStore  *self,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  return delete_by_id (self, "DELETE FROM providers WHERE id = ?1", "provider", id, error);
}

/**
 * da_store_append_audit:
 * @kind: what was asked for (read, write, net, env, run, …)
 * @decision: what was decided (allow, deny, …)
 * @conversation_id: the conversation, or -1
 *
 * Returns: the entry's id, or -1 with @error set
 */
gint64
da_store_append_audit (DaStore     *self,
                       const char  *agent,
                       const char  *tool,
                       const char  *kind,
                       const char  *target,
                       const char  *decision,
                       const char  *reason,
                       gint64       conversation_id,
                       GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), -1);

  if (!require_text (kind, "permission kind", error) ||
      !require_text (decision, "decision", error))
    return -1;

  stmt = _da_db_prepare (self->db,
    "INSERT INTO audit_log (time, agent, tool, kind, target, decision, reason, conversation_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  sqlite3_bind_text (stmt, 2, agent, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, tool, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, target, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, decision, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, reason, -1, SQLITE_STATIC);
  if (conversation_id >= 0)
    sqlite3_bind_int64 (stmt, 8, conversation_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no conversation with id %" G_GINT64_FORMAT, conversation_id);
      return -1;
    }
  if (rc != SQLITE_DONE)
    {
      _da_db_set_error (self->db, rc, error, "Could not write the audit log");
      return -1;
    }
  return sqlite3_last_insert_rowid (self->db->handle);
}

/**
 * da_store_list_audit:
 * @limit: the most entries to return; 0 for all
 *
 * Returns: (transfer container) (element-type DaAuditEntry): newest first
 */
GPtrArray *
da_store_list_audit (DaStore  *self,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)da_audit_entry_free);
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  stmt = _da_db_prepare (self->db,
    "SELECT id, time, agent, tool, kind, target, decision, reason, coalesce (conversation_id, -1)"
    " FROM audit_log ORDER BY time DESC, id DESC LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64)limit : -1);
  while ((rc = _da_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      DaAuditEntry *entry = g_new0 (DaAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->time = sqlite3_column_int64 (stmt, 1);
      entry->agent = g_strdup (_da_db_column_text (stmt, 2));
      entry->tool = g_strdup (_da_db_column_text (stmt, 3));
      entry->kind = g_strdup (_da_db_column_text (stmt, 4));
      entry->target = g_strdup (_da_db_column_text (stmt, 5));
      entry->decision = g_strdup (_da_db_column_text (stmt, 6));
      entry->reason = g_strdup (_da_db_column_text (stmt, 7));
      entry->conversation_id = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (entries, entry);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}

/**
 * da_store_add_grant:
 * @sha256: (nullable): hex digest the target must still have, or %NULL
 *
 * Records an "always allow" decision.
 *
 * Returns: the grant's id, or -1 with @error set
 */
gint64
da_store_add_grant (DaStore     *self,
                    const char  *agent,
                    const char  *kind,
                    const char  *target,
                    const char  *sha256,
                    GError     **error)
{
  return da_store_add_grant_full (self, agent, kind, target, sha256, NULL, NULL, error);
}

/**
 * da_store_add_grant_full:
 * @sha256: (nullable): hex digest the target must still have, or %NULL
 * @detail: (nullable): the input the grant is for, as shown to the person
 * @detail_sha256: (nullable): hex digest a later input must have for the
 *   grant to apply, or %NULL for a grant of the whole target
 *
 * Records an "always allow" decision, possibly bound to one input.
 *
 * Returns: the grant's id, or -1 with @error set
 */
gint64
da_store_add_grant_full (DaStore     *self,
                         const char  *agent,
                         const char  *kind,
                         const char  *target,
                         const char  *sha256,
                         const char  *detail,
                         const char  *detail_sha256,
                         GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), -1);

  if (!require_text (agent, "agent name", error) ||
      !require_text (kind, "permission kind", error) ||
      !require_text (target, "permission target", error))
    return -1;

  stmt = _da_db_prepare (self->db,
    "INSERT INTO grants (agent, kind, target, sha256, created_at, detail, detail_sha256)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, agent, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, target, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  sqlite3_bind_text (stmt, 6, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, detail_sha256, -1, SQLITE_STATIC);

  if (!_da_db_step_done (self->db, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db->handle);
}

/**
 * da_store_list_grants:
 * @agent: (nullable): one agent's grants, or %NULL for all
 *
 * Returns: (transfer container) (element-type DaGrant): oldest first
 */
GPtrArray *
da_store_list_grants (DaStore     *self,
                      const char  *agent,
                      GError     **error)
{
  g_autoptr(GPtrArray) grants = g_ptr_array_new_with_free_func ((GDestroyNotify)da_grant_free);
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  if (agent != NULL)
    stmt = _da_db_prepare (self->db,
      "SELECT id, agent, kind, target, sha256, created_at, detail, detail_sha256"
      " FROM grants WHERE agent = ?1 ORDER BY id", error);
  else
    stmt = _da_db_prepare (self->db,
      "SELECT id, agent, kind, target, sha256, created_at, detail, detail_sha256"
      " FROM grants ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  if (agent != NULL)
    sqlite3_bind_text (stmt, 1, agent, -1, SQLITE_STATIC);
  while ((rc = _da_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      DaGrant *grant = g_new0 (DaGrant, 1);

      grant->id = sqlite3_column_int64 (stmt, 0);
      grant->agent = g_strdup (_da_db_column_text (stmt, 1));
      grant->kind = g_strdup (_da_db_column_text (stmt, 2));
      grant->target = g_strdup (_da_db_column_text (stmt, 3));
      grant->sha256 = g_strdup (_da_db_column_text (stmt, 4));
      grant->created_at = sqlite3_column_int64 (stmt, 5);
      grant->detail = g_strdup (_da_db_column_text (stmt, 6));
      grant->detail_sha256 = g_strdup (_da_db_column_text (stmt, 7));
      g_ptr_array_add (grants, grant);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&grants) : NULL;
}

gboolean
da_store_delete_grant (DaStore  *self,
                       gint64    id,
                       GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  return delete_by_id (self, "DELETE FROM grants WHERE id = ?1", "grant", id, error);
}
