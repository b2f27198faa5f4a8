/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-store-error.h"
#include "da-store-private.h"

#define MIN_PREFIX_CHARS 3

typedef struct
{
  GString  *text;
  gboolean  phrase;
  gboolean  closed;
} Term;

static gboolean
has_word_character (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_isalnum (c) || type == G_UNICODE_PRIVATE_USE)
        return TRUE;
    }
  return FALSE;
}

static void
term_clear (Term *term)
{
  if (term->text != NULL)
    g_string_free (term->text, TRUE);
}

/**
 * _da_store_build_fts_query:
 * @text: what a person typed into a search field
 *
 * Turns typed text into an FTS5 query that cannot be a syntax error:
 * every word and "quoted phrase" becomes an FTS5 string (all of them must
 * match), operators and punctuation lose their meaning, and the last word
 * matches as a prefix while it is still being typed, once it has
 * MIN_PREFIX_CHARS characters (a one-letter prefix would merge a large
 * part of the index).
 *
 * Returns: (transfer full) (nullable): the query, or %NULL when @text holds
 *   nothing to search for
 */
char *
_da_store_build_fts_query (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr(GArray) terms = NULL;
  g_autoptr(GString) query = NULL;
  Term current = { NULL, FALSE, FALSE };
  gboolean trailing_space = FALSE;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_array_set_clear_func (terms, (GDestroyNotify)term_clear);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      trailing_space = FALSE;

      if (c == '"')
        {
          if (current.phrase)
            {
              current.closed = TRUE;
              g_array_append_val (terms, current);
              current = (Term) { NULL, FALSE, FALSE };
            }
          else
            {
              if (current.text != NULL)
                g_array_append_val (terms, current);
              current = (Term) { g_string_new (NULL), TRUE, FALSE };
            }
          continue;
        }

      if (g_unichar_isspace (c) && !current.phrase)
        {
          if (current.text != NULL)
            g_array_append_val (terms, current);
          current = (Term) { NULL, FALSE, FALSE };
          trailing_space = TRUE;
          continue;
        }

      if (current.text == NULL)
        current.text = g_string_new (NULL);
      g_string_append_unichar (current.text, g_unichar_isspace (c) ? ' ' : c);
    }

  if (current.text != NULL)
    g_array_append_val (terms, current);

  query = g_string_new (NULL);
  for (guint i = 0; i < terms->len; i++)
    {
      const Term *term = &g_array_index (terms, Term, i);
      gboolean last = i == terms->len - 1;

      if (!has_word_character (term->text->str))
        continue;

      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *p = term->text->str; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *p);
        }
      g_string_append_c (query, '"');

      if (last && !term->closed && !trailing_space &&
          g_utf8_strlen (term->text->str, -1) >= MIN_PREFIX_CHARS)
        g_string_append_c (query, '*');
    }

  if (query->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&query), FALSE);
}

static void
append_escaped (GString    *out,
                const char *text,
                gssize      len)
{
  g_autofree char *escaped = g_markup_escape_text (text, len);

  g_string_append (out, escaped);
}

/**
 * _da_store_parse_snippet:
 * @marked: snippet text with DA_STORE_SNIPPET_OPEN / _CLOSE around matches
 * @plain: (out): the text without the marks
 * @markup: (out): Pango markup with the matches in bold
 */
void
_da_store_parse_snippet (const char  *marked,
                         char       **plain,
                         char       **markup)
{
  g_autofree char *valid = g_utf8_make_valid (marked ? marked : "", -1);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) rich = g_string_new (NULL);
  const char *p = valid;
  gboolean bold = FALSE;

  while (*p != '\0')
    {
      const char *open = strstr (p, DA_STORE_SNIPPET_OPEN);
      const char *close = strstr (p, DA_STORE_SNIPPET_CLOSE);
      const char *mark = open;

      if (mark == NULL || (close != NULL && close < mark))
        mark = close;
      if (mark == NULL)
        {
          g_string_append (text, p);
          append_escaped (rich, p, -1);
          break;
        }

      g_string_append_len (text, p, mark - p);
      append_escaped (rich, p, mark - p);

      if (mark == open && !bold)
        {
          g_string_append (rich, "<b>");
          bold = TRUE;
        }
      else if (mark == close && bold)
        {
          g_string_append (rich, "</b>");
          bold = FALSE;
        }

      p = mark + strlen (DA_STORE_SNIPPET_OPEN);
    }

  if (bold)
    g_string_append (rich, "</b>");

  *plain = g_string_free (g_steal_pointer (&text), FALSE);
  *markup = g_string_free (g_steal_pointer (&rich), FALSE);
}

char *
_da_store_tool_calls_to_json (GPtrArray *tool_calls)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < tool_calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (tool_calls, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, call->id ? call->id : "");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, call->name ? call->name : "");
      json_builder_set_member_name (builder, "arguments");
      json_builder_add_string_value (builder, call->arguments ? call->arguments : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * _da_store_tool_calls_from_json:
 * @json: the tool_calls column: `[{"id", "name", "arguments"}, …]`
 *
 * Returns: (transfer full) (element-type DaToolCall): the calls, or %NULL
 *   with %DA_STORE_ERROR_CORRUPT
 */
GPtrArray *
_da_store_tool_calls_from_json (const char  *json,
                                gssize       length,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify)da_tool_call_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                   "Stored tool calls are not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                   "Stored tool calls are not a JSON array");
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      const char *id, *name, *arguments;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                       "Stored tool call %u is not a JSON object", i);
          return NULL;
        }

      object = json_node_get_object (element);
      id = member_string (object, "id");
      name = member_string (object, "name");
      arguments = member_string (object, "arguments");
      if (id == NULL || name == NULL || arguments == NULL)
        {
          g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_CORRUPT,
                       "Stored tool call %u lacks a string id, name or arguments", i);
          return NULL;
        }

      g_ptr_array_add (calls, da_tool_call_new (id, name, arguments));
    }

  return g_steal_pointer (&calls);
}
