/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_MARKDOWN_ERROR (_da_markdown_error_quark ())

typedef enum
{
  DA_MARKDOWN_ERROR_TOO_LARGE,
  DA_MARKDOWN_ERROR_PARSE,
} DaMarkdownError;

typedef enum
{
  DA_MD_DOCUMENT,
  DA_MD_PARAGRAPH,
  DA_MD_HEADING,
  DA_MD_QUOTE,
  DA_MD_BULLET_LIST,
  DA_MD_ORDERED_LIST,
  DA_MD_LIST_ITEM,
  DA_MD_CODE,
  DA_MD_RULE,
  DA_MD_TABLE,
  DA_MD_TABLE_ROW,
  DA_MD_TABLE_CELL,
} DaMdBlockType;

typedef enum
{
  DA_MD_ALIGN_DEFAULT,
  DA_MD_ALIGN_LEFT,
  DA_MD_ALIGN_CENTER,
  DA_MD_ALIGN_RIGHT,
} DaMdAlign;

/**
 * DaMdBlock:
 * @type: what the block is
 * @level: heading level (1–6), or the first number of an ordered list
 * @header: for table rows and cells, whether they belong to the header
 * @align: for table cells, the column's alignment
 * @task: for list items, ' ' or 'x' when the item is a task, else 0
 * @info: for code blocks, the language from the fence ("c", "python"), or %NULL
 * @text: for paragraphs, headings and table cells, Pango markup with links
 *   as <a href>; for code blocks the raw code; %NULL otherwise
 * @children: (element-type DaMdBlock): the nested blocks
 *
 * One node of the block tree that the markdown parser produces. The widget
 * builder turns it into GTK widgets; nothing here needs a display.
 */
typedef struct _DaMdBlock DaMdBlock;

struct _DaMdBlock
{
  DaMdBlockType  type;
  guint          level;
  gboolean       header;
  DaMdAlign      align;
  char           task;
  char          *info;
  char          *text;
  GPtrArray     *children;
};

#define DA_MARKDOWN_MAX_SIZE (16 * 1024 * 1024)

GQuark      _da_markdown_error_quark (void);
DaMdBlock  *_da_markdown_parse       (const char       *text,
                                      gssize            length,
                                      GError          **error);
void        _da_md_block_free        (DaMdBlock        *block);
gboolean    _da_md_block_equal       (const DaMdBlock  *a,
                                      const DaMdBlock  *b);
char       *_da_md_block_to_string   (const DaMdBlock  *block);
const char *_da_md_block_type_to_string (DaMdBlockType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaMdBlock, _da_md_block_free)

G_END_DECLS
