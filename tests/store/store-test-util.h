/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* A scratch folder per test, removed with everything in it. */
static inline char *
store_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("da-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
store_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        store_test_remove_dir (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* A connection of the test's own, to look at what the store wrote. */
static inline sqlite3 *
store_test_open_raw (const char *path,
                     gboolean    read_only)
{
  sqlite3 *db = NULL;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static inline char *
store_test_query_text (sqlite3    *db,
                       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (rc == SQLITE_ROW)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return result;
}

static inline gint64
store_test_query_int (sqlite3    *db,
                      const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 result;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return result;
}

/* The database and its full-text index agree with each other. */
static inline void
store_test_assert_intact (const char *path)
{
  sqlite3 *db = store_test_open_raw (path, FALSE);
  char *integrity = store_test_query_text (db, "PRAGMA integrity_check");

  g_assert_cmpstr (integrity, ==, "ok");
  g_free (integrity);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}
