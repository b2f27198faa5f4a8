/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-error.h"

G_DEFINE_QUARK (da-store-error-quark, da_store_error)

const char *
da_store_error_code_to_string (DaStoreError code)
{
  switch (code)
    {
    case DA_STORE_ERROR_OPEN:         return "open";
    case DA_STORE_ERROR_CORRUPT:      return "corrupt";
    case DA_STORE_ERROR_NEWER_SCHEMA: return "newer_schema";
    case DA_STORE_ERROR_NOT_FOUND:    return "not_found";
    case DA_STORE_ERROR_IO:           return "io";
    case DA_STORE_ERROR_INVALID:      return "invalid";
    case DA_STORE_ERROR_BUSY:         return "busy";
    default:                          return "io";
    }
}
