/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "da-markdown-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
markup_well_formed (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, wrapped, -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static void
check (const DaMdBlock *block)
{
  if (block->text != NULL && block->type != DA_MD_CODE && !markup_well_formed (block->text))
    g_error ("ill-formed markup: %s", block->text);

  for (guint i = 0; i < block->children->len; i++)
    check (g_ptr_array_index (block->children, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMdBlock) root = _da_markdown_parse ((const char *) data, (gssize) size, &error);

  g_assert ((root == NULL) == (error != NULL));
  if (root != NULL)
    check (root);

  return 0;
}
