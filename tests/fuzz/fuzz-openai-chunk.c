/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One `data:` payload of a Chat Completions stream, and the model list. */
#include "config.h"

#include <stdint.h>

#include "da-openai-body-private.h"
#include "da-openai-chunk-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  g_auto(DaOpenaiChunk) chunk = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  /* A critical from a library is a bug we want to hear about. */
  if (!initialised)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialised = TRUE;
    }

  if (_da_openai_chunk_parse ((const char *)data, size, &chunk, &error))
    {
      g_assert (error == NULL);
      g_assert (chunk.content == NULL || g_utf8_validate (chunk.content, -1, NULL));
      g_assert (chunk.prompt_tokens >= 0 && chunk.completion_tokens >= 0);
      for (guint i = 0; chunk.tool_fragments != NULL && i < chunk.tool_fragments->len; i++)
        g_assert (g_ptr_array_index (chunk.tool_fragments, i) != NULL);
    }
  else
    {
      g_assert (error != NULL);
      g_clear_error (&error);
    }

  ids = _da_openai_parse_models ((const char *)data, size, &error);
  g_assert ((ids == NULL) == (error != NULL));

  return 0;
}
