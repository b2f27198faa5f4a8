/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-message-private.h"
#include "da-openai-body-private.h"

#define MAX_NAME_LEN 64

/**
 * _da_openai_sanitize_name:
 * @sender: (nullable): an agent or person name
 *
 * Returns: (transfer full) (nullable): @sender reduced to what the API
 *   accepts as a participant name, [a-zA-Z0-9_-]{1,64}, or %NULL when
 *   nothing is left
 */
char *
_da_openai_sanitize_name (const char *sender)
{
  GString *name;

  if (sender == NULL || *sender == '\0')
    return NULL;

  name = g_string_new (NULL);
  for (const char *p = sender; *p != '\0' && name->len < MAX_NAME_LEN; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c) || c == '_' || c == '-')
        g_string_append_c (name, c);
      else if ((guchar)c < 0x80 || ((guchar)c & 0xC0) == 0xC0)
        g_string_append_c (name, '_');   /* one '_' per character, not per byte */
    }

  if (name->len == 0)
    {
      g_string_free (name, TRUE);
      return NULL;
    }
  return g_string_free (name, FALSE);
}

/* Appends @str as a JSON string the way json-glib writes it, so that
 * bodies are byte for byte what they were when a JsonBuilder made them:
 * '"' and '\\' escaped, \b \f \n \r \t by name, the other controls and
 * DEL as \u00xx, everything else (UTF-8 included) as is. The one
 * difference: json-glib leaves U+001F raw, which is not valid JSON. */
static void
append_string (GString    *out,
               const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;
      const char *escape;
      char hex[8];

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      switch (c)
        {
        case '"':  escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          g_snprintf (hex, sizeof hex, "\\u00%02x", c);
          escape = hex;
          break;
        }
      g_string_append_len (out, run, p - run);
      g_string_append (out, escape);
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_member (GString    *out,
               const char *name,
               const char *value)
{
  g_string_append_c (out, ',');
  append_string (out, name);
  g_string_append_c (out, ':');
  append_string (out, value);
}

static void
append_tool_calls (GString   *out,
                   GPtrArray *calls)
{
  g_string_append (out, ",\"tool_calls\":[");
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      append_string (out, call->id != NULL ? call->id : "");
      g_string_append (out, ",\"type\":\"function\",\"function\":{\"name\":");
      append_string (out, call->name != NULL ? call->name : "");
      append_member (out, "arguments", call->arguments != NULL ? call->arguments : "");
      g_string_append (out, "}}");
    }
  g_string_append_c (out, ']');
}

/**
 * _da_openai_encode_message:
 * @role: the role @message is sent in
 * @len: (out): the length of the result
 *
 * Returns: (transfer full): @message as an element of "messages"
 */
char *
_da_openai_encode_message (DaMessage *message,
                           DaRole     role,
                           gsize     *len)
{
  GPtrArray *calls = da_message_get_tool_calls (message);
  const char *content = da_message_get_content (message);
  gboolean has_calls = role == DA_ROLE_ASSISTANT && calls->len > 0;
  GString *out = g_string_sized_new (64 + strlen (content));

  g_string_append (out, "{\"role\":");
  append_string (out, da_role_to_string (role));

  g_string_append (out, ",\"content\":");
  if (has_calls && *content == '\0')
    g_string_append (out, "null");
  else
    append_string (out, content);

  if (role == DA_ROLE_USER || role == DA_ROLE_ASSISTANT)
    {
      g_autofree char *name = _da_openai_sanitize_name (da_message_get_sender (message));

      if (name != NULL)
        append_member (out, "name", name);
    }

  if (has_calls)
    append_tool_calls (out, calls);

  if (role == DA_ROLE_TOOL)
    append_member (out, "tool_call_id", da_message_get_tool_call_id (message) ?: "");

  g_string_append_c (out, '}');

  *len = out->len;
  return g_string_free (out, FALSE);
}

/**
 * _da_openai_build_request:
 * @model: (nullable): the model when @request names none
 *
 * The body is put together from each message's encoded form, which the
 * message keeps, rather than re-encoding the whole history every call.
 *
 * Returns: (transfer full): the JSON body of a streamed Chat Completions
 *   request, or %NULL with %DA_LLM_ERROR_INVALID_REQUEST when no model
 *   is known
 */
GBytes *
_da_openai_build_request (DaRequest   *request,
                          const char  *model,
                          GError     **error)
{
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->model != NULL && *request->model != '\0')
    model = request->model;
  if (model == NULL || *model == '\0')
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_INVALID_REQUEST, 0, -1,
                                           "no model is set for this provider"));
      return NULL;
    }

  /* Room for a typical history; the string grows by doubling beyond. */
  out = g_string_sized_new (256 + 128 * request->messages->len);
  g_string_append (out, "{\"model\":");
  append_string (out, model);

  g_string_append (out, ",\"messages\":[");
  for (guint i = 0; i < request->messages->len; i++)
    {
      gsize len;
      const char *encoded = _da_message_get_encoded (g_ptr_array_index (request->messages, i),
                                                     da_request_get_role (request, i),
                                                     _da_openai_encode_message, &len);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_len (out, encoded, len);
    }
  g_string_append_c (out, ']');

  if (request->tools != NULL && json_array_get_length (json_node_get_array (request->tools)) > 0)
    {
      g_autofree char *tools = json_to_string (request->tools, FALSE);

      g_string_append (out, ",\"tools\":");
      g_string_append (out, tools);
    }

  if (request->temperature >= 0)
    {
      g_autoptr(JsonNode) value = json_node_init_double (json_node_alloc (), request->temperature);
      g_autofree char *text = json_to_string (value, FALSE);

      g_string_append (out, ",\"temperature\":");
      g_string_append (out, text);
    }

  if (request->max_tokens > 0)
    g_string_append_printf (out, ",\"max_tokens\":%" G_GINT64_FORMAT, request->max_tokens);

  g_string_append (out, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

  return g_string_free_to_bytes (out);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/**
 * _da_openai_parse_models:
 *
 * Reads the reply of GET /models: {"data": [{"id": …}, …]}.
 *
 * Returns: (transfer full): the ids, sorted, or %NULL with
 *   %DA_LLM_ERROR_BAD_RESPONSE
 */
GStrv
_da_openai_parse_models (const char  *data,
                         gsize        len,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  JsonNode *root;
  JsonNode *list;
  JsonArray *array;

  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the model list: %s",
                                           local_error ? local_error->message : "too large"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  list = (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
           ? json_object_get_member (json_node_get_object (root), "data") : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "the model list has no \"data\" array"));
      return NULL;
    }

  array = json_node_get_array (list);
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonNode *id_node;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      id_node = json_object_get_member (json_node_get_object (item), "id");
      if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node) ||
          json_node_get_value_type (id_node) != G_TYPE_STRING)
        continue;
      id = json_node_get_string (id_node);
      if (id != NULL && *id != '\0')
        g_ptr_array_add (ids, g_strdup (id));
    }

  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);

  return (GStrv)g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}
