/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One fragment of a streamed tool call. @id and @name come on the first
 * fragment of a call only; @arguments is a piece of JSON text to be
 * concatenated with the other pieces of the same @index. */
typedef struct
{
  guint  index;
  char  *id;
  char  *name;
  char  *arguments;
} DaOpenaiToolFragment;

/* The parts of one chat.completion.chunk (or of an error object) that
 * matter to us. Strings are %NULL when absent. */
typedef struct
{
  char      *content;
  GPtrArray *tool_fragments;   /* of DaOpenaiToolFragment */
  char      *finish_reason;
  gboolean   has_usage;
  gint64     prompt_tokens;
  gint64     completion_tokens;
  gboolean   has_error;
  char      *error_message;
  char      *error_type;
  char      *error_code;
} DaOpenaiChunk;

gboolean _da_openai_chunk_parse (const char     *data,
                                 gsize           len,
                                 DaOpenaiChunk  *chunk,
                                 GError        **error);
void     _da_openai_chunk_clear (DaOpenaiChunk  *chunk);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DaOpenaiChunk, _da_openai_chunk_clear)

G_END_DECLS
