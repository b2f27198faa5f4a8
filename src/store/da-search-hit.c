/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-search-hit.h"

G_DEFINE_BOXED_TYPE (DaSearchHit, da_search_hit, da_search_hit_copy, da_search_hit_free)

DaSearchHit *
da_search_hit_copy (const DaSearchHit *self)
{
  DaSearchHit *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DaSearchHit, 1);
  copy->conversation_id = self->conversation_id;
  copy->message_id = self->message_id;
  copy->conversation_title = g_strdup (self->conversation_title);
  copy->agent = g_strdup (self->agent);
  copy->snippet = g_strdup (self->snippet);
  copy->snippet_markup = g_strdup (self->snippet_markup);
  copy->rank = self->rank;

  return copy;
}

void
da_search_hit_free (DaSearchHit *self)
{
  if (self == NULL)
    return;

  g_free (self->conversation_title);
  g_free (self->agent);
  g_free (self->snippet);
  g_free (self->snippet_markup);
  g_free (self);
}
