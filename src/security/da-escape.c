/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include "da-escape.h"

/**
 * da_escape_needs_escape:
 *
 * Whether @c is shown escaped: C0 and C1 controls and DEL (so ANSI
 * sequences cannot act on a terminal), every format character (bidi
 * embeddings, overrides and isolates U+202A–202E and U+2066–2069, the
 * marks U+200E, U+200F and U+061C, the zero-width characters U+200B–200D,
 * U+2060 and U+FEFF, soft hyphen, and the tag characters U+E0000–E007F that
 * can hide text), line and paragraph separators, private-use and
 * unassigned code points.
 */
gboolean
da_escape_needs_escape (gunichar c)
{
  if (c < 0x20 || c == 0x7f)
    return TRUE;
  if (c < 0x7f)
    return FALSE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
      return TRUE;
    default:
      break;
    }

  /* Named explicitly so the list does not depend on the Unicode tables. */
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x200e || c == 0x200f || c == 0x061c ||
         (c >= 0x200b && c <= 0x200d) || c == 0x2060 || c == 0xfeff;
}

/**
 * da_escape_for_display:
 * @text: bytes, not necessarily UTF-8
 * @len: length of @text, or -1 when it is nul-terminated
 *
 * Makes untrusted text safe to show in a prompt, a dialog or a terminal:
 * characters for which da_escape_needs_escape() is true become \xNN
 * (below U+0080), \uNNNN or \UNNNNNNNN; bytes that are not valid UTF-8
 * become \xNN; a backslash becomes "\\" so an escape is never ambiguous.
 *
 * Returns: (transfer full): valid UTF-8 with no control or invisible
 *   characters
 */
char *
da_escape_for_display (const char *text,
                       gssize      len)
{
  GString *out;
  const char *p, *end;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (text == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (text);

  out = g_string_sized_new (len + 8);
  p = text;
  end = text + len;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_string_append_printf (out, "\\x%02x", (guint)(guchar)*p);
          p++;
          continue;
        }

      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (!da_escape_needs_escape (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c <= 0xffff)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_printf (out, "\\U%08x", c);

      /* NUL decodes as U+0000 with a length of one byte. */
      p = c == 0 ? p + 1 : g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}
