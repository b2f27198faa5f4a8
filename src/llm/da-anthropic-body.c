/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

/* Our conversation in the Messages API's shape:
 *   - system messages become the top-level "system" text;
 *   - user and assistant messages alternate: consecutive messages of the
 *     same role are joined into one turn of content blocks;
 *   - an assistant's tool calls are tool_use blocks whose "input" is the
 *     arguments object;
 *   - tool results are tool_result blocks of the next user turn, ahead of
 *     any text in it. A result whose call is not in the assistant turn
 *     before it (another agent's call in a group chat) would be refused:
 *     it goes as text instead.
 */

#include "config.h"

#include "da-anthropic-body-private.h"
#include "da-anthropic-event-private.h"
#include "da-llm-error.h"

typedef struct
{
  const char *role;
  JsonArray  *results;   /* tool_result blocks, which must come first */
  JsonArray  *blocks;
  GPtrArray  *tool_ids;  /* of an assistant turn */
} Turn;

static void
turn_free (Turn *turn)
{
  g_clear_pointer (&turn->results, json_array_unref);
  g_clear_pointer (&turn->blocks, json_array_unref);
  g_clear_pointer (&turn->tool_ids, g_ptr_array_unref);
  g_free (turn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Turn, turn_free)

static Turn *
turn_new (const char *role)
{
  Turn *turn = g_new0 (Turn, 1);

  turn->role = role;
  turn->results = json_array_new ();
  turn->blocks = json_array_new ();
  turn->tool_ids = g_ptr_array_new_with_free_func (g_free);
  return turn;
}

static void
add_text_block (JsonArray  *blocks,
                const char *text)
{
  JsonObject *block;

  /* The API refuses empty text blocks. */
  if (text == NULL || *text == '\0')
    return;

  block = json_object_new ();
  json_object_set_string_member (block, "type", "text");
  json_object_set_string_member (block, "text", text);
  json_array_add_object_element (blocks, block);
}

/* The arguments as the object "input" must be; text that is not a JSON
 * object (a model's broken call) becomes {}. */
static JsonNode *
tool_input (const char *arguments)
{
  g_autoptr(JsonNode) parsed = NULL;

  if (arguments != NULL && *arguments != '\0')
    parsed = json_from_string (arguments, NULL);
  if (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed))
    return g_steal_pointer (&parsed);
  return json_node_init_object (json_node_alloc (), json_object_new ());
}

static void
add_tool_uses (Turn      *turn,
               GPtrArray *calls)
{
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);
      JsonObject *block = json_object_new ();

      json_object_set_string_member (block, "type", "tool_use");
      json_object_set_string_member (block, "id", call->id != NULL ? call->id : "");
      json_object_set_string_member (block, "name", call->name != NULL ? call->name : "");
      json_object_set_member (block, "input", tool_input (call->arguments));
      json_array_add_object_element (turn->blocks, block);
      g_ptr_array_add (turn->tool_ids, g_strdup (call->id != NULL ? call->id : ""));
    }
}

static void
add_tool_result (Turn      *turn,
                 DaMessage *message)
{
  JsonObject *block = json_object_new ();

  json_object_set_string_member (block, "type", "tool_result");
  json_object_set_string_member (block, "tool_use_id", da_message_get_tool_call_id (message));
  json_object_set_string_member (block, "content", da_message_get_content (message) ?: "");
  /* The toolbox leaves an error message on the result of a failed call. */
  if (da_message_get_state (message) == DA_MESSAGE_STATE_ERROR ||
      da_message_get_error_message (message) != NULL)
    json_object_set_boolean_member (block, "is_error", TRUE);
  json_array_add_object_element (turn->results, block);
}

static gboolean
answers_call (Turn       *previous,
              const char *tool_call_id)
{
  if (previous == NULL || tool_call_id == NULL || !g_str_equal (previous->role, "assistant"))
    return FALSE;
  for (guint i = 0; i < previous->tool_ids->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (previous->tool_ids, i), tool_call_id))
        return TRUE;
    }
  return FALSE;
}

static JsonNode *
turn_to_json (Turn *turn)
{
  JsonObject *object = json_object_new ();
  guint n_results = json_array_get_length (turn->results);
  guint n_blocks = json_array_get_length (turn->blocks);

  json_object_set_string_member (object, "role", turn->role);

  if (n_results == 0 && n_blocks == 1 &&
      g_strcmp0 (json_object_get_string_member (json_array_get_object_element (turn->blocks, 0), "type"),
                 "text") == 0)
    {
      json_object_set_string_member (object, "content",
                                     json_object_get_string_member (json_array_get_object_element (turn->blocks, 0),
                                                                    "text"));
    }
  else
    {
      JsonArray *content = json_array_sized_new (n_results + n_blocks);

      for (guint i = 0; i < n_results; i++)
        json_array_add_element (content, json_array_dup_element (turn->results, i));
      for (guint i = 0; i < n_blocks; i++)
        json_array_add_element (content, json_array_dup_element (turn->blocks, i));
      json_object_set_array_member (object, "content", content);
    }

  return json_node_init_object (json_node_alloc (), object);
}

static void
add_messages (JsonBuilder *builder,
              DaRequest   *request)
{
  g_autoptr(GPtrArray) turns = g_ptr_array_new_with_free_func ((GDestroyNotify)turn_free);

  for (guint i = 0; i < request->messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (request->messages, i);
      DaRole role = da_request_get_role (request, i);
      const char *name = role == DA_ROLE_ASSISTANT ? "assistant" : "user";
      Turn *last = turns->len > 0 ? g_ptr_array_index (turns, turns->len - 1) : NULL;
      Turn *before = turns->len > 1 ? g_ptr_array_index (turns, turns->len - 2) : NULL;
      Turn *turn;

      if (role == DA_ROLE_SYSTEM)
        continue;

      if (last != NULL && g_str_equal (last->role, name))
        {
          turn = last;
        }
      else
        {
          before = last;
          turn = turn_new (name);
          g_ptr_array_add (turns, turn);
        }

      if (role == DA_ROLE_TOOL)
        {
          if (answers_call (before, da_message_get_tool_call_id (message)))
            add_tool_result (turn, message);
          else
            add_text_block (turn->blocks, da_message_get_content (message));
        }
      else
        {
          add_text_block (turn->blocks, da_message_get_content (message));
          if (role == DA_ROLE_ASSISTANT)
            add_tool_uses (turn, da_message_get_tool_calls (message));
        }
    }

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < turns->len; i++)
    {
      Turn *turn = g_ptr_array_index (turns, i);

      if (json_array_get_length (turn->results) + json_array_get_length (turn->blocks) == 0)
        continue;
      json_builder_add_value (builder, turn_to_json (turn));
    }
  json_builder_end_array (builder);
}

static void
add_system (JsonBuilder *builder,
            DaRequest   *request)
{
  g_autoptr(GString) system = NULL;

  for (guint i = 0; i < request->messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (request->messages, i);
      const char *content = da_message_get_content (message);

      if (da_request_get_role (request, i) != DA_ROLE_SYSTEM || content == NULL || *content == '\0')
        continue;
      if (system == NULL)
        system = g_string_new (content);
      else
        g_string_append_printf (system, "\n\n%s", content);
    }

  if (system != NULL)
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system->str);
    }
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* From the OpenAI "function" form of DaRequest:tools. */
static void
add_tools (JsonBuilder *builder,
           JsonArray   *tools)
{
  json_builder_set_member_name (builder, "tools");
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      JsonNode *node = json_array_get_element (tools, i);
      JsonNode *function_node;
      JsonObject *function;
      JsonNode *parameters;
      const char *description;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      function_node = json_object_get_member (json_node_get_object (node), "function");
      if (function_node == NULL || !JSON_NODE_HOLDS_OBJECT (function_node))
        continue;
      function = json_node_get_object (function_node);
      if (string_member (function, "name") == NULL)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, string_member (function, "name"));
      description = string_member (function, "description");
      if (description != NULL && *description != '\0')
        {
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, description);
        }
      json_builder_set_member_name (builder, "input_schema");
      parameters = json_object_get_member (function, "parameters");
      if (parameters != NULL && JSON_NODE_HOLDS_OBJECT (parameters))
        {
          json_builder_add_value (builder, json_node_copy (parameters));
        }
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "object");
          json_builder_set_member_name (builder, "properties");
          json_builder_begin_object (builder);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * _da_anthropic_build_request:
 * @model: (nullable): the model when @request names none
 *
 * Returns: (transfer full): the body of a streamed Messages request, or
 *   %NULL with %DA_LLM_ERROR_INVALID_REQUEST when no model is known
 */
JsonNode *
_da_anthropic_build_request (DaRequest   *request,
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

  /* Required by this API, unlike the others. */
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, request->max_tokens > 0 ? request->max_tokens
                                                               : DA_ANTHROPIC_DEFAULT_MAX_TOKENS);

  add_system (builder, request);
  add_messages (builder, request);

  if (request->tools != NULL && JSON_NODE_HOLDS_ARRAY (request->tools) &&
      json_array_get_length (json_node_get_array (request->tools)) > 0)
    add_tools (builder, json_node_get_array (request->tools));

  if (request->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, request->temperature);
    }

  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, TRUE);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * _da_anthropic_parse_error:
 * @data: (array length=len): an error body,
 *   {"type": "error", "error": {"type", "message"}}
 * @message: (out): the message, when given
 * @type: (out): error.type, when given
 * @code: (out): error.details.error_code, when given
 *
 * Returns: whether @data is such an error object
 */
gboolean
_da_anthropic_parse_error (const char  *data,
                           gsize        len,
                           char       **message,
                           char       **type,
                           char       **code)
{
  g_auto(DaAnthropicEvent) event = { 0 };

  if (!_da_anthropic_event_parse (NULL, data, len, &event, NULL) ||
      event.type != DA_ANTHROPIC_EVENT_ERROR)
    return FALSE;

  *message = g_steal_pointer (&event.error_message);
  *type = g_steal_pointer (&event.error_type);
  *code = g_steal_pointer (&event.error_code);
  return TRUE;
}
