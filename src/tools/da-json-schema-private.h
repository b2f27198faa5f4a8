/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-json-schema.h"

G_BEGIN_DECLS

/* Deepest schema nesting accepted (and so the deepest instance checked). */
#define DA_JSON_SCHEMA_MAX_DEPTH 64

/* Pure entry points over buffers, for tests and fuzzing. */
DaJsonSchema *_da_json_schema_parse          (const char  *data,
                                              gsize        len,
                                              GError     **error);
gboolean      _da_json_schema_validate_data  (DaJsonSchema *self,
                                              const char   *data,
                                              gsize         len,
                                              GError      **error);
char         *_da_json_schema_member_path    (const char  *parent,
                                              const char  *member);

G_END_DECLS
