/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-llm-error.h"
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

static void
add_tool_calls (JsonBuilder *builder,
                GPtrArray   *calls)
{
  json_builder_set_member_name (builder, "tool_calls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, call->id);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "function");
      json_builder_set_member_name (builder, "function");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, call->name);
      json_builder_set_member_name (builder, "arguments");
      json_builder_add_string_value (builder, call->arguments);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_message (JsonBuilder *builder,
             DaMessage   *message)
{
  DaRole role = da_message_get_role (message);
  GPtrArray *calls = da_message_get_tool_calls (message);
  const char *content = da_message_get_content (message);
  gboolean has_calls = role == DA_ROLE_ASSISTANT && calls->len > 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, da_role_to_string (role));

  json_builder_set_member_name (builder, "content");
  if (has_calls && (content == NULL || *content == '\0'))
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, content != NULL ? content : "");

  if (role == DA_ROLE_USER || role == DA_ROLE_ASSISTANT)
    {
      g_autofree char *name = _da_openai_sanitize_name (da_message_get_sender (message));

      if (name != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, name);
        }
    }

  if (has_calls)
    add_tool_calls (builder, calls);

  if (role == DA_ROLE_TOOL)
    {
      json_builder_set_member_name (builder, "tool_call_id");
      json_builder_add_string_value (builder, da_message_get_tool_call_id (message) ?: "");
    }

  json_builder_end_object (builder);
}

/**
 * _da_openai_build_request:
 * @model: (nullable): the model when @request names none
 *
 * Returns: (transfer full): the body of a streamed Chat Completions
 *   request, or %NULL with %DA_LLM_ERROR_INVALID_REQUEST when no model
 *   is known
 */
JsonNode *
_da_openai_build_request (DaRequest   *request,
                          const char  *model,
                          GError     **error)
{
  g_autoptr(JsonBuilder) builder = NULL;

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

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->messages->len; i++)
    add_message (builder, g_ptr_array_index (request->messages, i));
  json_builder_end_array (builder);

  if (request->tools != NULL && json_array_get_length (json_node_get_array (request->tools)) > 0)
    {
      json_builder_set_member_name (builder, "tools");
      json_builder_add_value (builder, json_node_copy (request->tools));
    }

  if (request->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, request->temperature);
    }

  if (request->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, request->max_tokens);
    }

  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "stream_options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "include_usage");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
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
