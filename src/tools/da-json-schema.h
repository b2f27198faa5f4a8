/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DA_JSON_SCHEMA_ERROR (da_json_schema_error_quark ())

/**
 * DaJsonSchemaError:
 * @DA_JSON_SCHEMA_ERROR_INVALID: the value does not satisfy the schema; the
 *   message starts with the JSON path of the first violation
 * @DA_JSON_SCHEMA_ERROR_BAD_SCHEMA: the schema itself is malformed or uses
 *   a keyword outside the supported subset; the message starts with the
 *   JSON path inside the schema
 */
typedef enum
{
  DA_JSON_SCHEMA_ERROR_INVALID,
  DA_JSON_SCHEMA_ERROR_BAD_SCHEMA,
} DaJsonSchemaError;

GQuark da_json_schema_error_quark (void);

#define DA_TYPE_JSON_SCHEMA (da_json_schema_get_type ())

typedef struct _DaJsonSchema DaJsonSchema;

GType         da_json_schema_get_type  (void) G_GNUC_CONST;
DaJsonSchema *da_json_schema_new       (JsonNode      *schema,
                                        GError       **error);
DaJsonSchema *da_json_schema_ref       (DaJsonSchema  *self);
void          da_json_schema_unref     (DaJsonSchema  *self);
JsonNode     *da_json_schema_get_node  (DaJsonSchema  *self);
gboolean      da_json_schema_validate  (DaJsonSchema  *self,
                                        JsonNode      *instance,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaJsonSchema, da_json_schema_unref)

G_END_DECLS
