/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DA_ANTHROPIC_EVENT_OTHER,
  DA_ANTHROPIC_EVENT_PING,
  DA_ANTHROPIC_EVENT_MESSAGE_START,
  DA_ANTHROPIC_EVENT_BLOCK_START,
  DA_ANTHROPIC_EVENT_BLOCK_DELTA,
  DA_ANTHROPIC_EVENT_BLOCK_STOP,
  DA_ANTHROPIC_EVENT_MESSAGE_DELTA,
  DA_ANTHROPIC_EVENT_MESSAGE_STOP,
  DA_ANTHROPIC_EVENT_ERROR,
} DaAnthropicEventType;

/* The parts of one event of a streamed Messages reply (or of an error
 * body) that matter to us. Strings are %NULL when absent.
 *
 * @index: the content block of a block event
 * @block_type: content_block_start: "text", "tool_use", "thinking", …
 * @tool_id, @tool_name: content_block_start of a tool_use block
 * @tool_input: content_block_start of a tool_use block whose "input" is
 *   a non-empty object, as JSON text (streams send {} and the input in
 *   input_json_delta events)
 * @delta_type: content_block_delta: "text_delta", "input_json_delta", …
 * @text: the text of a text_delta, or the initial text of a text block
 * @partial_json: a piece of a tool input, to be concatenated
 * @stop_reason: message_delta
 * @input_tokens: message_start (or message_delta): input tokens
 *   including cache reads and writes, or -1
 * @output_tokens: message_start or message_delta, or -1
 * @error_type, @error_message: an "error" event or error body
 * @error_code: error.details.error_code, when the server gives one
 */
typedef struct
{
  DaAnthropicEventType type;
  guint                index;
  char                *block_type;
  char                *tool_id;
  char                *tool_name;
  char                *tool_input;
  char                *delta_type;
  char                *text;
  char                *partial_json;
  char                *stop_reason;
  gint64               input_tokens;
  gint64               output_tokens;
  char                *error_type;
  char                *error_message;
  char                *error_code;
} DaAnthropicEvent;

gboolean _da_anthropic_event_parse (const char        *event_name,
                                    const char        *data,
                                    gsize              len,
                                    DaAnthropicEvent  *event,
                                    GError           **error);
void     _da_anthropic_event_clear (DaAnthropicEvent  *event);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DaAnthropicEvent, _da_anthropic_event_clear)

G_END_DECLS
