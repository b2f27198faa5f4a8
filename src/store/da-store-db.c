/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-error.h"
#include "da-store-private.h"

static DaStoreError
code_for_result (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DA_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
      return DA_STORE_ERROR_OPEN;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DA_STORE_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return DA_STORE_ERROR_INVALID;
    default:
      return DA_STORE_ERROR_IO;
    }
}

void
_da_db_set_error (DaDb       *db,
                  int         rc,
                  GError    **error,
                  const char *what)
{
  const char *detail = db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);

  g_set_error (error, DA_STORE_ERROR, code_for_result (rc),
               "%s: %s", what, detail);
}

DaDb *
_da_db_open (const char  *path,
             gboolean     read_only,
             GError     **error)
{
  DaDb *db = g_new0 (DaDb, 1);
  int flags = SQLITE_OPEN_NOMUTEX;
  int rc;

  flags |= read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db->path = g_strdup (path);
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify)sqlite3_finalize);

  rc = sqlite3_open_v2 (path, &db->handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not open the history database %s: %s", path,
                   db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc));
      _da_db_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 5000);

  /* Searches walk long doclists: read them through the page cache of the
   * system rather than a copy per connection. */
  sqlite3_exec (db->handle, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);

  return db;
}

void
_da_db_close (DaDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->stmts, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close (db->handle);
  g_free (db->path);
  g_free (db);
}

/* Returns a cached statement, ready for binding. Use it through
 * g_autoptr(DaStmt) so it is reset when it goes out of scope. */
DaStmt *
_da_db_prepare (DaDb        *db,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _da_db_set_error (db, rc, error, "Could not read the history database");
      return NULL;
    }

  g_hash_table_insert (db->stmts, (gpointer)sql, stmt);
  return stmt;
}

/* Returns SQLITE_ROW, SQLITE_DONE, or -1 with @error set. */
int
_da_db_step (DaDb    *db,
             DaStmt  *stmt,
             GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  _da_db_set_error (db, rc, error, "History database error");
  return -1;
}

gboolean
_da_db_step_done (DaDb    *db,
                  DaStmt  *stmt,
                  GError **error)
{
  int rc = _da_db_step (db, stmt, error);

  if (rc == SQLITE_ROW)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_IO,
                   "History database error: a statement returned rows unexpectedly");
      return FALSE;
    }
  return rc == SQLITE_DONE;
}

gboolean
_da_db_exec (DaDb        *db,
             const char  *sql,
             GError     **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _da_db_set_error (db, rc, error, "History database error");
      return FALSE;
    }
  return TRUE;
}

gboolean
_da_db_get_user_version (DaDb    *db,
                         gint64  *version,
                         GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Not cached: the answer is only good inside the transaction that asks. */
  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _da_db_set_error (db, rc, error, "Could not read the history database");
      sqlite3_finalize (stmt);
      return FALSE;
    }

  *version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

const char *
_da_db_column_text (DaStmt *stmt,
                    int     column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

gboolean
_da_store_migrate (DaDb    *db,
                   GError **error)
{
  guint latest = _da_store_get_n_migrations ();
  gint64 version;

  if (!_da_db_get_user_version (db, &version, error))
    return FALSE;

  while (version < (gint64)latest)
    {
      g_autofree char *set_version = NULL;

      if (!_da_db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;

      /* Another program may have migrated while we waited for the lock. */
      if (!_da_db_get_user_version (db, &version, error))
        goto failed;
      if (version >= (gint64)latest)
        {
          if (!_da_db_exec (db, "COMMIT", error))
            goto failed;
          break;
        }

      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!_da_db_exec (db, _da_store_get_migration ((guint)version + 1), error) ||
          !_da_db_exec (db, set_version, error) ||
          !_da_db_exec (db, "COMMIT", error))
        goto failed;

      g_debug ("Migrated %s to schema version %" G_GINT64_FORMAT, db->path, version + 1);
      version++;
    }

  if (version > (gint64)latest)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NEWER_SCHEMA,
                   "The history database %s was written by a newer version of DenoAgents "
                   "(schema %" G_GINT64_FORMAT ", this version knows %u)",
                   db->path, version, latest);
      return FALSE;
    }

  return TRUE;

failed:
  sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
