/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-private.h"

/* Messages, and following the ones that are still streaming. */

/* Content of a streaming message is written at most this often. */
#define STREAM_FLUSH_INTERVAL_MS 100
/* Finished messages wait at most this long for the full-text index
 * (searches through the store index first, so they never miss them). */
#define INDEX_INTERVAL_MS 250

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

/* Adds every finished message not yet in the full-text index, in one
 * transaction: one FTS5 segment per batch instead of one per message. */
gboolean
_da_store_index_pending (DaStore  *self,
                         GError  **error)
{
  gboolean own_transaction = sqlite3_get_autocommit (self->db->handle);

  if (self->index_source != NULL)
    {
      g_source_destroy (self->index_source);
      g_clear_pointer (&self->index_source, g_source_unref);
    }

  if (own_transaction && !_da_db_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!_da_db_exec (self->db,
                    "INSERT INTO messages_fts (rowid, content)"
                    "  SELECT id, content FROM messages WHERE indexed = 0 AND state != 'streaming';"
                    "UPDATE messages SET indexed = 1 WHERE indexed = 0 AND state != 'streaming';",
                    error) ||
      (own_transaction && !_da_db_exec (self->db, "COMMIT", error)))
    {
      if (own_transaction)
        sqlite3_exec (self->db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  self->needs_index = FALSE;
  return TRUE;
}

static gboolean
index_timeout_cb (gpointer data)
{
  DaStore *self = data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->index_source, g_source_unref);
  if (!_da_store_index_pending (self, &error))
    g_warning ("Could not update the search index: %s", error->message);

  return G_SOURCE_REMOVE;
}

static void
schedule_index (DaStore *self)
{
  self->needs_index = TRUE;
  if (self->index_source != NULL)
    return;

  self->index_source = g_timeout_source_new (INDEX_INTERVAL_MS);
  g_source_set_callback (self->index_source, index_timeout_cb, self, NULL);
  g_source_set_static_name (self->index_source, "[da-store] index");
  g_source_attach (self->index_source, self->context);
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
  schedule_index (watch->store);

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

/* Ends the watches of one conversation's messages, or all with -1. */
void
_da_store_stop_watches (DaStore *self,
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
      g_autoptr(DaStmt) stmt = NULL;

      if (conversation_id < 0)
        {
          g_ptr_array_add (doomed, watch);
          continue;
        }

      stmt = _da_db_prepare (self->db, "SELECT 1 FROM messages WHERE id = ?1 AND conversation_id = ?2", NULL);
      if (stmt == NULL)
        continue;
      sqlite3_bind_int64 (stmt, 1, watch->id);
      sqlite3_bind_int64 (stmt, 2, conversation_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (doomed, watch);
    }

  for (guint i = 0; i < doomed->len; i++)
    watch_stop (g_ptr_array_index (doomed, i));
}

GHashTable *
_da_store_new_watch_table (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)watch_free);
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
  else
    schedule_index (self);

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

  if (!_da_db_step_done (self->db, stmt, error) ||
      !_da_store_check_changed (self, "message", id, error))
    return FALSE;

  if (da_message_get_state (message) != DA_MESSAGE_STATE_STREAMING)
    schedule_index (self);
  return TRUE;
}

/**
 * da_store_delete_message:
 * @id: the message's id
 *
 * Deletes one message (a failed reply the person retries, say) in one
 * transaction: the conversation's count and the full-text index follow
 * (triggers), usage rows keep their figures without the message. A
 * message still streaming is no longer followed.
 *
 * Returns: %FALSE with %DA_STORE_ERROR_NOT_FOUND when there is no such
 *   message
 */
gboolean
da_store_delete_message (DaStore  *self,
                         gint64    id,
                         GError  **error)
{
  g_autoptr(DaStmt) stmt = NULL;
  GHashTableIter iter;
  DaStreamWatch *watch;
  gboolean own_transaction;

  g_return_val_if_fail (DA_IS_STORE (self), FALSE);

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
    if (watch->id == id)
      {
        watch_stop (watch);
        break;
      }

  stmt = _da_db_prepare (self->db, "DELETE FROM messages WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  own_transaction = sqlite3_get_autocommit (self->db->handle);
  if (own_transaction && !_da_db_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!_da_db_step_done (self->db, stmt, error) ||
      !_da_store_check_changed (self, "message", id, error) ||
      (own_transaction && !_da_db_exec (self->db, "COMMIT", error)))
    {
      if (own_transaction)
        sqlite3_exec (self->db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * da_store_flush:
 *
 * Writes the pending text of every streaming message now, and adds the
 * finished ones to the search index.
 */
void
da_store_flush (DaStore *self)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  DaStreamWatch *watch;

  g_return_if_fail (DA_IS_STORE (self));

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
    watch_flush (watch);

  if (self->needs_index && !_da_store_index_pending (self, &error))
    g_warning ("Could not update the search index: %s", error->message);
}
