/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DA_TYPE_SEARCH_HIT (da_search_hit_get_type ())

/**
 * DaSearchHit:
 * @conversation_id: the conversation holding the message
 * @message_id: the message that matched
 * @conversation_title: (nullable): the conversation's title
 * @agent: (nullable): who wrote the message
 * @snippet: plain text around the match, "…" where it was cut
 * @snippet_markup: the same text as Pango markup, matches in <b></b>
 * @rank: bm25 score, lower is better (hits come best first); 0 when too
 *   many messages matched to rank them and the newest come first
 */
typedef struct
{
  gint64  conversation_id;
  gint64  message_id;
  char   *conversation_title;
  char   *agent;
  char   *snippet;
  char   *snippet_markup;
  double  rank;
} DaSearchHit;

GType        da_search_hit_get_type (void) G_GNUC_CONST;
DaSearchHit *da_search_hit_copy     (const DaSearchHit *self);
void         da_search_hit_free     (DaSearchHit       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaSearchHit, da_search_hit_free)

G_END_DECLS
