/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-private.h"

/* Forward migrations. Entry N takes a database from user_version N-1 to N
 * and runs in one transaction. A released step is never edited: a change is
 * a new step appended to the list (tests/data/store/history-v1.sql holds
 * what version 1 wrote). Times are Unix microseconds. */
static const char * const migrations[] = {
  /* 1: conversations, messages with full-text index, usage, agent library,
   * providers, audit log, grants. */
  "CREATE TABLE conversations ("
  "  id            INTEGER PRIMARY KEY,"
  "  title         TEXT NOT NULL DEFAULT '',"
  "  team_name     TEXT,"
  "  created_at    INTEGER NOT NULL,"
  "  updated_at    INTEGER NOT NULL,"
  "  pinned        INTEGER NOT NULL DEFAULT 0,"
  "  message_count INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX conversations_order ON conversations (pinned DESC, updated_at DESC);"

  "CREATE TABLE messages ("
  "  id                INTEGER PRIMARY KEY,"
  "  conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  role              TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),"
  "  agent             TEXT,"
  "  content           TEXT NOT NULL DEFAULT '',"
  "  state             TEXT NOT NULL CHECK (state IN ('streaming', 'complete', 'incomplete', 'error')),"
  "  tool_calls        TEXT,"
  "  tool_call_id      TEXT,"
  "  prompt_tokens     INTEGER NOT NULL DEFAULT 0,"
  "  completion_tokens INTEGER NOT NULL DEFAULT 0,"
  "  finish_reason     TEXT,"
  "  error_message     TEXT,"
  "  created_at        INTEGER NOT NULL,"
  "  updated_at        INTEGER NOT NULL,"
  "  indexed           INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX messages_by_conversation ON messages (conversation_id, id);"
  "CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming';"
  "CREATE INDEX messages_unindexed ON messages (id) WHERE indexed = 0;"

  "CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN"
  "  UPDATE conversations SET message_count = message_count + 1,"
  "                           updated_at = max (updated_at, new.updated_at)"
  "   WHERE id = new.conversation_id;"
  "END;"
  "CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN"
  "  UPDATE conversations SET message_count = message_count - 1"
  "   WHERE id = old.conversation_id;"
  "END;"

  /* Finished messages are indexed in batches by the store (a message's
   * own commit stays small); 'indexed' says which rows the index holds, and
   * the view over them is the index's content, so that FTS5's integrity
   * check agrees. Changing the text of an indexed row takes it out of the
   * index until the next batch. */
  "CREATE VIEW messages_indexed AS"
  "  SELECT id, content FROM messages WHERE indexed = 1;"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  content, content = 'messages_indexed', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN old.indexed = 1 BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, state ON messages"
  "  WHEN old.indexed = 1 AND (old.content IS NOT new.content OR new.state = 'streaming') BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);"
  "  UPDATE messages SET indexed = 0 WHERE id = new.id;"
  "END;"

  /* Usage outlives a deleted conversation: it holds no text, and the
   * dashboard's totals should not shrink when history is tidied. */
  "CREATE TABLE usage ("
  "  id                INTEGER PRIMARY KEY,"
  "  conversation_id   INTEGER REFERENCES conversations (id) ON DELETE SET NULL,"
  "  message_id        INTEGER REFERENCES messages (id) ON DELETE SET NULL,"
  "  agent             TEXT,"
  "  provider_kind     TEXT,"
  "  model             TEXT,"
  "  prompt_tokens     INTEGER NOT NULL DEFAULT 0,"
  "  completion_tokens INTEGER NOT NULL DEFAULT 0,"
  "  created_at        INTEGER NOT NULL"
  ");"
  "CREATE INDEX usage_by_conversation ON usage (conversation_id);"
  "CREATE INDEX usage_by_message ON usage (message_id);"

  "CREATE TABLE agents ("
  "  id          INTEGER PRIMARY KEY,"
  "  name        TEXT NOT NULL UNIQUE,"
  "  config_json TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");"

  /* Never a key column: keys live in the keyring. */
  "CREATE TABLE providers ("
  "  id            INTEGER PRIMARY KEY,"
  "  kind          TEXT NOT NULL,"
  "  base_url      TEXT NOT NULL,"
  "  default_model TEXT,"
  "  label         TEXT,"
  "  UNIQUE (kind, base_url)"
  ");"

  "CREATE TABLE audit_log ("
  "  id              INTEGER PRIMARY KEY,"
  "  time            INTEGER NOT NULL,"
  "  agent           TEXT,"
  "  tool            TEXT,"
  "  kind            TEXT NOT NULL,"
  "  target          TEXT,"
  "  decision        TEXT NOT NULL,"
  "  reason          TEXT,"
  "  conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL"
  ");"
  "CREATE INDEX audit_log_by_time ON audit_log (time DESC);"

  "CREATE TABLE grants ("
  "  id         INTEGER PRIMARY KEY,"
  "  agent      TEXT NOT NULL,"
  "  kind       TEXT NOT NULL,"
  "  target     TEXT NOT NULL,"
  "  sha256     TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX grants_by_agent ON grants (agent);",

  /* 2: a grant for a program with an input (a shell command, a script) is
   * bound to that input: detail is the text shown to the person,
   * detail_sha256 what a later request's input must hash to. */
  "ALTER TABLE grants ADD COLUMN detail TEXT;"
  "ALTER TABLE grants ADD COLUMN detail_sha256 TEXT;",
};

guint
_da_store_get_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

const char *
_da_store_get_migration (guint to_version)
{
  g_return_val_if_fail (to_version >= 1 && to_version <= G_N_ELEMENTS (migrations), NULL);
  return migrations[to_version - 1];
}
