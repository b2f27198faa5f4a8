/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SSE parser, fed in pieces whose sizes come from the input, and the
 * whole OpenAI stream decoder (SSE + chunk JSON + tool-call grouping)
 * filling a DaMessage. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "da-message.h"
#include "da-openai-stream-private.h"
#include "da-sse-parser-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
check_event (const char  *event,
             const char  *payload,
             gsize        payload_len,
             const char  *id,
             gpointer     user_data,
             GError     **error)
{
  gsize *total = user_data;

  g_assert (event != NULL && *event != '\0');
  g_assert (payload[payload_len] == '\0');
  *total += payload_len;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  const char *text = (const char *)data;
  gsize step = size > 0 ? 1 + data[0] % 17 : 1;
  gsize total = 0;
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (check_event, &total);
  g_autoptr(DaMessage) reply = da_message_new_streaming ("fuzz");
  g_autoptr(DaOpenaiStream) stream = _da_openai_stream_new (reply, NULL);
  gboolean ok = TRUE;

  /* A critical from a library is a bug we want to hear about. */
  if (!initialised)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialised = TRUE;
    }

  /* A small bound so that the size check is reached too. */
  if (size > 0 && data[0] & 0x80)
    _da_sse_parser_set_max_event_size (parser, 256);

  for (gsize offset = 0; offset < size && ok; offset += step)
    ok = _da_sse_parser_feed (parser, text + offset, MIN (step, size - offset), NULL);
  _da_sse_parser_end (parser);
  g_assert (total <= size);

  if (_da_openai_stream_feed (stream, text, size, NULL))
    {
      if (_da_openai_stream_finish (stream, NULL))
        {
          GPtrArray *calls = da_message_get_tool_calls (reply);

          for (guint i = 0; i < calls->len; i++)
            g_assert (((DaToolCall *)g_ptr_array_index (calls, i))->arguments != NULL);
        }
    }
  g_assert (g_utf8_validate (da_message_get_content (reply), -1, NULL));

  return 0;
}
