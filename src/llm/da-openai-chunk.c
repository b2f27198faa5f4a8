/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-llm-error.h"
#include "da-openai-chunk-private.h"

static void
tool_fragment_free (gpointer data)
{
  DaOpenaiToolFragment *fragment = data;

  g_free (fragment->id);
  g_free (fragment->name);
  g_free (fragment->arguments);
  g_free (fragment);
}

void
_da_openai_chunk_clear (DaOpenaiChunk *chunk)
{
  g_clear_pointer (&chunk->content, g_free);
  g_clear_pointer (&chunk->tool_fragments, g_ptr_array_unref);
  g_clear_pointer (&chunk->finish_reason, g_free);
  g_clear_pointer (&chunk->error_message, g_free);
  g_clear_pointer (&chunk->error_type, g_free);
  g_clear_pointer (&chunk->error_code, g_free);
  chunk->has_usage = FALSE;
  chunk->has_error = FALSE;
  chunk->prompt_tokens = 0;
  chunk->completion_tokens = 0;
}

/* The member as a string, or NULL when it is absent, null or not a
 * string. Numbers are accepted too for the few servers that send codes
 * as integers. */
static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return MAX (0, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64)CLAMP (json_node_get_double (node), 0.0, (double)G_MAXINT32);
  return 0;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static void
parse_error (JsonObject    *root,
             DaOpenaiChunk *chunk)
{
  JsonNode *node = json_object_get_member (root, "error");
  JsonObject *error;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  chunk->has_error = TRUE;

  /* Some servers send {"error": "text"}. */
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      chunk->error_message = dup_string_member (root, "error");
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  error = json_node_get_object (node);
  chunk->error_message = dup_string_member (error, "message");
  chunk->error_type = dup_string_member (error, "type");
  chunk->error_code = dup_string_member (error, "code");
}

static void
parse_tool_calls (JsonArray     *calls,
                  DaOpenaiChunk *chunk)
{
  guint n = json_array_get_length (calls);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (calls, i);
      JsonObject *call;
      JsonObject *function;
      JsonNode *index;
      DaOpenaiToolFragment *fragment;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      call = json_node_get_object (node);

      fragment = g_new0 (DaOpenaiToolFragment, 1);
      /* A missing index means the server sends whole calls in order. */
      index = json_object_get_member (call, "index");
      if (index != NULL && JSON_NODE_HOLDS_VALUE (index) &&
          json_node_get_value_type (index) == G_TYPE_INT64)
        fragment->index = (guint)CLAMP (json_node_get_int (index), 0, G_MAXUINT16);
      else
        fragment->index = i;
      fragment->id = dup_string_member (call, "id");

      function = object_member (call, "function");
      if (function != NULL)
        {
          fragment->name = dup_string_member (function, "name");
          fragment->arguments = dup_string_member (function, "arguments");
        }

      if (chunk->tool_fragments == NULL)
        chunk->tool_fragments = g_ptr_array_new_with_free_func (tool_fragment_free);
      g_ptr_array_add (chunk->tool_fragments, fragment);
    }
}

static void
parse_choice (JsonObject    *choice,
              DaOpenaiChunk *chunk)
{
  JsonObject *delta = object_member (choice, "delta");

  chunk->finish_reason = dup_string_member (choice, "finish_reason");

  if (delta != NULL)
    {
      JsonArray *calls = array_member (delta, "tool_calls");

      chunk->content = dup_string_member (delta, "content");
      if (calls != NULL)
        parse_tool_calls (calls, chunk);
    }
}

/**
 * _da_openai_chunk_parse:
 * @data: (array length=len): one `data:` payload of the event stream
 * @chunk: (out caller-allocates): zero-initialised; clear it after use
 *
 * Reads a chat.completion.chunk: the first choice's text and tool-call
 * fragments and finish reason, the usage (on the last chunk, whose
 * choices are empty) and an error object if the server sent one instead.
 * Unknown members are ignored.
 *
 * Returns: %FALSE with a %DA_LLM_ERROR_BAD_RESPONSE error when @data is
 *   not a JSON object
 */
gboolean
_da_openai_chunk_parse (const char     *data,
                        gsize           len,
                        DaOpenaiChunk  *chunk,
                        GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonObject *usage;
  JsonArray *choices;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (chunk != NULL, FALSE);

  if (len > G_MAXSSIZE || !g_utf8_validate (data, len, NULL))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: not UTF-8"));
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: %s",
                                           local_error->message));
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: not an object"));
      return FALSE;
    }
  object = json_node_get_object (root);

  parse_error (object, chunk);

  choices = array_member (object, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0)
    {
      JsonNode *first = json_array_get_element (choices, 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        parse_choice (json_node_get_object (first), chunk);
    }

  usage = object_member (object, "usage");
  if (usage != NULL)
    {
      chunk->has_usage = TRUE;
      chunk->prompt_tokens = int_member (usage, "prompt_tokens");
      chunk->completion_tokens = int_member (usage, "completion_tokens");
    }

  return TRUE;
}
