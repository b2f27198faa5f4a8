/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Anthropic wire format: one event payload, an error body, and a
 * whole streamed body through the decoder. */
#include "config.h"

#include <stdint.h>

#include "da-anthropic-body-private.h"
#include "da-anthropic-event-private.h"
#include "da-anthropic-stream-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  g_auto(DaAnthropicEvent) event = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) reply = NULL;
  g_autoptr(DaAnthropicStream) stream = NULL;
  char *message = NULL;
  char *type = NULL;
  char *code = NULL;

  /* A critical from a library is a bug we want to hear about. */
  if (!initialised)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialised = TRUE;
    }

  if (_da_anthropic_event_parse ("message", (const char *)data, size, &event, &error))
    {
      g_assert (error == NULL);
      g_assert (event.text == NULL || g_utf8_validate (event.text, -1, NULL));
      g_assert (event.input_tokens >= -1 && event.output_tokens >= -1);
    }
  else
    {
      g_assert (error != NULL);
      g_clear_error (&error);
    }

  if (_da_anthropic_parse_error ((const char *)data, size, &message, &type, &code))
    g_assert (message == NULL || g_utf8_validate (message, -1, NULL));
  g_free (message);
  g_free (type);
  g_free (code);

  /* The same bytes as a stream body, in two reads. */
  reply = da_message_new_streaming ("fuzz");
  stream = _da_anthropic_stream_new (reply, NULL);
  if (_da_anthropic_stream_feed (stream, (const char *)data, size / 2, &error) &&
      _da_anthropic_stream_feed (stream, (const char *)data + size / 2, size - size / 2, &error))
    {
      if (_da_anthropic_stream_finish (stream, &error))
        {
          GPtrArray *calls = da_message_get_tool_calls (reply);

          g_assert (error == NULL);
          g_assert (_da_anthropic_stream_is_done (stream));
          for (guint i = 0; i < calls->len; i++)
            g_assert (((DaToolCall *)g_ptr_array_index (calls, i))->arguments != NULL);
        }
    }
  g_assert (g_utf8_validate (da_message_get_content (reply), -1, NULL));
  g_clear_error (&error);

  return 0;
}
