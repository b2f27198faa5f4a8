/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-private.h"

#define DEFAULT_SEARCH_LIMIT 100
/* bm25 must score every match before it can sort, and its weights count
 * every message holding each term, so over a large history a common word
 * costs hundreds of milliseconds. Up to this many matches hits are ranked
 * by bm25; beyond it, newest first, which FTS5 answers by walking the
 * index backwards and stopping at the limit. */
#define SEARCH_WINDOW 2000

static DaMessage *
message_from_row (DaStmt  *stmt,
                  GError **error)
{
  g_autoptr(DaMessage) message = NULL;
  const char *tool_calls_json;
  DaMessageState state;
  DaRole role;

  if (!da_role_from_string (_da_db_column_text (stmt, 1), &role) ||
      !da_message_state_from_string (_da_db_column_text (stmt, 4), &state))
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                   "Message %" G_GINT64_FORMAT " has an unknown role or state",
                   (gint64)sqlite3_column_int64 (stmt, 0));
      return NULL;
    }

  message = da_message_new (role, _da_db_column_text (stmt, 2), _da_db_column_text (stmt, 3));
  da_message_set_id (message, sqlite3_column_int64 (stmt, 0));
  da_message_set_state (message, state);
  da_message_set_tool_call_id (message, _da_db_column_text (stmt, 6));
  da_message_set_usage (message, sqlite3_column_int64 (stmt, 7), sqlite3_column_int64 (stmt, 8));
  da_message_set_finish_reason (message, _da_db_column_text (stmt, 9));
  da_message_set_error_message (message, _da_db_column_text (stmt, 10));
  da_message_set_created_at (message, sqlite3_column_int64 (stmt, 11));

  tool_calls_json = _da_db_column_text (stmt, 5);
  if (tool_calls_json != NULL)
    {
      g_autoptr(GPtrArray) calls = _da_store_tool_calls_from_json (tool_calls_json, -1, error);

      if (calls == NULL)
        return NULL;
      for (guint i = 0; i < calls->len; i++)
        da_message_add_tool_call (message, g_ptr_array_index (calls, i));
    }

  return g_steal_pointer (&message);
}

/* The messages of a conversation with an id below @before_id (all when
 * @before_id <= 0), the newest @limit of them (all when @limit is 0),
 * oldest first. The (conversation_id, id) index answers both ends
 * without reading the rows in between. */
GPtrArray *
_da_db_load_messages_before (DaDb    *db,
                             gint64   conversation_id,
                             gint64   before_id,
                             guint    limit,
                             GError **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaStmt) stmt = NULL;
  int rc;

  stmt = _da_db_prepare (db,
    "SELECT id, role, agent, content, state, tool_calls, tool_call_id, prompt_tokens,"
    " completion_tokens, finish_reason, error_message, created_at"
    " FROM messages WHERE conversation_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, before_id > 0 ? before_id : G_MAXINT64);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  while ((rc = _da_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      DaMessage *message = message_from_row (stmt, error);

      if (message == NULL)
        return NULL;
      g_ptr_array_add (messages, message);
    }
  if (rc != SQLITE_DONE)
    return NULL;

  if (messages->len == 0)
    {
      g_autoptr(DaConversation) conversation = _da_db_get_conversation (db, conversation_id, error);

      if (conversation == NULL)
        return NULL;
    }

  /* Read newest first so that LIMIT keeps the newest; handed out oldest first. */
  for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
    {
      gpointer swap = messages->pdata[i];

      messages->pdata[i] = messages->pdata[j - 1];
      messages->pdata[j - 1] = swap;
    }

  return g_steal_pointer (&messages);
}

GPtrArray *
_da_db_load_messages (DaDb    *db,
                      gint64   conversation_id,
                      GError **error)
{
  return _da_db_load_messages_before (db, conversation_id, 0, 0, error);
}

static gboolean
fill_hit (DaDb         *db,
          DaSearchHit  *hit,
          GError      **error)
{
  g_autoptr(DaStmt) stmt = _da_db_prepare (db,
    "SELECT m.conversation_id, m.agent, c.title FROM messages m"
    " JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, hit->message_id);
  rc = _da_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      hit->conversation_id = sqlite3_column_int64 (stmt, 0);
      hit->agent = g_strdup (_da_db_column_text (stmt, 1));
      hit->conversation_title = g_strdup (_da_db_column_text (stmt, 2));
    }
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

GPtrArray *
_da_db_search (DaDb        *db,
               const char  *text,
               guint        limit,
               GError     **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify)da_search_hit_free);
  g_autofree char *query = _da_store_build_fts_query (text);
  g_autoptr(DaStmt) stmt = NULL;
  gboolean by_recency;
  int rc;

  if (query == NULL)
    return g_steal_pointer (&hits);

  /* Are there more than SEARCH_WINDOW matches? */
  stmt = _da_db_prepare (db,
    "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1"
    " ORDER BY rowid DESC LIMIT 1 OFFSET ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, SEARCH_WINDOW);
  rc = _da_db_step (db, stmt, error);
  if (rc < 0)
    return NULL;
  by_recency = rc == SQLITE_ROW;
  _da_stmt_release (g_steal_pointer (&stmt));

  /* Snippets are computed only for the rows returned. */
  if (by_recency)
    stmt = _da_db_prepare (db,
      "SELECT rowid, snippet (messages_fts, 0, '" DA_STORE_SNIPPET_OPEN "', '"
      DA_STORE_SNIPPET_CLOSE "', '…', 16), 0.0"
      " FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2", error);
  else
    stmt = _da_db_prepare (db,
      "SELECT rowid, snippet (messages_fts, 0, '" DA_STORE_SNIPPET_OPEN "', '"
      DA_STORE_SNIPPET_CLOSE "', '…', 16), rank"
      " FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, limit > 0 ? (int)MIN (limit, G_MAXINT) : DEFAULT_SEARCH_LIMIT);

  while ((rc = _da_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      g_autoptr(DaSearchHit) hit = g_new0 (DaSearchHit, 1);

      hit->message_id = sqlite3_column_int64 (stmt, 0);
      _da_store_parse_snippet (_da_db_column_text (stmt, 1), &hit->snippet, &hit->snippet_markup);
      hit->rank = sqlite3_column_double (stmt, 2);
      g_ptr_array_add (hits, g_steal_pointer (&hit));
    }
  if (rc != SQLITE_DONE)
    return NULL;

  for (guint i = 0; i < hits->len; i++)
    if (!fill_hit (db, g_ptr_array_index (hits, i), error))
      return NULL;

  return g_steal_pointer (&hits);
}

/**
 * da_store_load_messages:
 *
 * Returns: (transfer container) (element-type DaMessage): the messages of
 *   a conversation, oldest first
 */
GPtrArray *
da_store_load_messages (DaStore  *self,
                        gint64    conversation_id,
                        GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  da_store_flush (self);
  return _da_db_load_messages (self->db, conversation_id, error);
}

/**
 * da_store_load_messages_before:
 * @before_id: only messages with a smaller id; 0 or less for the newest
 * @limit: at most this many, the newest of them; 0 for all
 *
 * One page of a conversation, for showing its end first and the rest
 * later: pass the id of the oldest message you have as @before_id to get
 * the ones before it. Fewer than @limit messages means there are no more.
 *
 * Returns: (transfer container) (element-type DaMessage): the messages,
 *   oldest first; %NULL with %DA_STORE_ERROR_NOT_FOUND when the
 *   conversation does not exist
 */
GPtrArray *
da_store_load_messages_before (DaStore  *self,
                               gint64    conversation_id,
                               gint64    before_id,
                               guint     limit,
                               GError  **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);

  da_store_flush (self);
  return _da_db_load_messages_before (self->db, conversation_id, before_id, limit, error);
}

/**
 * da_store_search:
 * @query: what a person typed: words, "quoted phrases"; the last word
 *   matches as a prefix
 * @limit: the most hits to return; 0 for 100
 *
 * Hits are ranked by bm25 when at most 2,000 messages match; when more
 * match, the newest come first (with rank 0), so that a common word stays
 * fast over a large history.
 *
 * Returns: (transfer container) (element-type DaSearchHit): hits, best
 *   first; empty when @query holds no words
 */
GPtrArray *
da_store_search (DaStore     *self,
                 const char  *query,
                 guint        limit,
                 GError     **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (self->needs_index && !_da_store_index_pending (self, error))
    return NULL;

  return _da_db_search (self->db, query, limit, error);
}

typedef struct
{
  gint64  conversation_id;
  gint64  before_id;
  char   *query;
  guint   limit;
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_free (data->query);
  g_free (data);
}

static int
progress_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  DaStore *self = source_object;
  QueryData *data = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *result;
  DaDb *reader;

  if (g_task_return_error_if_cancelled (task))
    return;

  reader = _da_store_acquire_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (cancellable != NULL)
    sqlite3_progress_handler (reader->handle, 1000, progress_cb, cancellable);

  if (data->query != NULL)
    result = _da_db_search (reader, data->query, data->limit, &error);
  else
    result = _da_db_load_messages_before (reader, data->conversation_id, data->before_id,
                                          data->limit, &error);

  sqlite3_progress_handler (reader->handle, 0, NULL, NULL);
  _da_store_release_reader (self, reader);

  if (g_task_return_error_if_cancelled (task))
    g_clear_pointer (&result, g_ptr_array_unref);
  else if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify)g_ptr_array_unref);
}

static void
run_query (DaStore             *self,
           gpointer             source_tag,
           QueryData           *data,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify)query_data_free);

  /* The reader sees committed rows only: write what is pending first. */
  da_store_flush (self);

  g_task_run_in_thread (task, query_thread);
}

/**
 * da_store_load_messages_async:
 *
 * Loads the messages of a conversation in a worker thread, on a read-only
 * connection of its own.
 */
void
da_store_load_messages_async (DaStore             *self,
                              gint64               conversation_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  QueryData *data;

  g_return_if_fail (DA_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (QueryData, 1);
  data->conversation_id = conversation_id;
  run_query (self, da_store_load_messages_async, data, cancellable, callback, user_data);
}

/**
 * da_store_load_messages_finish:
 *
 * Returns: (transfer container) (element-type DaMessage): the messages,
 *   oldest first
 */
GPtrArray *
da_store_load_messages_finish (DaStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_store_load_messages_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * da_store_load_messages_before_async:
 *
 * da_store_load_messages_before() in a worker thread, on a read-only
 * connection of its own.
 */
void
da_store_load_messages_before_async (DaStore             *self,
                                     gint64               conversation_id,
                                     gint64               before_id,
                                     guint                limit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  QueryData *data;

  g_return_if_fail (DA_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (QueryData, 1);
  data->conversation_id = conversation_id;
  data->before_id = before_id;
  data->limit = limit;
  run_query (self, da_store_load_messages_before_async, data, cancellable, callback, user_data);
}

/**
 * da_store_load_messages_before_finish:
 *
 * Returns: (transfer container) (element-type DaMessage): the messages,
 *   oldest first
 */
GPtrArray *
da_store_load_messages_before_finish (DaStore       *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_store_load_messages_before_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
da_store_search_async (DaStore             *self,
                       const char          *query,
                       guint                limit,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  QueryData *data;

  g_return_if_fail (DA_IS_STORE (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (QueryData, 1);
  data->query = g_strdup (query);
  data->limit = limit;
  run_query (self, da_store_search_async, data, cancellable, callback, user_data);
}

/**
 * da_store_search_finish:
 *
 * Returns: (transfer container) (element-type DaSearchHit): hits, best first
 */
GPtrArray *
da_store_search_finish (DaStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (DA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_store_search_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
