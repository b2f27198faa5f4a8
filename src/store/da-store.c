/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "da-store-private.h"

/* WAL pages after which a checkpoint runs in a worker thread, and the
 * size at which the writer checkpoints itself because the worker lags. */
#define CHECKPOINT_PAGES 1000
#define CHECKPOINT_PAGES_MAX 16000

G_DEFINE_FINAL_TYPE (DaStore, da_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Checkpoints copy the WAL into the database and sync it; on the main
 * thread they would stall the interface for the length of an fsync. */
static void
checkpoint_func (gpointer data,
                 gpointer user_data)
{
  DaStore *self = user_data;
  g_autoptr(GError) error = NULL;

  g_atomic_int_set (&self->checkpoint_queued, 0);

  if (self->checkpoint_db == NULL)
    self->checkpoint_db = _da_db_open (self->path, FALSE, &error);
  if (self->checkpoint_db == NULL)
    {
      g_debug ("No checkpoint: %s", error->message);
      return;
    }

  sqlite3_wal_checkpoint_v2 (self->checkpoint_db->handle, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         n_pages)
{
  DaStore *self = data;

  if (n_pages >= CHECKPOINT_PAGES_MAX)
    {
      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      return SQLITE_OK;
    }

  if (n_pages < CHECKPOINT_PAGES || !g_atomic_int_compare_and_exchange (&self->checkpoint_queued, 0, 1))
    return SQLITE_OK;

  if (self->checkpointer == NULL)
    self->checkpointer = g_thread_pool_new (checkpoint_func, self, 1, FALSE, NULL);
  g_thread_pool_push (self->checkpointer, GINT_TO_POINTER (1), NULL);

  return SQLITE_OK;
}

static void
da_store_dispose (GObject *object)
{
  DaStore *self = (DaStore *)object;

  if (self->watches != NULL)
    {
      da_store_flush (self);
      _da_store_stop_watches (self, -1);
    }

  if (self->index_source != NULL)
    {
      g_source_destroy (self->index_source);
      g_clear_pointer (&self->index_source, g_source_unref);
    }

  G_OBJECT_CLASS (da_store_parent_class)->dispose (object);
}

static void
da_store_finalize (GObject *object)
{
  DaStore *self = (DaStore *)object;

  g_clear_pointer (&self->watches, g_hash_table_unref);
  if (self->checkpointer != NULL)
    g_thread_pool_free (g_steal_pointer (&self->checkpointer), TRUE, TRUE);
  g_clear_pointer (&self->checkpoint_db, _da_db_close);
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  g_mutex_clear (&self->readers_lock);
  g_clear_pointer (&self->db, _da_db_close);
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (da_store_parent_class)->finalize (object);
}

static void
da_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  DaStore *self = DA_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_store_class_init (DaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_store_dispose;
  object_class->finalize = da_store_finalize;
  object_class->get_property = da_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_store_init (DaStore *self)
{
  self->lock_fd = -1;
  self->watches = _da_store_new_watch_table ();
  self->readers = g_ptr_array_new_with_free_func ((GDestroyNotify)_da_db_close);
  g_mutex_init (&self->readers_lock);
  self->context = g_main_context_ref_thread_default ();
}

/**
 * da_store_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/denoagents/history.sqlite3`
 */
char *
da_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "denoagents", "history.sqlite3", NULL);
}

static gboolean
create_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not create the folder %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not open the history database %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  return TRUE;
}

/* Every open store holds a shared lock on PATH.lock. Whoever gets it
 * exclusively is alone, so rows still 'streaming' belong to a program that
 * died; with another store open they may be that store's live replies. */
static gboolean
take_lock (DaStore   *self,
           gboolean  *alone,
           GError   **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);

  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not open %s: %s", lock_path, g_strerror (saved_errno));
      return FALSE;
    }

  *alone = flock (self->lock_fd, LOCK_EX | LOCK_NB) == 0;
  return TRUE;
}

static gboolean
share_lock (DaStore  *self,
            GError  **error)
{
  while (flock (self->lock_fd, LOCK_SH) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not lock %s.lock: %s", self->path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure (DaStore  *self,
           GError  **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  /* The first statement that reads the file tells a database from junk. */
  stmt = _da_db_prepare (self->db, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                     "%s is damaged or is not a DenoAgents history database", self->path);
      else
        _da_db_set_error (self->db, rc, error, "Could not open the history database");
      return FALSE;
    }
  if (g_ascii_strcasecmp (_da_db_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                   "Could not switch %s to write-ahead logging", self->path);
      return FALSE;
    }

  sqlite3_wal_hook (self->db->handle, wal_hook_cb, self);

  /* NORMAL in WAL mode survives a crash of the program (not of the
   * machine), which is what a killed app needs, at no fsync per commit. */
  return _da_db_exec (self->db,
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;",
                      error);
}

static gboolean
recover_streaming (DaStore  *self,
                   GError  **error)
{
  g_autoptr(DaStmt) stmt = _da_db_prepare (self->db,
    "UPDATE messages SET state = 'incomplete', updated_at = ?1 WHERE state = 'streaming'", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  if (!_da_db_step_done (self->db, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db->handle) > 0)
    g_message ("Marked %d interrupted replies as incomplete", sqlite3_changes (self->db->handle));

  return TRUE;
}

/**
 * da_store_new:
 * @path: the database file; its folder is created if needed
 *
 * Opens (creating it when absent) and migrates the history database. A
 * reply left streaming by a program that crashed is marked incomplete.
 * The store must be used from the thread that created it.
 */
DaStore *
da_store_new (const char  *path,
              GError     **error)
{
  g_autoptr(DaStore) self = NULL;
  gboolean alone = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DA_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!create_file (path, error) ||
      !take_lock (self, &alone, error))
    return NULL;

  self->db = _da_db_open (path, FALSE, error);
  if (self->db == NULL ||
      !configure (self, error) ||
      !_da_store_migrate (self->db, error))
    return NULL;

  if (alone && !recover_streaming (self, error))
    return NULL;

  /* Whatever an earlier run finished but did not index yet. */
  if (!_da_store_index_pending (self, error))
    return NULL;

  if (!share_lock (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
da_store_get_path (DaStore *self)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);
  return self->path;
}

DaDb *
_da_store_acquire_reader (DaStore  *self,
                          GError  **error)
{
  DaDb *reader = NULL;

  g_mutex_lock (&self->readers_lock);
  if (self->readers->len > 0)
    reader = g_ptr_array_steal_index_fast (self->readers, self->readers->len - 1);
  g_mutex_unlock (&self->readers_lock);

  if (reader == NULL)
    reader = _da_db_open (self->path, TRUE, error);

  return reader;
}

void
_da_store_release_reader (DaStore *self,
                          DaDb    *reader)
{
  g_mutex_lock (&self->readers_lock);
  if (self->readers->len < 4)
    g_ptr_array_add (self->readers, g_steal_pointer (&reader));
  g_mutex_unlock (&self->readers_lock);

  _da_db_close (reader);
}

gboolean
_da_store_check_changed (DaStore     *self,
               const char  *what,
               gint64       id,
               GError     **error)
{
  if (sqlite3_changes (self->db->handle) == 0)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no %s with id %" G_GINT64_FORMAT, what, id);
      return FALSE;
    }
  return TRUE;
}

gint64
da_store_create_conversation (DaStore     *self,
                              const char  *title,
                              const char  *team_name,
                              GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (DA_IS_STORE (self), -1);

  stmt = _da_db_prepare (self->db,
    "INSERT INTO conversations (title, team_name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
    error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, title ? title : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, team_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!_da_db_step_done (self->db, stmt, error))
    return -1;

  return sqlite3_last_insert_rowid (self->db->handle);
}

gboolean
da_store_rename_conversation (DaStore     *self,
                              gint64       id,
                              const char  *title,
                              GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  stmt = _da_db_prepare (self->db, "UPDATE conversations SET title = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, title ? title : "", -1, SQLITE_STATIC);

  return _da_db_step_done (self->db, stmt, error) &&
         _da_store_check_changed (self, "conversation", id, error);
}

gboolean
da_store_set_pinned (DaStore   *self,
                     gint64     id,
                     gboolean   pinned,
                     GError   **error)
{
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  stmt = _da_db_prepare (self->db, "UPDATE conversations SET pinned = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, pinned ? 1 : 0);

  return _da_db_step_done (self->db, stmt, error) &&
         _da_store_check_changed (self, "conversation", id, error);
}

gboolean
da_store_delete_conversation (DaStore  *self,
                              gint64    id,
                              GError  **error)
{
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  stmt = _da_db_prepare (self->db, "DELETE FROM conversations WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  /* A reply still streaming into it has nowhere to go. */
  _da_store_stop_watches (self, id);

  sqlite3_bind_int64 (stmt, 1, id);
  return _da_db_step_done (self->db, stmt, error) &&
         _da_store_check_changed (self, "conversation", id, error);
}

/**
 * da_store_delete_all:
 *
 * Deletes every conversation, message, usage record and audit entry. The
 * agent library, providers and grants are settings and stay.
 */
gboolean
da_store_delete_all (DaStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  _da_store_stop_watches (self, -1);

  if (!_da_db_exec (self->db,
                    "BEGIN IMMEDIATE;"
                    "DELETE FROM usage;"
                    "DELETE FROM audit_log;"
                    "DELETE FROM messages;"
                    "DELETE FROM conversations;"
                    "COMMIT;",
                    error))
    {
      sqlite3_exec (self->db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  /* Give the space back and leave no old text in free pages. */
  return _da_db_exec (self->db,
                      "INSERT INTO messages_fts (messages_fts) VALUES ('optimize');"
                      "PRAGMA wal_checkpoint (TRUNCATE);",
                      error);
}

static DaConversation *
conversation_from_row (DaStmt *stmt)
{
  DaConversation *conversation;

  conversation = da_conversation_new (sqlite3_column_int64 (stmt, 0),
                                      _da_db_column_text (stmt, 1),
                                      _da_db_column_text (stmt, 2));
  da_conversation_set_created_at (conversation, sqlite3_column_int64 (stmt, 3));
  da_conversation_set_updated_at (conversation, sqlite3_column_int64 (stmt, 4));
  da_conversation_set_pinned (conversation, sqlite3_column_int (stmt, 5) != 0);
  da_conversation_set_message_count (conversation, sqlite3_column_int64 (stmt, 6));

  return conversation;
}

#define CONVERSATION_COLUMNS \
  "id, title, team_name, created_at, updated_at, pinned, message_count"

/**
 * da_store_list_conversations:
 *
 * Returns: (transfer container) (element-type DaConversation): pinned
 *   conversations first, then the most recently active
 */
GPtrArray *
da_store_list_conversations (DaStore  *self,
                             GError  **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  stmt = _da_db_prepare (self->db,
    "SELECT " CONVERSATION_COLUMNS " FROM conversations"
    " ORDER BY pinned DESC, updated_at DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = _da_db_step (self->db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (list, conversation_from_row (stmt));

  return rc == SQLITE_DONE ? g_steal_pointer (&list) : NULL;
}

DaConversation *
_da_db_get_conversation (DaDb    *db,
                         gint64   id,
                         GError **error)
{
  g_autoptr(DaStmt) stmt = _da_db_prepare (db,
    "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = _da_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    return conversation_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                 "There is no conversation with id %" G_GINT64_FORMAT, id);
  return NULL;
}

/**
 * da_store_get_conversation:
 *
 * Returns: (transfer full): the conversation, or %NULL with
 *   %DA_STORE_ERROR_NOT_FOUND
 */
DaConversation *
da_store_get_conversation (DaStore  *self,
                           gint64    id,
                           GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  return _da_db_get_conversation (self->db, id, error);
}

gboolean
da_store_add_usage (DaStore     *self,
                    gint64       conversation_id,
                    gint64       message_id,
                    const char  *agent,
                    const char  *provider_kind,
                    const char  *model,
                    gint64       prompt_tokens,
                    gint64       completion_tokens,
                    GError     **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  stmt = _da_db_prepare (self->db,
    "INSERT INTO usage (conversation_id, message_id, agent, provider_kind, model,"
    " prompt_tokens, completion_tokens, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    error);
  if (stmt == NULL)
    return FALSE;

  if (conversation_id >= 0)
    sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (message_id >= 0)
    sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_text (stmt, 3, agent, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, provider_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, model, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, prompt_tokens);
  sqlite3_bind_int64 (stmt, 7, completion_tokens);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no conversation %" G_GINT64_FORMAT " with message %" G_GINT64_FORMAT,
                   conversation_id, message_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _da_db_set_error (self->db, rc, error, "Could not save the usage record");
      return FALSE;
    }
  return TRUE;
}

/**
 * da_store_get_usage_totals:
 * @conversation_id: a conversation, or -1 for every usage record
 */
gboolean
da_store_get_usage_totals (DaStore  *self,
                           gint64    conversation_id,
                           gint64   *prompt_tokens,
                           gint64   *completion_tokens,
                           GError  **error)
{
  g_autoptr(DaStmt) stmt = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  if (conversation_id < 0)
    stmt = _da_db_prepare (self->db,
      "SELECT coalesce (sum (prompt_tokens), 0), coalesce (sum (completion_tokens), 0) FROM usage", error);
  else
    stmt = _da_db_prepare (self->db,
      "SELECT coalesce (sum (prompt_tokens), 0), coalesce (sum (completion_tokens), 0) FROM usage"
      " WHERE conversation_id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  if (conversation_id >= 0)
    sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (_da_db_step (self->db, stmt, error) != SQLITE_ROW)
    return FALSE;

  if (prompt_tokens != NULL)
    *prompt_tokens = sqlite3_column_int64 (stmt, 0);
  if (completion_tokens != NULL)
    *completion_tokens = sqlite3_column_int64 (stmt, 1);

  return TRUE;
}

/**
 * da_store_export_conversation:
 *
 * Returns: (transfer full): the conversation and its messages as Markdown
 *   or JSON text
 */
char *
da_store_export_conversation (DaStore         *self,
                              gint64           id,
                              DaExportFormat   format,
                              GError         **error)
{
  g_autoptr(DaConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  da_store_flush (self);

  conversation = _da_db_get_conversation (self->db, id, error);
  if (conversation == NULL)
    return NULL;
  messages = _da_db_load_messages (self->db, id, error);
  if (messages == NULL)
    return NULL;

  return da_export_format (conversation, messages, format, error);
}
