/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <math.h>
#include <string.h>

#include "da-escape.h"
#include "da-json-schema-private.h"

/*
 * The JSON Schema subset tool parameters use: type (with "integer" and
 * type lists), properties, required, enum, const, minimum, maximum,
 * exclusiveMinimum / exclusiveMaximum (number, or the draft-04 boolean
 * form), minLength / maxLength (in characters), pattern (searched, not
 * anchored, as in JSON Schema), items (one schema for every element),
 * minItems / maxItems, additionalProperties (boolean or schema), anyOf,
 * allOf, oneOf, and boolean schemas. Annotations (title, description,
 * default, examples, format, $schema, $id, $comment, deprecated, readOnly,
 * writeOnly) are ignored. Any other keyword makes the schema invalid
 * rather than silently unchecked.
 */

struct _DaJsonSchema
{
  gatomicrefcount  ref_count;
  JsonNode        *root;
  GHashTable      *regexes;     /* pattern → GRegex, compiled once */
};

G_DEFINE_QUARK (da-json-schema-error-quark, da_json_schema_error)
G_DEFINE_BOXED_TYPE (DaJsonSchema, da_json_schema, da_json_schema_ref, da_json_schema_unref)

static const char * const type_names[] = {
  "object", "array", "string", "number", "integer", "boolean", "null",
};

static const char * const annotation_keywords[] = {
  "title", "description", "default", "examples", "format", "$schema", "$id",
  "$comment", "deprecated", "readOnly", "writeOnly",
};

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError     **error,
      int          code,
      const char  *path,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DA_JSON_SCHEMA_ERROR, code, "%s: %s", path, message);
  return FALSE;
}

#define BAD(path, ...) fail (error, DA_JSON_SCHEMA_ERROR_BAD_SCHEMA, (path), __VA_ARGS__)
#define INVALID(path, ...) fail (error, DA_JSON_SCHEMA_ERROR_INVALID, (path), __VA_ARGS__)

/* "$.name" for identifiers, "$[\"two words\"]" otherwise; anything that
 * could disturb a display is \u-escaped. */
char *
_da_json_schema_member_path (const char *parent,
                             const char *member)
{
  GString *out = g_string_new (parent);
  gboolean identifier = g_ascii_isalpha (member[0]) || member[0] == '_';

  for (const char *p = member; identifier && *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      identifier = FALSE;

  if (identifier)
    {
      g_string_append_c (out, '.');
      g_string_append (out, member);
      return g_string_free (out, FALSE);
    }

  g_string_append (out, "[\"");
  for (const char *p = member; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\' || da_escape_needs_escape (c))
        g_string_append_printf (out, c > 0xffff ? "\\U%08x" : "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  g_string_append (out, "\"]");
  return g_string_free (out, FALSE);
}

static char *
index_path (const char *parent,
            guint       index)
{
  return g_strdup_printf ("%s[%u]", parent, index);
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
is_integer (JsonNode *node)
{
  double value;

  if (!is_number (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return TRUE;
  value = json_node_get_double (node);
  return isfinite (value) && floor (value) == value;
}

static gboolean
is_non_negative_integer (JsonNode *node)
{
  return is_integer (node) && json_node_get_double (node) >= 0;
}

static const char *
instance_type_name (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "object";
    case JSON_NODE_ARRAY: return "array";
    case JSON_NODE_NULL: return "null";
    case JSON_NODE_VALUE:
      if (is_string (node))
        return "string";
      if (is_boolean (node))
        return "boolean";
      return "number";
    default:
      return "unknown";
    }
}

static gboolean
type_matches (const char *type,
              JsonNode   *node)
{
  if (strcmp (type, "integer") == 0)
    return is_integer (node);
  if (strcmp (type, "number") == 0)
    return is_number (node);
  return strcmp (type, instance_type_name (node)) == 0;
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  if (is_number (a) && is_number (b))
    {
      if (json_node_get_value_type (a) == G_TYPE_INT64 &&
          json_node_get_value_type (b) == G_TYPE_INT64)
        return json_node_get_int (a) == json_node_get_int (b);
      return json_node_get_double (a) == json_node_get_double (b);
    }

  if (strcmp (instance_type_name (a), instance_type_name (b)) != 0)
    return FALSE;

  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_VALUE:
      if (is_boolean (a))
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);
        guint n = json_array_get_length (aa);

        if (n != json_array_get_length (ab))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!json_equal (json_array_get_element (aa, i), json_array_get_element (ab, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        g_autoptr(GList) members = json_object_get_members (oa);

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return FALSE;
        for (GList *l = members; l != NULL; l = l->next)
          {
            JsonNode *other = json_object_get_member (ob, l->data);

            if (other == NULL || !json_equal (json_object_get_member (oa, l->data), other))
              return FALSE;
          }
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* Checking a schema                                                  */

static gboolean check_schema (DaJsonSchema *self, JsonNode *node, const char *path,
                              guint depth, GError **error);

static gboolean
check_schema_list (DaJsonSchema  *self,
                   JsonNode      *node,
                   const char    *path,
                   guint          depth,
                   GError       **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return BAD (path, "expected a non-empty list of schemas");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *sub = index_path (path, i);

      if (!check_schema (self, json_array_get_element (array, i), sub, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_type (JsonNode    *node,
            const char  *path,
            GError     **error)
{
  JsonArray *array;

  if (is_string (node))
    {
      for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
        if (strcmp (json_node_get_string (node), type_names[i]) == 0)
          return TRUE;
      return BAD (path, "unknown type \"%s\"", json_node_get_string (node));
    }

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return BAD (path, "expected a type name or a non-empty list of type names");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *sub = index_path (path, i);

      if (!is_string (json_array_get_element (array, i)))
        return BAD (sub, "expected a type name");
      if (!check_type (json_array_get_element (array, i), sub, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_keyword (DaJsonSchema  *self,
               const char    *name,
               JsonNode      *value,
               const char    *path,
               guint          depth,
               GError       **error)
{
  if (strcmp (name, "type") == 0)
    return check_type (value, path, error);

  if (strcmp (name, "properties") == 0)
    {
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (value))
        return BAD (path, "expected an object of schemas");
      members = json_object_get_members (json_node_get_object (value));
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *sub = _da_json_schema_member_path (path, l->data);

          if (!check_schema (self, json_object_get_member (json_node_get_object (value), l->data),
                             sub, depth + 1, error))
            return FALSE;
        }
      return TRUE;
    }

  if (strcmp (name, "required") == 0)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return BAD (path, "expected a list of property names");
      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!is_string (json_array_get_element (array, i)))
          {
            g_autofree char *sub = index_path (path, i);
            return BAD (sub, "expected a property name");
          }
      return TRUE;
    }

  if (strcmp (name, "enum") == 0)
    {
      if (!JSON_NODE_HOLDS_ARRAY (value) || json_array_get_length (json_node_get_array (value)) == 0)
        return BAD (path, "expected a non-empty list");
      return TRUE;
    }

  if (strcmp (name, "const") == 0)
    return TRUE;

  if (strcmp (name, "minimum") == 0 || strcmp (name, "maximum") == 0)
    return is_number (value) ? TRUE : BAD (path, "expected a number");

  if (strcmp (name, "exclusiveMinimum") == 0 || strcmp (name, "exclusiveMaximum") == 0)
    return is_number (value) || is_boolean (value) ? TRUE : BAD (path, "expected a number");

  if (strcmp (name, "minLength") == 0 || strcmp (name, "maxLength") == 0 ||
      strcmp (name, "minItems") == 0 || strcmp (name, "maxItems") == 0)
    return is_non_negative_integer (value) ? TRUE : BAD (path, "expected a non-negative integer");

  if (strcmp (name, "pattern") == 0)
    {
      g_autoptr(GError) regex_error = NULL;
      const char *pattern;
      GRegex *regex;

      if (!is_string (value))
        return BAD (path, "expected a regular expression");
      pattern = json_node_get_string (value);
      if (g_hash_table_contains (self->regexes, pattern))
        return TRUE;
      regex = g_regex_new (pattern, (GRegexCompileFlags)0, (GRegexMatchFlags)0, &regex_error);
      if (regex == NULL)
        return BAD (path, "invalid regular expression: %s", regex_error->message);
      g_hash_table_insert (self->regexes, g_strdup (pattern), regex);
      return TRUE;
    }

  if (strcmp (name, "items") == 0)
    {
      if (JSON_NODE_HOLDS_ARRAY (value))
        return BAD (path, "a list of item schemas is not supported (use one schema)");
      return check_schema (self, value, path, depth + 1, error);
    }

  if (strcmp (name, "additionalProperties") == 0)
    return check_schema (self, value, path, depth + 1, error);

  if (strcmp (name, "anyOf") == 0 || strcmp (name, "allOf") == 0 || strcmp (name, "oneOf") == 0)
    return check_schema_list (self, value, path, depth, error);

  for (guint i = 0; i < G_N_ELEMENTS (annotation_keywords); i++)
    if (strcmp (name, annotation_keywords[i]) == 0)
      return TRUE;

  return BAD (path, "unsupported keyword");
}

static gboolean
check_schema (DaJsonSchema  *self,
              JsonNode      *node,
              const char    *path,
              guint          depth,
              GError       **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (depth > DA_JSON_SCHEMA_MAX_DEPTH)
    return BAD (path, "schema nested more than %d levels deep", DA_JSON_SCHEMA_MAX_DEPTH);
  if (is_boolean (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return BAD (path, "expected a schema (an object or a boolean)");

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *sub = _da_json_schema_member_path (path, l->data);

      if (!check_keyword (self, l->data, json_object_get_member (object, l->data), sub, depth, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * da_json_schema_new:
 * @schema: the schema document
 *
 * Checks @schema (known types, supported keywords, well-formed values,
 * regular expressions that compile) and compiles its patterns once.
 *
 * Returns: (transfer full): the compiled schema, or %NULL with
 *   %DA_JSON_SCHEMA_ERROR_BAD_SCHEMA
 */
DaJsonSchema *
da_json_schema_new (JsonNode  *schema,
                    GError   **error)
{
  DaJsonSchema *self;

  g_return_val_if_fail (schema != NULL, NULL);

  self = g_new0 (DaJsonSchema, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->root = json_node_copy (schema);
  self->regexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_regex_unref);

  if (!check_schema (self, self->root, "$", 0, error))
    {
      da_json_schema_unref (self);
      return NULL;
    }

  json_node_seal (self->root);
  return self;
}

DaJsonSchema *
da_json_schema_ref (DaJsonSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
da_json_schema_unref (DaJsonSchema *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      json_node_unref (self->root);
      g_hash_table_unref (self->regexes);
      g_free (self);
    }
}

JsonNode *
da_json_schema_get_node (DaJsonSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->root;
}

/* ------------------------------------------------------------------ */
/* Validating an instance                                             */

static gboolean validate (DaJsonSchema *self, JsonNode *schema, JsonNode *instance,
                          const char *path, GError **error);

static char *
describe_types (JsonNode *type)
{
  GString *out;
  JsonArray *array;
  guint n;

  if (is_string (type))
    return g_strdup (json_node_get_string (type));

  array = json_node_get_array (type);
  n = json_array_get_length (array);
  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == n ? " or " : ", ");
      g_string_append (out, json_array_get_string_element (array, i));
    }
  return g_string_free (out, FALSE);
}

static gboolean
validate_type (JsonNode    *type,
               JsonNode    *instance,
               const char  *path,
               GError     **error)
{
  g_autofree char *expected = NULL;

  if (is_string (type))
    {
      if (type_matches (json_node_get_string (type), instance))
        return TRUE;
    }
  else
    {
      JsonArray *array = json_node_get_array (type);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (type_matches (json_array_get_string_element (array, i), instance))
          return TRUE;
    }

  expected = describe_types (type);
  return INVALID (path, "expected %s, got %s", expected, instance_type_name (instance));
}

static gboolean
validate_number (JsonObject  *schema,
                 JsonNode    *instance,
                 const char  *path,
                 GError     **error)
{
  double value = json_node_get_double (instance);
  JsonNode *min = json_object_get_member (schema, "minimum");
  JsonNode *max = json_object_get_member (schema, "maximum");
  JsonNode *xmin = json_object_get_member (schema, "exclusiveMinimum");
  JsonNode *xmax = json_object_get_member (schema, "exclusiveMaximum");
  gboolean min_exclusive = xmin != NULL && is_boolean (xmin) && json_node_get_boolean (xmin);
  gboolean max_exclusive = xmax != NULL && is_boolean (xmax) && json_node_get_boolean (xmax);

  if (min != NULL)
    {
      double limit = json_node_get_double (min);

      if (min_exclusive ? value <= limit : value < limit)
        return INVALID (path, "expected a value %s %.17g, got %.17g",
                        min_exclusive ? "above" : "of at least", limit, value);
    }
  if (max != NULL)
    {
      double limit = json_node_get_double (max);

      if (max_exclusive ? value >= limit : value > limit)
        return INVALID (path, "expected a value %s %.17g, got %.17g",
                        max_exclusive ? "below" : "of at most", limit, value);
    }
  if (xmin != NULL && is_number (xmin) && value <= json_node_get_double (xmin))
    return INVALID (path, "expected a value above %.17g, got %.17g",
                    json_node_get_double (xmin), value);
  if (xmax != NULL && is_number (xmax) && value >= json_node_get_double (xmax))
    return INVALID (path, "expected a value below %.17g, got %.17g",
                    json_node_get_double (xmax), value);
  return TRUE;
}

static gboolean
validate_string (DaJsonSchema  *self,
                 JsonObject    *schema,
                 JsonNode      *instance,
                 const char    *path,
                 GError       **error)
{
  const char *text = json_node_get_string (instance);
  JsonNode *min = json_object_get_member (schema, "minLength");
  JsonNode *max = json_object_get_member (schema, "maxLength");
  JsonNode *pattern = json_object_get_member (schema, "pattern");
  double length = (double)g_utf8_strlen (text, -1);

  if (min != NULL && length < json_node_get_double (min))
    return INVALID (path, "expected at least %.0f characters, got %.0f",
                    json_node_get_double (min), length);
  if (max != NULL && length > json_node_get_double (max))
    return INVALID (path, "expected at most %.0f characters, got %.0f",
                    json_node_get_double (max), length);
  if (pattern != NULL)
    {
      GRegex *regex = g_hash_table_lookup (self->regexes, json_node_get_string (pattern));

      g_assert (regex != NULL);
      if (!g_regex_match (regex, text, (GRegexMatchFlags)0, NULL))
        {
          g_autofree char *shown = da_escape_for_display (json_node_get_string (pattern), -1);
          return INVALID (path, "does not match the pattern %s", shown);
        }
    }
  return TRUE;
}

static gboolean
validate_array (DaJsonSchema  *self,
                JsonObject    *schema,
                JsonNode      *instance,
                const char    *path,
                GError       **error)
{
  JsonArray *array = json_node_get_array (instance);
  guint n = json_array_get_length (array);
  JsonNode *items = json_object_get_member (schema, "items");
  JsonNode *min = json_object_get_member (schema, "minItems");
  JsonNode *max = json_object_get_member (schema, "maxItems");

  if (min != NULL && n < json_node_get_double (min))
    return INVALID (path, "expected at least %.0f items, got %u", json_node_get_double (min), n);
  if (max != NULL && n > json_node_get_double (max))
    return INVALID (path, "expected at most %.0f items, got %u", json_node_get_double (max), n);

  if (items != NULL)
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *sub = index_path (path, i);

        if (!validate (self, items, json_array_get_element (array, i), sub, error))
          return FALSE;
      }
  return TRUE;
}

static gboolean
validate_object (DaJsonSchema  *self,
                 JsonObject    *schema,
                 JsonNode      *instance,
                 const char    *path,
                 GError       **error)
{
  JsonObject *object = json_node_get_object (instance);
  JsonNode *required = json_object_get_member (schema, "required");
  JsonNode *properties = json_object_get_member (schema, "properties");
  JsonNode *additional = json_object_get_member (schema, "additionalProperties");
  JsonObject *props = properties ? json_node_get_object (properties) : NULL;
  g_autoptr(GList) members = json_object_get_members (object);

  if (required != NULL)
    {
      JsonArray *names = json_node_get_array (required);

      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          const char *name = json_array_get_string_element (names, i);

          if (!json_object_has_member (object, name))
            {
              g_autofree char *sub = _da_json_schema_member_path (path, name);
              return INVALID (sub, "required property is missing");
            }
        }
    }

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (object, name);
      g_autofree char *sub = _da_json_schema_member_path (path, name);
      JsonNode *prop_schema = props ? json_object_get_member (props, name) : NULL;

      if (prop_schema != NULL)
        {
          if (!validate (self, prop_schema, value, sub, error))
            return FALSE;
        }
      else if (additional != NULL)
        {
          if (is_boolean (additional) && !json_node_get_boolean (additional))
            return INVALID (sub, "unexpected property");
          if (!validate (self, additional, value, sub, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_combinators (DaJsonSchema  *self,
                      JsonObject    *schema,
                      JsonNode      *instance,
                      const char    *path,
                      GError       **error)
{
  JsonNode *all = json_object_get_member (schema, "allOf");
  JsonNode *any = json_object_get_member (schema, "anyOf");
  JsonNode *one = json_object_get_member (schema, "oneOf");

  if (all != NULL)
    {
      JsonArray *list = json_node_get_array (all);

      for (guint i = 0; i < json_array_get_length (list); i++)
        if (!validate (self, json_array_get_element (list, i), instance, path, error))
          return FALSE;
    }

  if (any != NULL)
    {
      JsonArray *list = json_node_get_array (any);
      gboolean matched = FALSE;

      for (guint i = 0; !matched && i < json_array_get_length (list); i++)
        matched = validate (self, json_array_get_element (list, i), instance, path, NULL);
      if (!matched)
        return INVALID (path, "matches none of the schemas in anyOf");
    }

  if (one != NULL)
    {
      JsonArray *list = json_node_get_array (one);
      guint matches = 0;

      for (guint i = 0; i < json_array_get_length (list); i++)
        if (validate (self, json_array_get_element (list, i), instance, path, NULL))
          matches++;
      if (matches != 1)
        return INVALID (path, "matches %u of the schemas in oneOf, expected exactly one", matches);
    }

  return TRUE;
}

static gboolean
validate (DaJsonSchema  *self,
          JsonNode      *schema_node,
          JsonNode      *instance,
          const char    *path,
          GError       **error)
{
  JsonObject *schema;
  JsonNode *type, *enum_node, *const_node;

  if (is_boolean (schema_node))
    return json_node_get_boolean (schema_node) ? TRUE : INVALID (path, "no value is allowed here");

  schema = json_node_get_object (schema_node);

  type = json_object_get_member (schema, "type");
  if (type != NULL && !validate_type (type, instance, path, error))
    return FALSE;

  enum_node = json_object_get_member (schema, "enum");
  if (enum_node != NULL)
    {
      JsonArray *list = json_node_get_array (enum_node);
      gboolean found = FALSE;

      for (guint i = 0; !found && i < json_array_get_length (list); i++)
        found = json_equal (json_array_get_element (list, i), instance);
      if (!found)
        {
          g_autofree char *allowed = json_to_string (enum_node, FALSE);
          g_autofree char *shown = da_escape_for_display (allowed, -1);
          return INVALID (path, "expected one of %s", shown);
        }
    }

  const_node = json_object_get_member (schema, "const");
  if (const_node != NULL && !json_equal (const_node, instance))
    {
      g_autofree char *expected = json_to_string (const_node, FALSE);
      g_autofree char *shown = da_escape_for_display (expected, -1);
      return INVALID (path, "expected %s", shown);
    }

  if (is_number (instance) && !validate_number (schema, instance, path, error))
    return FALSE;
  if (is_string (instance) && !validate_string (self, schema, instance, path, error))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (instance) && !validate_array (self, schema, instance, path, error))
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (instance) && !validate_object (self, schema, instance, path, error))
    return FALSE;

  return validate_combinators (self, schema, instance, path, error);
}

/**
 * da_json_schema_validate:
 *
 * Returns: %TRUE when @instance satisfies the schema; otherwise %FALSE with
 *   %DA_JSON_SCHEMA_ERROR_INVALID, whose message names the JSON path of the
 *   first violation ("$.path: expected string, got number")
 */
gboolean
da_json_schema_validate (DaJsonSchema  *self,
                         JsonNode      *instance,
                         GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (instance != NULL, FALSE);

  return validate (self, self->root, instance, "$", error);
}

static JsonNode *
parse_buffer (const char  *data,
              gsize        len,
              int          code,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, DA_JSON_SCHEMA_ERROR, code, "$: not JSON text (contains a NUL byte)");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, DA_JSON_SCHEMA_ERROR, code, "$: not JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, DA_JSON_SCHEMA_ERROR, code, "$: empty document");
      return NULL;
    }
  return json_node_ref (root);
}

DaJsonSchema *
_da_json_schema_parse (const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(JsonNode) root = parse_buffer (data, len, DA_JSON_SCHEMA_ERROR_BAD_SCHEMA, error);

  if (root == NULL)
    return NULL;
  return da_json_schema_new (root, error);
}

/* Tool arguments arrive as JSON text written by a model. */
gboolean
_da_json_schema_validate_data (DaJsonSchema  *self,
                               const char    *data,
                               gsize          len,
                               GError       **error)
{
  g_autoptr(JsonNode) root = parse_buffer (data, len, DA_JSON_SCHEMA_ERROR_INVALID, error);

  if (root == NULL)
    return FALSE;
  return da_json_schema_validate (self, root, error);
}
