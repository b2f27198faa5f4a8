/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How fast a streamed Chat Completions reply is decoded: SSE framing,
 * chunk JSON and dispatch into a DaMessage (with a "delta" handler, as a
 * view would have), fed in 16 KiB reads as the provider does. Prints
 * figures; asserts nothing about them. */
#include "config.h"

#include <string.h>

#include "da-message.h"
#include "da-openai-stream-private.h"
#include "da-sse-parser-private.h"

#define READ_SIZE  (16 * 1024)
#define N_CHUNKS   100000
#define ROUNDS     3

static const char *words[] = { "The", " quick", " brown", " fox", " jumps", " over",
                               " the", " lazy", " dog", ".", "\\n", " Ünï", "cödé", " 🚀" };

static GString *
make_stream (guint *n_deltas)
{
  GString *out = g_string_new (NULL);
  const char *head = "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\","
                     "\"created\":1718000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                     "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":";

  *n_deltas = 0;
  for (guint i = 0; i < N_CHUNKS; i++)
    {
      g_string_append (out, "data: ");
      g_string_append (out, head);
      if (i % 10 == 9)
        g_string_append_printf (out, "{\"tool_calls\":[{\"index\":%u,%s\"function\":{%s\"arguments\":\"{\\\"k\\\": %u}\"}}]}",
                                (i / 10) % 4,
                                i < 40 ? "\"id\":\"call_x\",\"type\":\"function\"," : "",
                                i < 40 ? "\"name\":\"tool\"," : "",
                                i);
      else
        g_string_append_printf (out, "{\"content\":\"%s\"}", words[i % G_N_ELEMENTS (words)]);
      g_string_append (out, ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
      (*n_deltas)++;
      if (i % 50 == 0)
        g_string_append (out, ": keep-alive\n\n");
    }
  g_string_append (out, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
  g_string_append (out, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":100000}}\n\n");
  g_string_append (out, "data: [DONE]\n\n");

  return out;
}

static void
on_delta (DaMessage  *message,
          const char *text,
          gsize      *bytes)
{
  *bytes += strlen (text);
}

static gboolean
count_event (const char  *event,
             const char  *data,
             gsize        data_len,
             const char  *id,
             gpointer     user_data,
             GError     **error)
{
  (*(gsize *)user_data)++;
  return TRUE;
}

static double
run_decoder (GString *stream,
             gsize   *seen_bytes)
{
  g_autoptr(DaMessage) reply = da_message_new_streaming ("bench");
  g_autoptr(DaOpenaiStream) decoder = _da_openai_stream_new (reply, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start;
  gint64 end;

  *seen_bytes = 0;
  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), seen_bytes);

  start = g_get_monotonic_time ();
  for (gsize offset = 0; offset < stream->len; offset += READ_SIZE)
    {
      if (!_da_openai_stream_feed (decoder, stream->str + offset,
                                   MIN (READ_SIZE, stream->len - offset), &error))
        g_error ("decoding failed: %s", error->message);
    }
  if (!_da_openai_stream_finish (decoder, &error))
    g_error ("decoding failed: %s", error->message);
  end = g_get_monotonic_time ();

  if (da_message_get_tool_calls (reply)->len != 4)
    g_error ("expected 4 tool calls, got %u", da_message_get_tool_calls (reply)->len);

  return (end - start) / 1e6;
}

static double
run_sse_only (GString *stream,
              gsize   *n_events)
{
  g_autoptr(DaSseParser) parser = _da_sse_parser_new (count_event, n_events);
  gint64 start;

  *n_events = 0;
  start = g_get_monotonic_time ();
  for (gsize offset = 0; offset < stream->len; offset += READ_SIZE)
    _da_sse_parser_feed (parser, stream->str + offset, MIN (READ_SIZE, stream->len - offset), NULL);
  _da_sse_parser_end (parser);

  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  guint n_deltas = 0;
  g_autoptr(GString) stream = make_stream (&n_deltas);
  double mb = stream->len / (1024.0 * 1024.0);
  double best_decode = G_MAXDOUBLE;
  double best_sse = G_MAXDOUBLE;
  gsize seen_bytes = 0;
  gsize n_events = 0;

  for (guint round = 0; round < ROUNDS; round++)
    {
      best_decode = MIN (best_decode, run_decoder (stream, &seen_bytes));
      best_sse = MIN (best_sse, run_sse_only (stream, &n_events));
    }

  g_print ("stream: %.2f MiB, %u deltas, %" G_GSIZE_FORMAT " events, %" G_GSIZE_FORMAT " text bytes delivered\n",
           mb, n_deltas, n_events, seen_bytes);
  g_print ("sse parse only:                %8.1f MiB/s  %8.0f ns/event\n",
           mb / best_sse, best_sse * 1e9 / n_events);
  g_print ("sse + chunk JSON + DaMessage:  %8.1f MiB/s  %8.0f ns/delta\n",
           mb / best_decode, best_decode * 1e9 / n_deltas);

  return 0;
}
