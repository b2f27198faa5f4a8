/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <string.h>

#include "da-sandbox-error.h"
#include "da-sandbox-json-private.h"

/* RFC 8259 JSON, strictly: no comments, no trailing commas, no NUL in
 * strings, no duplicate keys, nesting at most MAX_DEPTH deep. */

#define MAX_DEPTH 32

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  GError    **error;
} Reader;

static gboolean
fail (Reader     *r,
      const char *what)
{
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_INVALID_POLICY,
                 "invalid JSON at byte %" G_GSIZE_FORMAT ": %s",
                 (gsize) (r->p - r->start), what);
  return FALSE;
}

static void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
literal (Reader     *r,
         const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return fail (r, "unexpected character");
  r->p += n;
  return TRUE;
}

static int
hex4 (Reader *r)
{
  int v = 0;

  if (r->end - r->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (r->p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  r->p += 4;
  return v;
}

static char *
read_string (Reader *r)
{
  g_autoptr(GString) s = g_string_new (NULL);

  r->p++;   /* opening quote */
  for (;;)
    {
      guchar c;

      if (r->p >= r->end)
        {
          fail (r, "unterminated string");
          return NULL;
        }
      c = (guchar) *r->p++;
      if (c == '"')
        break;
      if (c < 0x20)
        {
          fail (r, "control character in string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          continue;
        }
      if (r->p >= r->end)
        {
          fail (r, "unterminated escape");
          return NULL;
        }
      c = (guchar) *r->p++;
      switch (c)
        {
        case '"': case '\\': case '/': g_string_append_c (s, (char) c); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            int u = hex4 (r);
            gunichar ch;

            if (u < 0)
              {
                fail (r, "bad \\u escape");
                return NULL;
              }
            ch = (gunichar) u;
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                int lo;

                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                  {
                    fail (r, "unpaired surrogate");
                    return NULL;
                  }
                r->p += 2;
                lo = hex4 (r);
                if (lo < 0xDC00 || lo > 0xDFFF)
                  {
                    fail (r, "unpaired surrogate");
                    return NULL;
                  }
                ch = 0x10000 + (((gunichar) u - 0xD800) << 10) + ((gunichar) lo - 0xDC00);
              }
            else if (u >= 0xDC00 && u <= 0xDFFF)
              {
                fail (r, "unpaired surrogate");
                return NULL;
              }
            if (ch == 0)
              {
                fail (r, "NUL in string");
                return NULL;
              }
            g_string_append_unichar (s, ch);
          }
          break;
        default:
          fail (r, "unknown escape");
          return NULL;
        }
    }

  if (!g_utf8_validate_len (s->str, s->len, NULL))
    {
      fail (r, "string is not UTF-8");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
read_number (Reader *r,
             DaJson *node)
{
  const char *begin = r->p;
  gboolean integral = TRUE;
  g_autofree char *text = NULL;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail (r, "bad number");
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      integral = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integral = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  node->type = DA_JSON_NUMBER;
  if (integral)
    {
      text = g_strndup (begin, (gsize) (r->p - begin));
      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &node->integer, NULL))
        node->type = DA_JSON_INT;
    }
  return TRUE;
}

static gboolean read_value (Reader *r, DaJson *node, guint depth);

static gboolean
read_array (Reader *r,
            DaJson *node,
            guint   depth)
{
  node->type = DA_JSON_ARRAY;
  node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) _da_json_free);
  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return TRUE;
    }
  for (;;)
    {
      DaJson *item = g_new0 (DaJson, 1);

      g_ptr_array_add (node->items, item);
      if (!read_value (r, item, depth + 1))
        return FALSE;
      skip_ws (r);
      if (r->p >= r->end)
        return fail (r, "unterminated array");
      if (*r->p == ']')
        {
          r->p++;
          return TRUE;
        }
      if (*r->p != ',')
        return fail (r, "expected , or ]");
      r->p++;
    }
}

static gboolean
read_object (Reader *r,
             DaJson *node,
             guint   depth)
{
  node->type = DA_JSON_OBJECT;
  node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) _da_json_free);
  node->keys = g_ptr_array_new_with_free_func (g_free);
  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return TRUE;
    }
  for (;;)
    {
      DaJson *item;
      char *key;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, "expected a key");
      key = read_string (r);
      if (key == NULL)
        return FALSE;
      for (guint i = 0; i < node->keys->len; i++)
        if (strcmp (g_ptr_array_index (node->keys, i), key) == 0)
          {
            g_free (key);
            return fail (r, "duplicate key");
          }
      g_ptr_array_add (node->keys, key);
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, "expected :");
      r->p++;
      item = g_new0 (DaJson, 1);
      g_ptr_array_add (node->items, item);
      if (!read_value (r, item, depth + 1))
        return FALSE;
      skip_ws (r);
      if (r->p >= r->end)
        return fail (r, "unterminated object");
      if (*r->p == '}')
        {
          r->p++;
          return TRUE;
        }
      if (*r->p != ',')
        return fail (r, "expected , or }");
      r->p++;
    }
}

static gboolean
read_value (Reader *r,
            DaJson *node,
            guint   depth)
{
  if (depth > MAX_DEPTH)
    return fail (r, "nested too deeply");
  skip_ws (r);
  if (r->p >= r->end)
    return fail (r, "unexpected end");

  switch (*r->p)
    {
    case '{':
      return read_object (r, node, depth);
    case '[':
      return read_array (r, node, depth);
    case '"':
      node->type = DA_JSON_STRING;
      node->string = read_string (r);
      return node->string != NULL;
    case 't':
      node->type = DA_JSON_BOOL;
      node->boolean = TRUE;
      return literal (r, "true");
    case 'f':
      node->type = DA_JSON_BOOL;
      return literal (r, "false");
    case 'n':
      node->type = DA_JSON_NULL;
      return literal (r, "null");
    default:
      return read_number (r, node);
    }
}

DaJson *
_da_json_parse (const char  *data,
                gsize        len,
                GError     **error)
{
  g_autoptr(DaJson) root = g_new0 (DaJson, 1);
  Reader r = { data, data, data + len, error };

  if (!read_value (&r, root, 0))
    return NULL;
  skip_ws (&r);
  if (r.p != r.end)
    {
      fail (&r, "trailing data");
      return NULL;
    }
  return g_steal_pointer (&root);
}

void
_da_json_free (DaJson *node)
{
  if (node == NULL)
    return;
  g_free (node->string);
  g_clear_pointer (&node->items, g_ptr_array_unref);
  g_clear_pointer (&node->keys, g_ptr_array_unref);
  g_free (node);
}
