/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small strict JSON reader for sandbox policies.  The helper does not
 * link json-glib: loading GIO and GObject would double its start-up
 * time, and the policy needs only this much. */

typedef enum
{
  DA_JSON_NULL,
  DA_JSON_BOOL,
  DA_JSON_INT,      /* an integer that fits in gint64 */
  DA_JSON_NUMBER,   /* any other number; its value is not kept */
  DA_JSON_STRING,
  DA_JSON_ARRAY,
  DA_JSON_OBJECT,
} DaJsonType;

typedef struct _DaJson DaJson;
struct _DaJson
{
  DaJsonType  type;
  gboolean    boolean;
  gint64      integer;
  char       *string;     /* valid UTF-8 without NUL */
  GPtrArray  *items;      /* DaJson*: array elements or object values */
  GPtrArray  *keys;       /* char*: object keys, same order as items */
};

DaJson *_da_json_parse (const char  *data,
                        gsize        len,
                        GError     **error);
void    _da_json_free  (DaJson      *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaJson, _da_json_free)

G_END_DECLS
