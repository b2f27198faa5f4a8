/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "da-message.h"
#include "da-store.h"

G_BEGIN_DECLS

/* One SQLite connection with its cache of prepared statements. The main
 * connection belongs to the DaStore's thread; readers serve one worker
 * thread at a time. */
typedef struct
{
  sqlite3    *handle;
  GHashTable *stmts;
  char       *path;
} DaDb;

typedef sqlite3_stmt DaStmt;

static inline void
_da_stmt_release (DaStmt *stmt)
{
  /* A statement left mid-step would keep its read snapshot open. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaStmt, _da_stmt_release)

struct _DaStore
{
  GObject       parent_instance;

  DaDb         *db;
  char         *path;
  GMainContext *context;
  GHashTable   *watches;   /* DaMessage* → DaStreamWatch* */
  GMutex        readers_lock;
  GPtrArray    *readers;   /* idle read-only DaDb* */
  GSource      *index_source;
  GThreadPool  *checkpointer;
  DaDb         *checkpoint_db;   /* used by the checkpointer only */
  gint          checkpoint_queued;
  gboolean      needs_index;
  int           lock_fd;
};

DaDb       *_da_db_open                   (const char   *path,
                                           gboolean      read_only,
                                           GError      **error);
void        _da_db_close                  (DaDb         *db);
DaStmt     *_da_db_prepare                (DaDb         *db,
                                           const char   *sql,
                                           GError      **error);
int         _da_db_step                   (DaDb         *db,
                                           DaStmt       *stmt,
                                           GError      **error);
gboolean    _da_db_step_done              (DaDb         *db,
                                           DaStmt       *stmt,
                                           GError      **error);
gboolean    _da_db_exec                   (DaDb         *db,
                                           const char   *sql,
                                           GError      **error);
void        _da_db_set_error              (DaDb         *db,
                                           int           rc,
                                           GError      **error,
                                           const char   *what);
gboolean    _da_db_get_user_version       (DaDb         *db,
                                           gint64       *version,
                                           GError      **error);
const char *_da_db_column_text            (DaStmt       *stmt,
                                           int           column);

guint       _da_store_get_n_migrations    (void);
const char *_da_store_get_migration       (guint         to_version);
gboolean    _da_store_migrate             (DaDb         *db,
                                           GError      **error);

/* Queries shared by the main connection and the readers. */
GPtrArray  *_da_db_load_messages          (DaDb         *db,
                                           gint64        conversation_id,
                                           GError      **error);
GPtrArray  *_da_db_load_messages_before   (DaDb         *db,
                                           gint64        conversation_id,
                                           gint64        before_id,
                                           guint         limit,
                                           GError      **error);
DaConversation *_da_db_get_conversation   (DaDb         *db,
                                           gint64        id,
                                           GError      **error);
GPtrArray  *_da_db_search                 (DaDb         *db,
                                           const char   *text,
                                           guint         limit,
                                           GError      **error);

GHashTable *_da_store_new_watch_table     (void);
void        _da_store_stop_watches        (DaStore      *self,
                                           gint64        conversation_id);
gboolean    _da_store_check_changed       (DaStore      *self,
                                           const char   *what,
                                           gint64        id,
                                           GError      **error);
gboolean    _da_store_index_pending       (DaStore      *self,
                                           GError      **error);
DaDb       *_da_store_acquire_reader      (DaStore      *self,
                                           GError      **error);
void        _da_store_release_reader      (DaStore      *self,
                                           DaDb         *reader);

/* Pure functions over text; the fuzz target and the tests call them. */
char       *_da_store_build_fts_query     (const char   *text);
void        _da_store_parse_snippet       (const char   *marked,
                                           char        **plain,
                                           char        **markup);
char       *_da_store_tool_calls_to_json  (GPtrArray    *tool_calls);
GPtrArray  *_da_store_tool_calls_from_json (const char  *json,
                                           gssize        length,
                                           GError      **error);

#define DA_STORE_SNIPPET_OPEN  "\xee\x80\x80" /* U+E000 */
#define DA_STORE_SNIPPET_CLOSE "\xee\x80\x81" /* U+E001 */

G_END_DECLS
