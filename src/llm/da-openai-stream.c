/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-llm-http-private.h"
#include "da-openai-chunk-private.h"
#include "da-openai-stream-private.h"
#include "da-sse-parser-private.h"

/* More parallel calls than this in one reply is not a real model. */
#define MAX_TOOL_CALLS 128

typedef struct
{
  guint    index;
  char    *id;
  char    *name;
  GString *arguments;
} PendingCall;

struct _DaOpenaiStream
{
  DaMessage   *reply;
  DaProvider  *provider;
  DaSseParser *parser;
  GPtrArray   *calls;           /* of PendingCall, in order of first fragment */
  char        *finish_reason;
  gint64       prompt_tokens;
  gint64       completion_tokens;
  gsize        n_deltas;
  guint        has_usage : 1;
  guint        done : 1;
  guint        has_output : 1;
};

static void
pending_call_free (gpointer data)
{
  PendingCall *call = data;

  g_free (call->id);
  g_free (call->name);
  g_string_free (call->arguments, TRUE);
  g_free (call);
}

static PendingCall *
find_call (DaOpenaiStream *self,
           guint           index)
{
  for (guint i = 0; i < self->calls->len; i++)
    {
      PendingCall *call = g_ptr_array_index (self->calls, i);

      if (call->index == index)
        return call;
    }
  return NULL;
}

static GError *
payload_error (DaOpenaiStream *self,
               const char     *message,
               const char     *type,
               const char     *code)
{
  g_autofree char *safe = _da_llm_redact (self->provider,
                                          message != NULL && *message != '\0'
                                            ? message : "no message");
  DaLlmError error_code = _da_llm_error_code_for_payload (type, code);

  if (code != NULL || type != NULL)
    {
      g_autofree char *safe_code = _da_llm_redact (self->provider, code != NULL ? code : type);

      return da_llm_error_new (error_code, 0, -1, "the provider reported an error: %s (%s)",
                               safe, safe_code);
    }
  return da_llm_error_new (error_code, 0, -1, "the provider reported an error: %s", safe);
}

static gboolean
apply_fragments (DaOpenaiStream  *self,
                 GPtrArray       *fragments,
                 GError         **error)
{
  for (guint i = 0; i < fragments->len; i++)
    {
      DaOpenaiToolFragment *fragment = g_ptr_array_index (fragments, i);
      gboolean has_id = fragment->id != NULL && *fragment->id != '\0';
      guint index = fragment->index;
      PendingCall *call = find_call (self, index);

      /* Servers that send whole calls without an index repeat index 0
       * for each of them: another id, or a second name, there is another
       * call. (The name comes on the first fragment of a call only.) */
      if (call != NULL &&
          ((has_id && call->id != NULL && !g_str_equal (call->id, fragment->id)) ||
           (!has_id && fragment->name != NULL && *fragment->name != '\0' && call->name != NULL)))
        {
          index = 0;
          for (guint j = 0; j < self->calls->len; j++)
            index = MAX (index, ((PendingCall *)g_ptr_array_index (self->calls, j))->index + 1);
          call = NULL;
        }

      if (call == NULL)
        {
          if (self->calls->len >= MAX_TOOL_CALLS)
            {
              g_propagate_error (error,
                                 da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                                   "the reply has more than %d tool calls",
                                                   MAX_TOOL_CALLS));
              return FALSE;
            }
          call = g_new0 (PendingCall, 1);
          call->index = index;
          call->arguments = g_string_new (NULL);
          g_ptr_array_add (self->calls, call);
        }

      /* The id and name come once, on the first fragment; a server that
       * repeats them must not make the name grow. */
      if (has_id && call->id == NULL)
        call->id = g_strdup (fragment->id);
      if (fragment->name != NULL && *fragment->name != '\0' && call->name == NULL)
        call->name = g_strdup (fragment->name);
      if (fragment->arguments != NULL)
        g_string_append (call->arguments, fragment->arguments);

      self->has_output = TRUE;
      self->n_deltas++;
      da_message_emit_tool_call_delta (self->reply, index,
                                       fragment->id, fragment->name, fragment->arguments);
    }

  return TRUE;
}

static gboolean
on_event (const char  *event,
          const char  *data,
          gsize        data_len,
          const char  *id,
          gpointer     user_data,
          GError     **error)
{
  DaOpenaiStream *self = user_data;
  g_auto(DaOpenaiChunk) chunk = { 0 };

  if (self->done)
    return TRUE;

  if (data_len == 6 && memcmp (data, "[DONE]", 6) == 0)
    {
      self->done = TRUE;
      return TRUE;
    }

  if (!_da_openai_chunk_parse (data, data_len, &chunk, error))
    {
      /* A named error event may carry plain text. */
      if (g_str_equal (event, "error"))
        {
          g_clear_error (error);
          g_propagate_error (error, payload_error (self, data, NULL, NULL));
        }
      return FALSE;
    }

  if (chunk.has_error || g_str_equal (event, "error"))
    {
      g_propagate_error (error, payload_error (self, chunk.error_message,
                                               chunk.error_type, chunk.error_code));
      return FALSE;
    }

  if (chunk.content != NULL && *chunk.content != '\0')
    {
      self->has_output = TRUE;
      self->n_deltas++;
      da_message_append_text (self->reply, chunk.content, -1);
    }

  if (chunk.tool_fragments != NULL && !apply_fragments (self, chunk.tool_fragments, error))
    return FALSE;

  if (chunk.finish_reason != NULL)
    {
      g_free (self->finish_reason);
      self->finish_reason = g_steal_pointer (&chunk.finish_reason);
    }

  if (chunk.has_usage)
    {
      self->has_usage = TRUE;
      self->prompt_tokens = chunk.prompt_tokens;
      self->completion_tokens = chunk.completion_tokens;
    }

  return TRUE;
}

/**
 * _da_openai_stream_new:
 * @reply: the message to fill
 * @provider: (nullable): whose key to redact from error messages
 */
DaOpenaiStream *
_da_openai_stream_new (DaMessage  *reply,
                       DaProvider *provider)
{
  DaOpenaiStream *self;

  g_return_val_if_fail (DA_IS_MESSAGE (reply), NULL);

  self = g_new0 (DaOpenaiStream, 1);
  self->reply = g_object_ref (reply);
  self->provider = provider != NULL ? g_object_ref (provider) : NULL;
  self->parser = _da_sse_parser_new (on_event, self);
  self->calls = g_ptr_array_new_with_free_func (pending_call_free);

  return self;
}

void
_da_openai_stream_free (DaOpenaiStream *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->reply);
  g_clear_object (&self->provider);
  g_clear_pointer (&self->parser, _da_sse_parser_free);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->finish_reason, g_free);
  g_free (self);
}

/**
 * _da_openai_stream_feed:
 *
 * Passes the next bytes of the body; text and tool-call fragments reach
 * the message as they are decoded. Bytes after "[DONE]" are ignored.
 *
 * Returns: %FALSE with a #DaLlmError on an invalid or error event
 */
gboolean
_da_openai_stream_feed (DaOpenaiStream  *self,
                        const char      *data,
                        gsize            len,
                        GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    return TRUE;
  return _da_sse_parser_feed (self->parser, data, len, error);
}

gboolean
_da_openai_stream_is_done (DaOpenaiStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->done;
}

/* Whether anything reached the message: after that a retry would
 * repeat text the caller has already seen. */
gboolean
_da_openai_stream_has_output (DaOpenaiStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_output;
}

gsize
_da_openai_stream_get_n_deltas (DaOpenaiStream *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_deltas;
}

static int
compare_calls (gconstpointer a,
               gconstpointer b)
{
  const PendingCall *ca = *(const PendingCall * const *)a;
  const PendingCall *cb = *(const PendingCall * const *)b;

  return (ca->index > cb->index) - (ca->index < cb->index);
}

/**
 * _da_openai_stream_finish:
 *
 * Called when the body has ended. Adds the complete tool calls (by
 * index), the finish reason and the usage to the message.
 *
 * Returns: %FALSE with %DA_LLM_ERROR_CONNECTION if the stream ended
 *   before "[DONE]"
 */
gboolean
_da_openai_stream_finish (DaOpenaiStream  *self,
                          GError         **error)
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

  g_ptr_array_sort (self->calls, compare_calls);
  for (guint i = 0; i < self->calls->len; i++)
    {
      PendingCall *pending = g_ptr_array_index (self->calls, i);
      g_autofree char *id = NULL;
      g_autoptr(DaToolCall) call = NULL;

      /* A tool result must name its call: make up an id if the server
       * gave none. */
      id = pending->id != NULL ? g_strdup (pending->id) : g_strdup_printf ("call_%u", pending->index);
      call = da_tool_call_new (id, pending->name, pending->arguments->str);

      da_message_add_tool_call (self->reply, call);
    }
  g_ptr_array_set_size (self->calls, 0);

  if (self->finish_reason != NULL)
    da_message_set_finish_reason (self->reply, self->finish_reason);
  if (self->has_usage)
    da_message_set_usage (self->reply, self->prompt_tokens, self->completion_tokens);

  return TRUE;
}
