/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "da-store-private.h"

/* Content of a streaming message is written at most this often. */
#define STREAM_FLUSH_INTERVAL_MS 100

typedef struct
{
  DaStore   *store;    /* not owned: the store ends its watches in dispose */
  DaMessage *message;  /* weak */
  GSource   *timeout;
  gint64     id;
  gulong     content_handler;
  gulong     state_handler;
  gboolean   dirty;
} DaStreamWatch;

G_DEFINE_FINAL_TYPE (DaStore, da_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void watch_message_gone_cb (gpointer  data,
                                   GObject  *where_the_object_was);

static const char sql_update_content[] =
  "UPDATE messages SET content = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_update_message[] =
  "UPDATE messages SET role = ?2, agent = ?3, content = ?4, state = ?5, tool_calls = ?6,"
  " tool_call_id = ?7, prompt_tokens = ?8, completion_tokens = ?9, finish_reason = ?10,"
  " error_message = ?11, updated_at = ?12 WHERE id = ?1";

static gboolean
write_content (DaStore     *self,
               gint64       id,
               const char  *content,
               const char  *state,
               GError     **error)
{
  static const char sql_with_state[] =
    "UPDATE messages SET content = ?2, updated_at = ?3, state = ?4 WHERE id = ?1";
  g_autoptr(DaStmt) stmt = _da_db_prepare (self->db, state ? sql_with_state : sql_update_content, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, content, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (state != NULL)
    sqlite3_bind_text (stmt, 4, state, -1, SQLITE_STATIC);

  return _da_db_step_done (self->db, stmt, error);
}

static void
watch_free (DaStreamWatch *watch)
{
  if (watch->timeout != NULL)
    {
      g_source_destroy (watch->timeout);
      g_source_unref (watch->timeout);
    }
  g_free (watch);
}

/* Ends a watch whose message is still alive. */
static void
watch_stop (DaStreamWatch *watch)
{
  g_clear_signal_handler (&watch->content_handler, watch->message);
  g_clear_signal_handler (&watch->state_handler, watch->message);
  g_object_weak_unref (G_OBJECT (watch->message), watch_message_gone_cb, watch);
  g_hash_table_remove (watch->store->watches, watch->message);
}

static void
watch_flush (DaStreamWatch *watch)
{
  g_autoptr(GError) error = NULL;

  if (watch->timeout != NULL)
    {
      g_source_destroy (watch->timeout);
      g_clear_pointer (&watch->timeout, g_source_unref);
    }

  if (!watch->dirty)
    return;
  watch->dirty = FALSE;

  if (!write_content (watch->store, watch->id, da_message_get_content (watch->message), NULL, &error))
    g_warning ("Could not save streamed text of message %" G_GINT64_FORMAT ": %s",
               watch->id, error->message);
}

static gboolean
watch_timeout_cb (gpointer data)
{
  DaStreamWatch *watch = data;

  g_clear_pointer (&watch->timeout, g_source_unref);
  watch_flush (watch);

  return G_SOURCE_REMOVE;
}

static void
watch_content_changed_cb (DaStreamWatch *watch)
{
  watch->dirty = TRUE;

  if (watch->timeout == NULL)
    {
      watch->timeout = g_timeout_source_new (STREAM_FLUSH_INTERVAL_MS);
      g_source_set_callback (watch->timeout, watch_timeout_cb, watch, NULL);
      g_source_set_static_name (watch->timeout, "[da-store] stream flush");
      g_source_attach (watch->timeout, watch->store->context);
    }
}

static void
watch_state_changed_cb (DaStreamWatch *watch)
{
  g_autoptr(GError) error = NULL;
  DaStore *store = watch->store;
  g_autoptr(DaMessage) message = g_object_ref (watch->message);

  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    return;

  /* da_store_update_message() ends the watch. */
  if (!da_store_update_message (store, message, &error))
    g_warning ("Could not save message %" G_GINT64_FORMAT ": %s",
               da_message_get_id (message), error->message);
}

/* The last reference to a message still streaming went away: nobody will
 * finish it. Its fields are intact until finalize, which runs after the
 * weak references are notified. */
static void
watch_message_gone_cb (gpointer  data,
                       GObject  *where_the_object_was)
{
  DaStreamWatch *watch = data;
  DaMessage *message = (DaMessage *)where_the_object_was;
  g_autoptr(GError) error = NULL;

  if (!write_content (watch->store, watch->id, da_message_get_content (message),
                      da_message_state_to_string (DA_MESSAGE_STATE_INCOMPLETE), &error))
    g_warning ("Could not save message %" G_GINT64_FORMAT ": %s", watch->id, error->message);

  /* Handlers are already gone with the object. */
  watch->content_handler = watch->state_handler = 0;
  g_hash_table_remove (watch->store->watches, message);
}

static void
watch_start (DaStore   *self,
             DaMessage *message)
{
  DaStreamWatch *watch = g_new0 (DaStreamWatch, 1);

  watch->store = self;
  watch->message = message;
  watch->id = da_message_get_id (message);
  watch->content_handler =
    g_signal_connect_swapped (message, "notify::content",
                              G_CALLBACK (watch_content_changed_cb), watch);
  watch->state_handler =
    g_signal_connect_swapped (message, "notify::state",
                              G_CALLBACK (watch_state_changed_cb), watch);
  g_object_weak_ref (G_OBJECT (message), watch_message_gone_cb, watch);
  g_hash_table_insert (self->watches, message, watch);
}

static void
da_store_dispose (GObject *object)
{
  DaStore *self = (DaStore *)object;

  if (self->watches != NULL)
    {
      GHashTableIter iter;
      DaStreamWatch *watch;

      da_store_flush (self);
      /* The rows stay 'streaming' until the message finishes in a later
       * store, or the next start marks them incomplete. */
      g_hash_table_iter_init (&iter, self->watches);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
        {
          g_clear_signal_handler (&watch->content_handler, watch->message);
          g_clear_signal_handler (&watch->state_handler, watch->message);
          g_object_weak_unref (G_OBJECT (watch->message), watch_message_gone_cb, watch);
          g_hash_table_iter_remove (&iter);
        }
    }

  G_OBJECT_CLASS (da_store_parent_class)->dispose (object);
}

static void
da_store_finalize (GObject *object)
{
  DaStore *self = (DaStore *)object;

  g_clear_pointer (&self->watches, g_hash_table_unref);
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
  self->watches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)watch_free);
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

static gboolean
check_changed (DaStore     *self,
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
         check_changed (self, "conversation", id, error);
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
         check_changed (self, "conversation", id, error);
}

static void
stop_watches_of_conversation (DaStore *self,
                              gint64   conversation_id)
{
  GHashTableIter iter;
  DaStreamWatch *watch;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();

  if (g_hash_table_size (self->watches) == 0)
    return;

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
    {
      g_autoptr(DaStmt) stmt = _da_db_prepare (self->db,
        "SELECT 1 FROM messages WHERE id = ?1 AND conversation_id = ?2", NULL);

      if (stmt == NULL)
        continue;
      sqlite3_bind_int64 (stmt, 1, watch->id);
      sqlite3_bind_int64 (stmt, 2, conversation_id);
      if (sqlite3_step (stmt) == SQLITE_ROW || conversation_id < 0)
        g_ptr_array_add (doomed, watch);
    }

  for (guint i = 0; i < doomed->len; i++)
    watch_stop (g_ptr_array_index (doomed, i));
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
  stop_watches_of_conversation (self, id);

  sqlite3_bind_int64 (stmt, 1, id);
  return _da_db_step_done (self->db, stmt, error) &&
         check_changed (self, "conversation", id, error);
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

  stop_watches_of_conversation (self, -1);

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

static void
bind_message (DaStmt    *stmt,
              DaMessage *message,
              int        first,
              char     **tool_calls_json)
{
  GPtrArray *tool_calls = da_message_get_tool_calls (message);

  *tool_calls_json = tool_calls->len > 0 ? _da_store_tool_calls_to_json (tool_calls) : NULL;

  sqlite3_bind_text (stmt, first, da_role_to_string (da_message_get_role (message)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 1, da_message_get_sender (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 2, da_message_get_content (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 3, da_message_state_to_string (da_message_get_state (message)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 4, *tool_calls_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 5, da_message_get_tool_call_id (message), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 6, da_message_get_prompt_tokens (message));
  sqlite3_bind_int64 (stmt, first + 7, da_message_get_completion_tokens (message));
  sqlite3_bind_text (stmt, first + 8, da_message_get_finish_reason (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 9, da_message_get_error_message (message), -1, SQLITE_STATIC);
}

/**
 * da_store_add_message:
 *
 * Stores @message at the end of the conversation and sets its id. A
 * message that is still streaming is followed while it lives: its text is
 * written at most every 100 ms, and everything as soon as it stops
 * streaming.
 */
gboolean
da_store_add_message (DaStore    *self,
                      gint64      conversation_id,
                      DaMessage  *message,
                      GError    **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  g_autofree char *tool_calls_json = NULL;
  int rc;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);
  g_return_val_if_fail (DA_IS_MESSAGE (message), FALSE);

  if (g_hash_table_contains (self->watches, message))
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID,
                   "Message %" G_GINT64_FORMAT " is already being stored",
                   da_message_get_id (message));
      return FALSE;
    }

  stmt = _da_db_prepare (self->db,
    "INSERT INTO messages (conversation_id, role, agent, content, state, tool_calls,"
    " tool_call_id, prompt_tokens, completion_tokens, finish_reason, error_message,"
    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  bind_message (stmt, message, 2, &tool_calls_json);
  sqlite3_bind_int64 (stmt, 12, da_message_get_created_at (message));
  sqlite3_bind_int64 (stmt, 13, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND,
                   "There is no conversation with id %" G_GINT64_FORMAT, conversation_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _da_db_set_error (self->db, rc, error, "Could not save the message");
      return FALSE;
    }

  da_message_set_id (message, sqlite3_last_insert_rowid (self->db->handle));

  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    watch_start (self, message);

  return TRUE;
}

/**
 * da_store_update_message:
 *
 * Writes every field of a stored message now.
 */
gboolean
da_store_update_message (DaStore    *self,
                         DaMessage  *message,
                         GError    **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  g_autofree char *tool_calls_json = NULL;
  DaStreamWatch *watch;
  gint64 id;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);
  g_return_val_if_fail (DA_IS_MESSAGE (message), FALSE);

  id = da_message_get_id (message);
  if (id < 0)
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID,
                   "The message has not been stored yet");
      return FALSE;
    }

  stmt = _da_db_prepare (self->db, sql_update_message, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  bind_message (stmt, message, 2, &tool_calls_json);
  sqlite3_bind_int64 (stmt, 12, g_get_real_time ());

  watch = g_hash_table_lookup (self->watches, message);
  if (watch != NULL)
    {
      watch->dirty = FALSE;
      if (watch->timeout != NULL)
        {
          g_source_destroy (watch->timeout);
          g_clear_pointer (&watch->timeout, g_source_unref);
        }
      if (da_message_get_state (message) != DA_MESSAGE_STATE_STREAMING)
        watch_stop (watch);
    }

  return _da_db_step_done (self->db, stmt, error) &&
         check_changed (self, "message", id, error);
}

/**
 * da_store_flush:
 *
 * Writes the pending text of every streaming message now.
 */
void
da_store_flush (DaStore *self)
{
  GHashTableIter iter;
  DaStreamWatch *watch;

  g_return_if_fail (DA_IS_STORE (self));

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
    watch_flush (watch);
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
