/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-anthropic-event-private.h"
#include "da-anthropic-stream-private.h"
#include "da-llm-error.h"
#include "da-llm-http-private.h"
#include "da-sse-parser-private.h"

/* More parallel calls than this in one reply is not a real model. */
#define MAX_TOOL_CALLS 128

typedef struct
{
  guint    block;       /* the content block index */
  char    *id;
  char    *name;
  char    *start_input; /* a non-empty "input" given at the block start */
  GString *input;       /* the input_json_delta pieces */
} PendingCall;

struct _DaAnthropicStream
{
  DaMessage   *reply;
  DaProvider  *provider;
  DaSseParser *parser;
  GPtrArray   *calls;             /* of PendingCall, in block order */
  char        *stop_reason;
  gint64       input_tokens;
  gint64       output_tokens;
  guint        done : 1;
  guint        has_output : 1;
};

static void
pending_call_free (gpointer data)
{
  PendingCall *call = data;

  g_free (call->id);
  g_free (call->name);
  g_free (call->start_input);
  g_string_free (call->input, TRUE);
  g_free (call);
}

/* The position of the call of content block @block among the calls, or
 * -1: what the message's tool-call deltas are numbered by. */
static gint
find_call (DaAnthropicStream *self,
           guint              block)
{
  for (guint i = 0; i < self->calls->len; i++)
    {
      PendingCall *call = g_ptr_array_index (self->calls, i);

      if (call->block == block)
        return (gint)i;
    }
  return -1;
}

static GError *
payload_error (DaAnthropicStream *self,
               DaAnthropicEvent  *event)
{
  const char *message = event->error_message;
  const char *code = event->error_code != NULL ? event->error_code : event->error_type;
  g_autofree char *safe = _da_llm_redact (self->provider,
                                          message != NULL && *message != '\0'
                                            ? message : "no message");
  DaLlmError error_code = _da_llm_error_code_for_payload (event->error_type, event->error_code);

  if (code != NULL)
    {
      g_autofree char *safe_code = _da_llm_redact (self->provider, code);

      return da_llm_error_new (error_code, 0, -1, "the provider reported an error: %s (%s)",
                               safe, safe_code);
    }
  return da_llm_error_new (error_code, 0, -1, "the provider reported an error: %s", safe);
}

static gboolean
start_tool_block (DaAnthropicStream  *self,
                  DaAnthropicEvent   *event,
                  GError            **error)
{
  PendingCall *call;

  if (find_call (self, event->index) >= 0)
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "content block %u was started twice", event->index));
      return FALSE;
    }
  if (self->calls->len >= MAX_TOOL_CALLS)
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "the reply has more than %d tool calls",
                                           MAX_TOOL_CALLS));
      return FALSE;
    }

  call = g_new0 (PendingCall, 1);
  call->block = event->index;
  call->id = g_steal_pointer (&event->tool_id);
  call->name = g_steal_pointer (&event->tool_name);
  call->start_input = g_steal_pointer (&event->tool_input);
  call->input = g_string_new (NULL);
  g_ptr_array_add (self->calls, call);

  self->has_output = TRUE;
  da_message_emit_tool_call_delta (self->reply, self->calls->len - 1, call->id, call->name,
                                   call->start_input);
  return TRUE;
}

static gboolean
apply_delta (DaAnthropicStream  *self,
             DaAnthropicEvent   *event,
             GError            **error)
{
  if (g_strcmp0 (event->delta_type, "text_delta") == 0)
    {
      if (event->text != NULL && *event->text != '\0')
        {
          self->has_output = TRUE;
          da_message_append_text (self->reply, event->text, -1);
        }
    }
  else if (g_strcmp0 (event->delta_type, "input_json_delta") == 0)
    {
      gint position = find_call (self, event->index);
      PendingCall *call;

      if (position < 0)
        {
          g_propagate_error (error,
                             da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                               "tool input for content block %u, which is not a tool call",
                                               event->index));
          return FALSE;
        }
      call = g_ptr_array_index (self->calls, position);
      if (event->partial_json != NULL && *event->partial_json != '\0')
        {
          g_string_append (call->input, event->partial_json);
          self->has_output = TRUE;
          da_message_emit_tool_call_delta (self->reply, position, NULL, NULL, event->partial_json);
        }
    }
  /* Thinking, signatures and deltas of later API versions: not ours. */

  return TRUE;
}

static gboolean
on_event (const char  *event_name,
          const char  *data,
          gsize        data_len,
          const char  *id,
          gpointer     user_data,
          GError     **error)
{
  DaAnthropicStream *self = user_data;
  g_auto(DaAnthropicEvent) event = { 0 };

  if (self->done)
    return TRUE;

  if (!_da_anthropic_event_parse (event_name, data, data_len, &event, error))
    {
      /* A named error event may carry plain text. */
      if (g_str_equal (event_name, "error"))
        {
          g_clear_error (error);
          event.error_message = g_strndup (data, data_len);
          g_propagate_error (error, payload_error (self, &event));
        }
      return FALSE;
    }

  switch (event.type)
    {
    case DA_ANTHROPIC_EVENT_ERROR:
      g_propagate_error (error, payload_error (self, &event));
      return FALSE;

    case DA_ANTHROPIC_EVENT_MESSAGE_START:
      if (event.input_tokens >= 0)
        self->input_tokens = event.input_tokens;
      if (event.output_tokens >= 0)
        self->output_tokens = event.output_tokens;
      break;

    case DA_ANTHROPIC_EVENT_BLOCK_START:
      if (g_strcmp0 (event.block_type, "tool_use") == 0)
        return start_tool_block (self, &event, error);
      if (g_strcmp0 (event.block_type, "text") == 0 && event.text != NULL && *event.text != '\0')
        {
          self->has_output = TRUE;
          da_message_append_text (self->reply, event.text, -1);
        }
      break;

    case DA_ANTHROPIC_EVENT_BLOCK_DELTA:
      return apply_delta (self, &event, error);

    case DA_ANTHROPIC_EVENT_MESSAGE_DELTA:
      if (event.stop_reason != NULL)
        {
          g_free (self->stop_reason);
          self->stop_reason = g_steal_pointer (&event.stop_reason);
        }
      if (event.input_tokens >= 0)
        self->input_tokens = event.input_tokens;
      if (event.output_tokens >= 0)
        self->output_tokens = event.output_tokens;
      break;

    case DA_ANTHROPIC_EVENT_MESSAGE_STOP:
      self->done = TRUE;
      break;

    case DA_ANTHROPIC_EVENT_OTHER:
    case DA_ANTHROPIC_EVENT_PING:
    case DA_ANTHROPIC_EVENT_BLOCK_STOP:
    default:
      break;
    }

  return TRUE;
}

/**
 * _da_anthropic_stream_new:
 * @reply: the message to fill
 * @provider: (nullable): whose key to redact from error messages
 */
DaAnthropicStream *
_da_anthropic_stream_new (DaMessage  *reply,
                          DaProvider *provider)
{
  DaAnthropicStream *self;

  g_return_val_if_fail (DA_IS_MESSAGE (reply), NULL);

  self = g_new0 (DaAnthropicStream, 1);
  self->reply = g_object_ref (reply);
  self->provider = provider != NULL ? g_object_ref (provider) : NULL;
  self->parser = _da_sse_parser_new (on_event, self);
  self->calls = g_ptr_array_new_with_free_func (pending_call_free);
  self->input_tokens = -1;
  self->output_tokens = -1;

  return self;
}

void
_da_anthropic_stream_free (DaAnthropicStream *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->reply);
  g_clear_object (&self->provider);
  g_clear_pointer (&self->parser, _da_sse_parser_free);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->stop_reason, g_free);
  g_free (self);
}

/**
 * _da_anthropic_stream_feed:
 *
 * Passes the next bytes of the body; text and tool input reach the
 * message as they are decoded. Bytes after message_stop are ignored.
 *
 * Returns: %FALSE with a #DaLlmError on an invalid or error event
 */
gboolean
_da_anthropic_stream_feed (DaAnthropicStream  *self,
                           const char         *data,
                           gsize               len,
                           GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    return TRUE;
  return _da_sse_parser_feed (self->parser, data, len, error);
}

gboolean
_da_anthropic_stream_is_done (DaAnthropicStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->done;
}

gboolean
_da_anthropic_stream_has_output (DaAnthropicStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_output;
}

/**
 * _da_anthropic_finish_reason:
 * @stop_reason: (nullable): Anthropic's stop_reason
 *
 * Returns: (nullable): the finish reason in the words the rest of the
 *   application uses ("stop", "length", "tool_calls"); other reasons
 *   ("refusal", "pause_turn", …) as they are
 */
const char *
_da_anthropic_finish_reason (const char *stop_reason)
{
  if (g_strcmp0 (stop_reason, "end_turn") == 0 || g_strcmp0 (stop_reason, "stop_sequence") == 0)
    return "stop";
  if (g_strcmp0 (stop_reason, "max_tokens") == 0)
    return "length";
  if (g_strcmp0 (stop_reason, "tool_use") == 0)
    return "tool_calls";
  return stop_reason;
}

/**
 * _da_anthropic_stream_finish:
 *
 * Called when the body has ended. Adds the complete tool calls (in the
 * order of their blocks), the finish reason and the usage to the message.
 *
 * Returns: %FALSE with %DA_LLM_ERROR_CONNECTION if the stream ended
 *   before message_stop
 */
gboolean
_da_anthropic_stream_finish (DaAnthropicStream  *self,
                             GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!self->done)
    {
      _da_sse_parser_end (self->parser);
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_CONNECTION, 0, -1,
                                           "connection closed before the reply was complete"));
      return FALSE;
    }

  for (guint i = 0; i < self->calls->len; i++)
    {
      PendingCall *pending = g_ptr_array_index (self->calls, i);
      g_autofree char *id = NULL;
      g_autoptr(DaToolCall) call = NULL;
      const char *arguments;

      /* A tool without parameters streams no input at all. */
      if (pending->input->len > 0)
        arguments = pending->input->str;
      else if (pending->start_input != NULL)
        arguments = pending->start_input;
      else
        arguments = "{}";

      id = pending->id != NULL ? g_strdup (pending->id) : g_strdup_printf ("toolu_%u", pending->block);
      call = da_tool_call_new (id, pending->name, arguments);
      da_message_add_tool_call (self->reply, call);
    }
  g_ptr_array_set_size (self->calls, 0);

  if (self->stop_reason != NULL)
    da_message_set_finish_reason (self->reply, _da_anthropic_finish_reason (self->stop_reason));
  if (self->input_tokens >= 0 || self->output_tokens >= 0)
    da_message_set_usage (self->reply, MAX (self->input_tokens, 0), MAX (self->output_tokens, 0));

  return TRUE;
}
