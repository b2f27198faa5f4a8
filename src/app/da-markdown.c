/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <md4c.h>
#include <string.h>

#include "da-markdown-private.h"

/* md4c walks the document and calls us back; we build a small tree of
 * blocks whose inline content is already Pango markup. Raw HTML is off
 * (MD_FLAG_NOHTML) so everything a model writes is shown as text. */

G_DEFINE_QUARK (da-markdown-error-quark, _da_markdown_error)

typedef struct
{
  GPtrArray *stack;          /* DaMdBlock*, open blocks, root first */
  DaMdBlock *target;         /* block collecting inline text, or NULL */
  gboolean   target_implicit;
  GString   *buf;
  guint      link_depth;
  guint      image_depth;
  GPtrArray *span_ends;      /* const char*: closing markup per open span */
  gboolean   in_thead;
} Parser;

static DaMdBlock *
block_new (DaMdBlockType type)
{
  DaMdBlock *block = g_new0 (DaMdBlock, 1);

  block->type = type;
  block->children = g_ptr_array_new_with_free_func ((GDestroyNotify) _da_md_block_free);

  return block;
}

void
_da_md_block_free (DaMdBlock *block)
{
  if (block == NULL)
    return;

  g_free (block->info);
  g_free (block->text);
  g_ptr_array_unref (block->children);
  g_free (block);
}

static DaMdBlock *
top (Parser *p)
{
  return g_ptr_array_index (p->stack, p->stack->len - 1);
}

static void
push (Parser    *p,
      DaMdBlock *block)
{
  g_ptr_array_add (top (p)->children, block);
  g_ptr_array_add (p->stack, block);
}

static void
finish_target (Parser *p)
{
  if (p->target == NULL)
    return;

  if (p->target->type == DA_MD_CODE &&
      p->buf->len > 0 && p->buf->str[p->buf->len - 1] == '\n')
    g_string_truncate (p->buf, p->buf->len - 1);

  p->target->text = g_strndup (p->buf->str, p->buf->len);
  g_string_truncate (p->buf, 0);

  /* Close spans left open (cannot happen with md4c, but keep markup valid). */
  while (p->span_ends->len > 0)
    g_ptr_array_remove_index (p->span_ends, p->span_ends->len - 1);
  p->link_depth = 0;
  p->image_depth = 0;

  if (p->target_implicit)
    g_ptr_array_remove_index (p->stack, p->stack->len - 1);

  p->target = NULL;
  p->target_implicit = FALSE;
}

static void
start_target (Parser    *p,
              DaMdBlock *block)
{
  g_assert (p->target == NULL);
  p->target = block;
  g_string_truncate (p->buf, 0);
}

static char *
attribute_dup (const MD_ATTRIBUTE *attr)
{
  if (attr->text == NULL || attr->size == 0)
    return NULL;

  return g_strndup (attr->text, attr->size);
}

static int
enter_block_cb (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *p = user_data;
  DaMdBlock *block = NULL;

  /* A tight list item's text sits in an implicit paragraph that ends
   * where a nested block begins. */
  if (p->target_implicit)
    finish_target (p);

  switch (type)
    {
    case MD_BLOCK_DOC:
      return 0;

    case MD_BLOCK_QUOTE:
      block = block_new (DA_MD_QUOTE);
      break;

    case MD_BLOCK_UL:
      block = block_new (DA_MD_BULLET_LIST);
      break;

    case MD_BLOCK_OL:
      block = block_new (DA_MD_ORDERED_LIST);
      block->level = ((MD_BLOCK_OL_DETAIL *) detail)->start;
      break;

    case MD_BLOCK_LI:
      {
        MD_BLOCK_LI_DETAIL *li = detail;

        block = block_new (DA_MD_LIST_ITEM);
        if (li->is_task)
          block->task = (li->task_mark == ' ') ? ' ' : 'x';
      }
      break;

    case MD_BLOCK_HR:
      block = block_new (DA_MD_RULE);
      break;

    case MD_BLOCK_H:
      block = block_new (DA_MD_HEADING);
      block->level = CLAMP (((MD_BLOCK_H_DETAIL *) detail)->level, 1, 6);
      break;

    case MD_BLOCK_CODE:
      block = block_new (DA_MD_CODE);
      block->info = attribute_dup (&((MD_BLOCK_CODE_DETAIL *) detail)->lang);
      break;

    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
      block = block_new (DA_MD_PARAGRAPH);
      break;

    case MD_BLOCK_TABLE:
      block = block_new (DA_MD_TABLE);
      break;

    case MD_BLOCK_THEAD:
      p->in_thead = TRUE;
      return 0;

    case MD_BLOCK_TBODY:
      p->in_thead = FALSE;
      return 0;

    case MD_BLOCK_TR:
      block = block_new (DA_MD_TABLE_ROW);
      block->header = p->in_thead;
      break;

    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      block = block_new (DA_MD_TABLE_CELL);
      block->header = (type == MD_BLOCK_TH);
      switch (((MD_BLOCK_TD_DETAIL *) detail)->align)
        {
        case MD_ALIGN_LEFT: block->align = DA_MD_ALIGN_LEFT; break;
        case MD_ALIGN_CENTER: block->align = DA_MD_ALIGN_CENTER; break;
        case MD_ALIGN_RIGHT: block->align = DA_MD_ALIGN_RIGHT; break;
        case MD_ALIGN_DEFAULT:
        default: block->align = DA_MD_ALIGN_DEFAULT; break;
        }
      break;

    default:
      return 0;
    }

  push (p, block);

  if (block->type == DA_MD_PARAGRAPH || block->type == DA_MD_HEADING ||
      block->type == DA_MD_CODE || block->type == DA_MD_TABLE_CELL)
    start_target (p, block);

  return 0;
}

static int
leave_block_cb (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *p = user_data;

  if (p->target_implicit)
    finish_target (p);

  switch (type)
    {
    case MD_BLOCK_DOC:
      return 0;

    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
      p->in_thead = FALSE;
      return 0;

    case MD_BLOCK_QUOTE:
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
    case MD_BLOCK_LI:
    case MD_BLOCK_HR:
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
    case MD_BLOCK_TABLE:
    case MD_BLOCK_TR:
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
    default:
      break;
    }

  if (p->target != NULL && p->target == top (p))
    finish_target (p);

  if (p->stack->len > 1)
    g_ptr_array_remove_index (p->stack, p->stack->len - 1);

  return 0;
}

static void
ensure_target (Parser *p)
{
  DaMdBlock *block;

  if (p->target != NULL)
    return;

  block = block_new (DA_MD_PARAGRAPH);
  push (p, block);
  start_target (p, block);
  p->target_implicit = TRUE;
}

static void
open_span (Parser     *p,
           const char *open_markup,
           const char *close_markup)
{
  ensure_target (p);
  g_string_append (p->buf, open_markup);
  g_ptr_array_add (p->span_ends, (gpointer) close_markup);
}

static void
append_escaped_attr (GString            *buf,
                     const MD_ATTRIBUTE *attr)
{
  g_autofree char *raw = attribute_dup (attr);
  g_autofree char *escaped = NULL;

  if (raw == NULL)
    return;

  escaped = g_markup_escape_text (raw, -1);
  g_string_append (buf, escaped);
}

static int
enter_span_cb (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *p = user_data;

  if (p->target != NULL && p->target->type == DA_MD_CODE)
    return 0;

  switch (type)
    {
    case MD_SPAN_EM:
      open_span (p, "<i>", "</i>");
      break;

    case MD_SPAN_STRONG:
      open_span (p, "<b>", "</b>");
      break;

    case MD_SPAN_DEL:
      open_span (p, "<s>", "</s>");
      break;

    case MD_SPAN_U:
      open_span (p, "<u>", "</u>");
      break;

    case MD_SPAN_CODE:
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
      open_span (p, "<span font_family=\"monospace\" background=\"#888888\" bgalpha=\"20%\">", "</span>");
      break;

    case MD_SPAN_A:
      ensure_target (p);
      if (p->link_depth == 0)
        {
          g_string_append (p->buf, "<a href=\"");
          append_escaped_attr (p->buf, &((MD_SPAN_A_DETAIL *) detail)->href);
          g_string_append (p->buf, "\">");
          g_ptr_array_add (p->span_ends, (gpointer) "</a>");
        }
      else
        g_ptr_array_add (p->span_ends, (gpointer) "");
      p->link_depth++;
      break;

    case MD_SPAN_IMG:
      /* Images are never loaded: show the alternative text as a link to
       * the address, which asks before opening like every link. */
      ensure_target (p);
      if (p->link_depth == 0)
        {
          g_string_append (p->buf, "<a href=\"");
          append_escaped_attr (p->buf, &((MD_SPAN_IMG_DETAIL *) detail)->src);
          g_string_append (p->buf, "\">🖼 ");
          g_ptr_array_add (p->span_ends, (gpointer) "</a>");
        }
      else
        {
          g_string_append (p->buf, "<i>");
          g_ptr_array_add (p->span_ends, (gpointer) "</i>");
        }
      p->link_depth++;
      p->image_depth++;
      break;

    case MD_SPAN_WIKILINK:
    default:
      open_span (p, "", "");
      break;
    }

  return 0;
}

static int
leave_span_cb (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *p = user_data;
  const char *end;

  if (p->target == NULL || p->target->type == DA_MD_CODE || p->span_ends->len == 0)
    return 0;

  end = g_ptr_array_index (p->span_ends, p->span_ends->len - 1);
  g_string_append (p->buf, end);
  g_ptr_array_remove_index (p->span_ends, p->span_ends->len - 1);

  if (type == MD_SPAN_A || type == MD_SPAN_IMG)
    p->link_depth--;
  if (type == MD_SPAN_IMG)
    p->image_depth--;

  return 0;
}

static const struct {
  const char *name;
  const char *utf8;
} entities[] = {
  { "&nbsp;", "\xc2\xa0" }, { "&copy;", "©" }, { "&reg;", "®" },
  { "&trade;", "™" }, { "&mdash;", "—" }, { "&ndash;", "–" },
  { "&hellip;", "…" }, { "&laquo;", "«" }, { "&raquo;", "»" },
  { "&euro;", "€" }, { "&times;", "×" }, { "&rarr;", "→" },
  { "&larr;", "←" }, { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
  { "&quot;", "\"" }, { "&apos;", "'" },
};

static void
append_entity (GString    *buf,
               const char *text,
               gsize       size,
               gboolean    raw)
{
  g_autofree char *entity = g_strndup (text, size);
  char utf8[8] = { 0 };
  const char *decoded = NULL;

  if (size > 3 && entity[1] == '#')
    {
      gunichar c;

      if (entity[2] == 'x' || entity[2] == 'X')
        c = (gunichar) g_ascii_strtoull (entity + 3, NULL, 16);
      else
        c = (gunichar) g_ascii_strtoull (entity + 2, NULL, 10);

      if (c == 0 || !g_unichar_validate (c))
        c = 0xFFFD;
      g_unichar_to_utf8 (c, utf8);
      decoded = utf8;
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
        if (strcmp (entity, entities[i].name) == 0)
          decoded = entities[i].utf8;
    }

  if (decoded == NULL)
    decoded = entity;

  if (raw)
    g_string_append (buf, decoded);
  else
    {
      g_autofree char *escaped = g_markup_escape_text (decoded, -1);
      g_string_append (buf, escaped);
    }
}

static int
text_cb (MD_TEXTTYPE    type,
         const MD_CHAR *text,
         MD_SIZE        size,
         void          *user_data)
{
  Parser *p = user_data;
  gboolean raw;

  ensure_target (p);
  raw = (p->target->type == DA_MD_CODE);

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      g_string_append (p->buf, "\xef\xbf\xbd");
      break;

    case MD_TEXT_BR:
      g_string_append_c (p->buf, '\n');
      break;

    case MD_TEXT_SOFTBR:
      g_string_append_c (p->buf, raw ? '\n' : ' ');
      break;

    case MD_TEXT_ENTITY:
      append_entity (p->buf, text, size, raw);
      break;

    case MD_TEXT_NORMAL:
    case MD_TEXT_CODE:
    case MD_TEXT_HTML:
    case MD_TEXT_LATEXMATH:
    default:
      if (raw)
        g_string_append_len (p->buf, text, size);
      else
        {
          g_autofree char *chunk = g_strndup (text, size);
          g_autofree char *escaped = g_markup_escape_text (chunk, -1);

          g_string_append (p->buf, escaped);
        }
      break;
    }

  return 0;
}

DaMdBlock *
_da_markdown_parse (const char  *text,
                    gssize       length,
                    GError     **error)
{
  g_autofree char *valid = NULL;
  g_autoptr(DaMdBlock) root = NULL;
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
    .enter_block = enter_block_cb,
    .leave_block = leave_block_cb,
    .enter_span = enter_span_cb,
    .leave_span = leave_span_cb,
    .text = text_cb,
  };
  Parser p = { 0 };
  int ret;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);

  if ((gsize) length > DA_MARKDOWN_MAX_SIZE)
    {
      g_set_error (error, DA_MARKDOWN_ERROR, DA_MARKDOWN_ERROR_TOO_LARGE,
                   "message too large to render (%" G_GSSIZE_FORMAT " bytes)", length);
      return NULL;
    }

  /* Markup must be valid UTF-8 without NULs; a model's reply may carry
   * either, so repair the text (NULs become U+FFFD) rather than refuse it. */
  valid = g_utf8_make_valid (text ? text : "", length);

  root = block_new (DA_MD_DOCUMENT);
  p.stack = g_ptr_array_new ();
  p.buf = g_string_new (NULL);
  p.span_ends = g_ptr_array_new ();
  g_ptr_array_add (p.stack, root);

  ret = md_parse (valid, (MD_SIZE) strlen (valid), &parser, &p);

  if (p.target != NULL)
    finish_target (&p);

  g_ptr_array_unref (p.stack);
  g_ptr_array_unref (p.span_ends);
  g_string_free (p.buf, TRUE);

  if (ret != 0)
    {
      g_set_error (error, DA_MARKDOWN_ERROR, DA_MARKDOWN_ERROR_PARSE,
                   "the markdown parser failed (%d)", ret);
      return NULL;
    }

  return g_steal_pointer (&root);
}

gboolean
_da_md_block_equal (const DaMdBlock *a,
                    const DaMdBlock *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (a->type != b->type || a->level != b->level || a->header != b->header ||
      a->align != b->align || a->task != b->task ||
      g_strcmp0 (a->info, b->info) != 0 || g_strcmp0 (a->text, b->text) != 0 ||
      a->children->len != b->children->len)
    return FALSE;

  for (guint i = 0; i < a->children->len; i++)
    if (!_da_md_block_equal (g_ptr_array_index (a->children, i),
                             g_ptr_array_index (b->children, i)))
      return FALSE;

  return TRUE;
}

const char *
_da_md_block_type_to_string (DaMdBlockType type)
{
  switch (type)
    {
    case DA_MD_DOCUMENT: return "document";
    case DA_MD_PARAGRAPH: return "paragraph";
    case DA_MD_HEADING: return "heading";
    case DA_MD_QUOTE: return "quote";
    case DA_MD_BULLET_LIST: return "bullet-list";
    case DA_MD_ORDERED_LIST: return "ordered-list";
    case DA_MD_LIST_ITEM: return "item";
    case DA_MD_CODE: return "code";
    case DA_MD_RULE: return "rule";
    case DA_MD_TABLE: return "table";
    case DA_MD_TABLE_ROW: return "row";
    case DA_MD_TABLE_CELL: return "cell";
    default: return "unknown";
    }
}

static void
dump (GString         *out,
      const DaMdBlock *block,
      guint            depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");

  g_string_append (out, _da_md_block_type_to_string (block->type));
  if (block->type == DA_MD_HEADING || block->type == DA_MD_ORDERED_LIST)
    g_string_append_printf (out, " level=%u", block->level);
  if (block->header)
    g_string_append (out, " header");
  if (block->align != DA_MD_ALIGN_DEFAULT)
    g_string_append_printf (out, " align=%s",
                            block->align == DA_MD_ALIGN_LEFT ? "left" :
                            block->align == DA_MD_ALIGN_CENTER ? "center" : "right");
  if (block->task != 0)
    g_string_append_printf (out, " task=%s", block->task == 'x' ? "done" : "open");
  if (block->info != NULL)
    g_string_append_printf (out, " info=%s", block->info);
  if (block->text != NULL)
    {
      g_string_append (out, " \"");
      for (const char *c = block->text; *c != '\0'; c++)
        {
          if (*c == '\n')
            g_string_append (out, "\\n");
          else if (*c == '"' || *c == '\\')
            {
              g_string_append_c (out, '\\');
              g_string_append_c (out, *c);
            }
          else
            g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '\n');

  for (guint i = 0; i < block->children->len; i++)
    dump (out, g_ptr_array_index (block->children, i), depth + 1);
}

char *
_da_md_block_to_string (const DaMdBlock *block)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (block != NULL, NULL);

  dump (out, block, 0);

  return g_string_free (out, FALSE);
}
