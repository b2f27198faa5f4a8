/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_STORE_ERROR (da_store_error_quark ())

/**
 * DaStoreError:
 * @DA_STORE_ERROR_OPEN: the database file could not be created or opened
 * @DA_STORE_ERROR_CORRUPT: the file is damaged or is not a history database
 * @DA_STORE_ERROR_NEWER_SCHEMA: the file was written by a newer version
 * @DA_STORE_ERROR_NOT_FOUND: no row with that id
 * @DA_STORE_ERROR_IO: reading or writing failed (disk full, read-only, …)
 * @DA_STORE_ERROR_INVALID: the arguments were refused (a name already
 *   taken, JSON that does not parse, a message without an id, …)
 * @DA_STORE_ERROR_BUSY: another program kept the database locked too long
 */
typedef enum
{
  DA_STORE_ERROR_OPEN,
  DA_STORE_ERROR_CORRUPT,
  DA_STORE_ERROR_NEWER_SCHEMA,
  DA_STORE_ERROR_NOT_FOUND,
  DA_STORE_ERROR_IO,
  DA_STORE_ERROR_INVALID,
  DA_STORE_ERROR_BUSY,
} DaStoreError;

GQuark       da_store_error_quark        (void);
const char  *da_store_error_code_to_string (DaStoreError code);

G_END_DECLS
