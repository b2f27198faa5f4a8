/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whatever a person types, the FTS5 query built from it is valid: it runs
 * against a real FTS5 table without a syntax error. The same bytes also go
 * through the stored tool-call parser and the snippet parser. */
#include "config.h"

#include <stdint.h>

#include "da-store-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static sqlite3 *db;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autofree char *query = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *markup = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    {
      g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db,
        "CREATE VIRTUAL TABLE t USING fts5 (content, tokenize = 'unicode61 remove_diacritics 2');"
        "INSERT INTO t VALUES ('hello world, pastéis de nata 日本語 it''s NEAR AND OR NOT');",
        NULL, NULL, NULL), ==, SQLITE_OK);
    }

  query = _da_store_build_fts_query (text);
  if (query != NULL)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      g_assert_true (g_utf8_validate (query, -1, NULL));
      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;
      if (rc != SQLITE_DONE)
        g_error ("query %s from %s failed: %s", query, text, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
    }

  _da_store_parse_snippet (text, &plain, &markup);
  g_assert_true (g_utf8_validate (plain, -1, NULL));

  calls = _da_store_tool_calls_from_json ((const char *)data, size, &error);
  g_assert_true ((calls == NULL) == (error != NULL));

  return 0;
}
