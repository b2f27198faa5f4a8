/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "da-json-schema.h"
#include "da-json-schema-private.h"

static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "security", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
run_fixture (gconstpointer data)
{
  const char *name = data;
  g_autoptr(JsonNode) root = load_fixture (name);
  JsonObject *object = json_node_get_object (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaJsonSchema) schema = da_json_schema_new (json_object_get_member (object, "schema"), &error);
  JsonArray *valid = json_object_get_array_member (object, "valid");
  JsonArray *invalid = json_object_get_array_member (object, "invalid");

  g_assert_no_error (error);
  g_assert_nonnull (schema);

  for (guint i = 0; i < json_array_get_length (valid); i++)
    {
      da_json_schema_validate (schema, json_array_get_element (valid, i), &error);
      if (error != NULL)
        g_test_message ("valid[%u]: %s", i, error->message);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < json_array_get_length (invalid); i++)
    {
      JsonArray *pair = json_array_get_array_element (invalid, i);
      g_autoptr(GError) local_error = NULL;

      g_assert_false (da_json_schema_validate (schema, json_array_get_element (pair, 0), &local_error));
      g_assert_error (local_error, DA_JSON_SCHEMA_ERROR, DA_JSON_SCHEMA_ERROR_INVALID);
      g_assert_cmpstr (local_error->message, ==, json_array_get_string_element (pair, 1));
    }
}

static void
test_bad_schemas (void)
{
  g_autoptr(JsonNode) root = load_fixture ("schema-bad.json");
  JsonArray *bad = json_object_get_array_member (json_node_get_object (root), "bad");

  for (guint i = 0; i < json_array_get_length (bad); i++)
    {
      JsonArray *pair = json_array_get_array_element (bad, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(DaJsonSchema) schema = da_json_schema_new (json_array_get_element (pair, 0), &error);

      g_assert_null (schema);
      g_assert_error (error, DA_JSON_SCHEMA_ERROR, DA_JSON_SCHEMA_ERROR_BAD_SCHEMA);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, json_array_get_string_element (pair, 1)));
    }
}

static void
test_depth (void)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaJsonSchema) schema = NULL;
  g_autofree char *data = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append (text, "{\"items\":");
  g_string_append (text, "true");
  for (guint i = 0; i < 100; i++)
    g_string_append_c (text, '}');
  data = g_string_free (text, FALSE);

  schema = _da_json_schema_parse (data, strlen (data), &error);
  g_assert_null (schema);
  g_assert_error (error, DA_JSON_SCHEMA_ERROR, DA_JSON_SCHEMA_ERROR_BAD_SCHEMA);
  g_assert_nonnull (strstr (error->message, "nested more than"));
}

static void
test_buffers (void)
{
  static const char schema_text[] = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(DaJsonSchema) schema = _da_json_schema_parse (schema_text, strlen (schema_text), &error);

  g_assert_no_error (error);
  g_assert_true (_da_json_schema_validate_data (schema, "{\"n\": 2}", 8, &error));
  g_assert_no_error (error);

  g_assert_false (_da_json_schema_validate_data (schema, "{\"n\": ", 6, &error));
  g_assert_error (error, DA_JSON_SCHEMA_ERROR, DA_JSON_SCHEMA_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "$: not JSON"));
  g_clear_error (&error);

  g_assert_false (_da_json_schema_validate_data (schema, "{\"n\": 2}\0", 9, &error));
  g_assert_error (error, DA_JSON_SCHEMA_ERROR, DA_JSON_SCHEMA_ERROR_INVALID);
  g_clear_error (&error);

  /* A property name that could disturb a display is escaped in the path. */
  {
    static const char closed_text[] = "{\"additionalProperties\": false}";
    static const char args[] = "{\"\\u001b[2J\": 1}";
    g_autoptr(DaJsonSchema) closed = _da_json_schema_parse (closed_text, strlen (closed_text), NULL);

    g_assert_nonnull (closed);
    g_assert_false (_da_json_schema_validate_data (closed, args, strlen (args), &error));
    g_assert_cmpstr (error->message, ==, "$[\"\\u001b[2J\"]: unexpected property");
    g_clear_error (&error);
  }
  {
    g_autofree char *path = _da_json_schema_member_path ("$", "a\x1b[2J\xe2\x80\xae\"");
    g_assert_cmpstr (path, ==, "$[\"a\\u001b[2J\\u202e\\u0022\"]");
  }

  /* The compiled schema is reusable and shareable. */
  for (guint i = 0; i < 100; i++)
    g_assert_true (_da_json_schema_validate_data (schema, "{\"n\": -7}", 9, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/json-schema/read-file", "schema-read-file.json", run_fixture);
  g_test_add_data_func ("/json-schema/nested", "schema-nested.json", run_fixture);
  g_test_add_data_func ("/json-schema/combinators", "schema-combinators.json", run_fixture);
  g_test_add_func ("/json-schema/bad-schemas", test_bad_schemas);
  g_test_add_func ("/json-schema/depth", test_depth);
  g_test_add_func ("/json-schema/buffers", test_buffers);

  return g_test_run ();
}
