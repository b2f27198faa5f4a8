/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the JSON-schema checker and validator. A fixture-shaped input
 * ({"schema", "valid", "invalid", "bad"}) validates its instances; any
 * other JSON document is compiled as a schema and validated against
 * itself. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "da-json-schema-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
validate_all (DaJsonSchema *schema,
              JsonArray    *instances,
              gboolean      pairs)
{
  for (guint i = 0; instances != NULL && i < json_array_get_length (instances); i++)
    {
      JsonNode *instance = json_array_get_element (instances, i);
      g_autoptr(GError) error = NULL;

      if (pairs && JSON_NODE_HOLDS_ARRAY (instance) &&
          json_array_get_length (json_node_get_array (instance)) > 0)
        instance = json_array_get_element (json_node_get_array (instance), 0);
      if (!da_json_schema_validate (schema, instance, &error))
        g_assert (error != NULL && error->message[0] == '$');
    }
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DaJsonSchema) whole = NULL;
  JsonNode *root;

  whole = _da_json_schema_parse ((const char *)data, size, &error);
  if (whole != NULL)
    {
      g_autoptr(GError) validate_error = NULL;

      if (!_da_json_schema_validate_data (whole, (const char *)data, size, &validate_error))
        g_assert (validate_error->message[0] == '$');
    }
  else
    g_assert (error != NULL && error->message[0] == '$');

  if (memchr (data, '\0', size) != NULL ||
      !json_parser_load_from_data (parser, (const char *)data, size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  {
    JsonObject *object = json_node_get_object (root);
    JsonNode *schema_node = json_object_get_member (object, "schema");
    JsonArray *bad = array_member (object, "bad");

    if (schema_node != NULL)
      {
        g_autoptr(DaJsonSchema) schema = da_json_schema_new (schema_node, NULL);

        if (schema != NULL)
          {
            validate_all (schema, array_member (object, "valid"), FALSE);
            validate_all (schema, array_member (object, "invalid"), TRUE);
          }
      }

    for (guint i = 0; bad != NULL && i < json_array_get_length (bad); i++)
      {
        JsonNode *item = json_array_get_element (bad, i);
        g_autoptr(DaJsonSchema) schema = NULL;

        if (JSON_NODE_HOLDS_ARRAY (item) && json_array_get_length (json_node_get_array (item)) > 0)
          schema = da_json_schema_new (json_array_get_element (json_node_get_array (item), 0), NULL);
      }
  }

  return 0;
}
