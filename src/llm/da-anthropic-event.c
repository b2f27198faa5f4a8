/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-anthropic-event-private.h"
#include "da-llm-error.h"

static const struct
{
  const char           *name;
  DaAnthropicEventType  type;
} event_types[] = {
  { "ping", DA_ANTHROPIC_EVENT_PING },
  { "message_start", DA_ANTHROPIC_EVENT_MESSAGE_START },
  { "content_block_start", DA_ANTHROPIC_EVENT_BLOCK_START },
  { "content_block_delta", DA_ANTHROPIC_EVENT_BLOCK_DELTA },
  { "content_block_stop", DA_ANTHROPIC_EVENT_BLOCK_STOP },
  { "message_delta", DA_ANTHROPIC_EVENT_MESSAGE_DELTA },
  { "message_stop", DA_ANTHROPIC_EVENT_MESSAGE_STOP },
  { "error", DA_ANTHROPIC_EVENT_ERROR },
};

void
_da_anthropic_event_clear (DaAnthropicEvent *event)
{
  g_clear_pointer (&event->block_type, g_free);
  g_clear_pointer (&event->tool_id, g_free);
  g_clear_pointer (&event->tool_name, g_free);
  g_clear_pointer (&event->tool_input, g_free);
  g_clear_pointer (&event->delta_type, g_free);
  g_clear_pointer (&event->text, g_free);
  g_clear_pointer (&event->partial_json, g_free);
  g_clear_pointer (&event->stop_reason, g_free);
  g_clear_pointer (&event->error_type, g_free);
  g_clear_pointer (&event->error_message, g_free);
  g_clear_pointer (&event->error_code, g_free);
  event->type = DA_ANTHROPIC_EVENT_OTHER;
  event->index = 0;
  event->input_tokens = -1;
  event->output_tokens = -1;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* A count, or -1 when absent or not a number. */
static gint64
count_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return CLAMP (json_node_get_int (node), 0, G_MAXINT32);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64)CLAMP (json_node_get_double (node), 0.0, (double)G_MAXINT32);
  return -1;
}

static void
parse_usage (JsonObject       *usage,
             DaAnthropicEvent *event)
{
  gint64 input = count_member (usage, "input_tokens");
  gint64 created = count_member (usage, "cache_creation_input_tokens");
  gint64 read = count_member (usage, "cache_read_input_tokens");

  if (usage == NULL)
    return;

  /* The prompt as a whole: cached parts are billed apart but were read. */
  if (input >= 0)
    event->input_tokens = input + MAX (created, 0) + MAX (read, 0);
  event->output_tokens = count_member (usage, "output_tokens");
}

static void
parse_block_start (JsonObject       *root,
                   DaAnthropicEvent *event)
{
  JsonObject *block = object_member (root, "content_block");
  JsonNode *input;

  if (block == NULL)
    return;

  event->block_type = g_strdup (string_member (block, "type"));
  event->text = g_strdup (string_member (block, "text"));
  event->tool_id = g_strdup (string_member (block, "id"));
  event->tool_name = g_strdup (string_member (block, "name"));

  input = json_object_get_member (block, "input");
  if (input != NULL && JSON_NODE_HOLDS_OBJECT (input) &&
      json_object_get_size (json_node_get_object (input)) > 0)
    event->tool_input = json_to_string (input, FALSE);
}

static void
parse_block_delta (JsonObject       *root,
                   DaAnthropicEvent *event)
{
  JsonObject *delta = object_member (root, "delta");

  event->delta_type = g_strdup (string_member (delta, "type"));
  event->text = g_strdup (string_member (delta, "text"));
  event->partial_json = g_strdup (string_member (delta, "partial_json"));
}

static void
parse_error_object (JsonObject       *root,
                    DaAnthropicEvent *event)
{
  JsonNode *node = json_object_get_member (root, "error");
  JsonObject *error;

  /* Some proxies send {"error": "text"}. */
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      event->error_message = g_strdup (json_node_get_string (node));
      return;
    }

  error = object_member (root, "error");
  event->error_type = g_strdup (string_member (error, "type"));
  event->error_message = g_strdup (string_member (error, "message"));
  event->error_code = g_strdup (string_member (object_member (error, "details"), "error_code"));
}

/**
 * _da_anthropic_event_parse:
 * @event_name: (nullable): the SSE event name, used when the payload
 *   names no "type"
 * @data: (array length=len): one `data:` payload, or an error body
 * @event: (out caller-allocates): zero-initialised; clear it after use
 *
 * Reads one event of a streamed Messages reply. Unknown event and block
 * types are kept as %DA_ANTHROPIC_EVENT_OTHER or in @block_type /
 * @delta_type, for the caller to skip.
 *
 * Returns: %FALSE with %DA_LLM_ERROR_BAD_RESPONSE when @data is not a
 *   JSON object
 */
gboolean
_da_anthropic_event_parse (const char        *event_name,
                           const char        *data,
                           gsize              len,
                           DaAnthropicEvent  *event,
                           GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *index;
  const char *type;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  event->input_tokens = -1;
  event->output_tokens = -1;

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

  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: not an object"));
      return FALSE;
    }
  root = json_node_get_object (root_node);

  type = string_member (root, "type");
  if (type == NULL)
    type = json_object_has_member (root, "error") ? "error" : event_name;

  event->type = DA_ANTHROPIC_EVENT_OTHER;
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (event_types); i++)
    {
      if (g_str_equal (type, event_types[i].name))
        event->type = event_types[i].type;
    }

  index = json_object_get_member (root, "index");
  if (index != NULL && JSON_NODE_HOLDS_VALUE (index) &&
      json_node_get_value_type (index) == G_TYPE_INT64)
    event->index = (guint)CLAMP (json_node_get_int (index), 0, G_MAXUINT16);

  switch (event->type)
    {
    case DA_ANTHROPIC_EVENT_MESSAGE_START:
      parse_usage (object_member (object_member (root, "message"), "usage"), event);
      break;
    case DA_ANTHROPIC_EVENT_BLOCK_START:
      parse_block_start (root, event);
      break;
    case DA_ANTHROPIC_EVENT_BLOCK_DELTA:
      parse_block_delta (root, event);
      break;
    case DA_ANTHROPIC_EVENT_MESSAGE_DELTA:
      event->stop_reason = g_strdup (string_member (object_member (root, "delta"), "stop_reason"));
      parse_usage (object_member (root, "usage"), event);
      break;
    case DA_ANTHROPIC_EVENT_ERROR:
      parse_error_object (root, event);
      break;
    case DA_ANTHROPIC_EVENT_OTHER:
    case DA_ANTHROPIC_EVENT_PING:
    case DA_ANTHROPIC_EVENT_BLOCK_STOP:
    case DA_ANTHROPIC_EVENT_MESSAGE_STOP:
    default:
      break;
    }

  return TRUE;
}
