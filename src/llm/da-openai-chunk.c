/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-openai-chunk-private.h"

static void
tool_fragment_free (gpointer data)
{
  DaOpenaiToolFragment *fragment = data;

  g_free (fragment->id);
  g_free (fragment->name);
  g_free (fragment->arguments);
  g_free (fragment);
}

void
_da_openai_chunk_clear (DaOpenaiChunk *chunk)
{
  g_clear_pointer (&chunk->content, g_free);
  g_clear_pointer (&chunk->tool_fragments, g_ptr_array_unref);
  g_clear_pointer (&chunk->finish_reason, g_free);
  g_clear_pointer (&chunk->error_message, g_free);
  g_clear_pointer (&chunk->error_type, g_free);
  g_clear_pointer (&chunk->error_code, g_free);
  chunk->has_usage = FALSE;
  chunk->has_error = FALSE;
  chunk->prompt_tokens = 0;
  chunk->completion_tokens = 0;
}

/* A stream brings several chunks per reply, each a small JSON object of
 * which a few members matter; building a JsonNode tree for each cost more
 * than everything else a streamed call does. So a chunk is checked to be
 * JSON (RFC 8259; raw control characters in strings are let through, as
 * json-glib does) in one pass, and the members wanted are then read in
 * place. Of duplicate members the last counts, as with json-glib. */

#define MAX_DEPTH 128

typedef struct
{
  const char *p;
  const char *end;
} Span;

static const char *
skip_ws (const char *p,
         const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* Each checker advances *pp past a valid value, or returns FALSE. */
static gboolean
check_string (const char **pp,
              const char  *end)
{
  const char *p = *pp + 1;

  while (p < end && *p != '"')
    {
      if (*p == '\\')
        {
          if (++p >= end)
            return FALSE;
          if (*p == 'u')
            {
              if (end - p < 5 || !is_hex (p[1]) || !is_hex (p[2]) || !is_hex (p[3]) || !is_hex (p[4]))
                return FALSE;
              p += 4;
            }
          else if (strchr ("\"\\/bfnrt", *p) == NULL || *p == '\0')
            {
              return FALSE;
            }
        }
      p++;
    }
  if (p >= end)
    return FALSE;
  *pp = p + 1;
  return TRUE;
}

static gboolean
check_digits (const char **pp,
              const char  *end)
{
  const char *p = *pp;

  while (p < end && g_ascii_isdigit (*p))
    p++;
  if (p == *pp)
    return FALSE;
  *pp = p;
  return TRUE;
}

static gboolean
check_number (const char **pp,
              const char  *end)
{
  const char *p = *pp;

  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    p++;
  else if (!check_digits (&p, end))
    return FALSE;
  if (p < end && *p == '.')
    {
      p++;
      if (!check_digits (&p, end))
        return FALSE;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (!check_digits (&p, end))
        return FALSE;
    }
  *pp = p;
  return TRUE;
}

static gboolean
check_word (const char **pp,
            const char  *end,
            const char  *word)
{
  gsize len = strlen (word);

  if ((gsize)(end - *pp) < len || memcmp (*pp, word, len) != 0)
    return FALSE;
  *pp += len;
  return TRUE;
}

static gboolean
check_value (const char **pp,
             const char  *end,
             guint        depth)
{
  const char *p = skip_ws (*pp, end);
  gboolean ok;

  if (p >= end)
    return FALSE;

  switch (*p)
    {
    case '{':
    case '[':
      {
        char close = *p == '{' ? '}' : ']';
        gboolean object = *p == '{';

        if (depth >= MAX_DEPTH)
          return FALSE;
        p = skip_ws (p + 1, end);
        if (p < end && *p == close)
          {
            p++;
            ok = TRUE;
            break;
          }
        for (;;)
          {
            if (object)
              {
                p = skip_ws (p, end);
                if (p >= end || *p != '"' || !check_string (&p, end))
                  return FALSE;
                p = skip_ws (p, end);
                if (p >= end || *p != ':')
                  return FALSE;
                p++;
              }
            if (!check_value (&p, end, depth + 1))
              return FALSE;
            p = skip_ws (p, end);
            if (p < end && *p == ',')
              {
                p++;
                continue;
              }
            if (p < end && *p == close)
              {
                p++;
                break;
              }
            return FALSE;
          }
        ok = TRUE;
      }
      break;
    case '"':
      ok = check_string (&p, end);
      break;
    case 't':
      ok = check_word (&p, end, "true");
      break;
    case 'f':
      ok = check_word (&p, end, "false");
      break;
    case 'n':
      ok = check_word (&p, end, "null");
      break;
    default:
      ok = check_number (&p, end);
      break;
    }

  if (ok)
    *pp = p;
  return ok;
}

/* Past a value known to be valid. */
static const char *
value_end (const char *p,
           const char *end)
{
  gboolean ok = check_value (&p, end, 0);

  g_assert (ok);
  return p;
}

static void
append_utf8 (GString  *out,
             gunichar  c)
{
  char buf[6];

  g_string_append_len (out, buf, g_unichar_to_utf8 (c, buf));
}

static guint
hex_value (const char *p)
{
  guint v = 0;

  for (guint i = 0; i < 4; i++)
    v = v * 16 + g_ascii_xdigit_value (p[i]);
  return v;
}

/* The text of a valid string value; a lone surrogate becomes U+FFFD. */
static char *
decode_string (Span value)
{
  const char *p = value.p + 1;
  const char *run = p;
  GString *out = g_string_sized_new (value.end - value.p);

  while (*p != '"')
    {
      guint c;

      if (*p != '\\')
        {
          p++;
          continue;
        }
      g_string_append_len (out, run, p - run);
      p++;
      switch (*p)
        {
        case 'b': g_string_append_c (out, '\b'); p++; break;
        case 'f': g_string_append_c (out, '\f'); p++; break;
        case 'n': g_string_append_c (out, '\n'); p++; break;
        case 'r': g_string_append_c (out, '\r'); p++; break;
        case 't': g_string_append_c (out, '\t'); p++; break;
        case 'u':
          c = hex_value (p + 1);
          p += 5;
          if (c >= 0xD800 && c <= 0xDBFF && p[0] == '\\' && p[1] == 'u' &&
              hex_value (p + 2) >= 0xDC00 && hex_value (p + 2) <= 0xDFFF)
            {
              c = 0x10000 + ((c - 0xD800) << 10) + (hex_value (p + 2) - 0xDC00);
              p += 6;
            }
          else if (c >= 0xD800 && c <= 0xDFFF)
            {
              c = 0xFFFD;
            }
          if (c == 0)
            c = 0xFFFD;   /* not kept in a C string */
          append_utf8 (out, c);
          break;
        default:
          g_string_append_c (out, *p);
          p++;
          break;
        }
      run = p;
    }
  g_string_append_len (out, run, p - run);

  return g_string_free (out, FALSE);
}

static gboolean
key_equals (Span        key,
            const char *name)
{
  gsize len = strlen (name);

  if (memchr (key.p, '\\', key.end - key.p) == NULL)
    return (gsize)(key.end - key.p) == len + 2 && memcmp (key.p + 1, name, len) == 0;
  else
    {
      g_autofree char *text = decode_string (key);

      return g_str_equal (text, name);
    }
}

/* The last member @name of a valid object, if there is one. */
static gboolean
member (Span        object,
        const char *name,
        Span       *value)
{
  const char *p;
  gboolean found = FALSE;

  if (object.p == NULL || *object.p != '{')
    return FALSE;

  p = skip_ws (object.p + 1, object.end);
  while (*p == '"')
    {
      Span key = { p, NULL };

      check_string (&p, object.end);
      key.end = p;
      p = skip_ws (p, object.end) + 1;
      p = skip_ws (p, object.end);
      if (key_equals (key, name))
        {
          value->p = p;
          value->end = value_end (p, object.end);
          found = TRUE;
        }
      p = skip_ws (value_end (p, object.end), object.end);
      if (*p == ',')
        p = skip_ws (p + 1, object.end);
    }

  return found;
}

static gboolean
member_of_kind (Span        object,
                const char *name,
                char        first,
                Span       *value)
{
  return member (object, name, value) && *value->p == first;
}

/* Calls @func on each element of a valid array. */
static void
foreach_element (Span   array,
                 void (*func) (Span, guint, gpointer),
                 gpointer user_data)
{
  const char *p = skip_ws (array.p + 1, array.end);
  guint i = 0;

  while (*p != ']')
    {
      Span element = { p, value_end (p, array.end) };

      func (element, i++, user_data);
      p = skip_ws (element.end, array.end);
      if (*p == ',')
        p = skip_ws (p + 1, array.end);
    }
}

static gboolean
is_number (Span value)
{
  return *value.p == '-' || g_ascii_isdigit (*value.p);
}

static gboolean
is_integer (Span value)
{
  return is_number (value) && memchr (value.p, '.', value.end - value.p) == NULL &&
         memchr (value.p, 'e', value.end - value.p) == NULL &&
         memchr (value.p, 'E', value.end - value.p) == NULL;
}

static gint64
integer_value (Span value)
{
  g_autofree char *text = g_strndup (value.p, value.end - value.p);

  return g_ascii_strtoll (text, NULL, 10);
}

static double
double_value (Span value)
{
  g_autofree char *text = g_strndup (value.p, value.end - value.p);

  return g_ascii_strtod (text, NULL);
}

/* The member as a string, or NULL when it is absent, null or not a
 * string. Integers are accepted too for the few servers that send codes
 * as numbers. */
static char *
dup_string_member (Span        object,
                   const char *name)
{
  Span value;

  if (!member (object, name, &value))
    return NULL;
  if (*value.p == '"')
    return decode_string (value);
  if (is_integer (value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, integer_value (value));
  return NULL;
}

static gint64
int_member (Span        object,
            const char *name)
{
  Span value;

  if (!member (object, name, &value) || !is_number (value))
    return 0;
  if (is_integer (value))
    return MAX (0, integer_value (value));
  return (gint64)CLAMP (double_value (value), 0.0, (double)G_MAXINT32);
}

static void
parse_error (Span           root,
             DaOpenaiChunk *chunk)
{
  Span error;

  if (!member (root, "error", &error) || *error.p == 'n')
    return;

  chunk->has_error = TRUE;

  /* Some servers send {"error": "text"}. */
  if (*error.p != '{')
    {
      if (*error.p != '[')
        chunk->error_message = dup_string_member (root, "error");
      return;
    }

  chunk->error_message = dup_string_member (error, "message");
  chunk->error_type = dup_string_member (error, "type");
  chunk->error_code = dup_string_member (error, "code");
}

static void
parse_tool_call (Span     call,
                 guint    i,
                 gpointer user_data)
{
  DaOpenaiChunk *chunk = user_data;
  DaOpenaiToolFragment *fragment;
  Span index;
  Span function;

  if (*call.p != '{')
    return;

  fragment = g_new0 (DaOpenaiToolFragment, 1);
  /* A missing index means the server sends whole calls in order. */
  if (member (call, "index", &index) && is_integer (index))
    fragment->index = (guint)CLAMP (integer_value (index), 0, G_MAXUINT16);
  else
    fragment->index = i;
  fragment->id = dup_string_member (call, "id");

  if (member_of_kind (call, "function", '{', &function))
    {
      fragment->name = dup_string_member (function, "name");
      fragment->arguments = dup_string_member (function, "arguments");
    }

  if (chunk->tool_fragments == NULL)
    chunk->tool_fragments = g_ptr_array_new_with_free_func (tool_fragment_free);
  g_ptr_array_add (chunk->tool_fragments, fragment);
}

static void
parse_choice (Span           choice,
              DaOpenaiChunk *chunk)
{
  Span delta;

  chunk->finish_reason = dup_string_member (choice, "finish_reason");

  if (member_of_kind (choice, "delta", '{', &delta))
    {
      Span calls;

      chunk->content = dup_string_member (delta, "content");
      if (member_of_kind (delta, "tool_calls", '[', &calls))
        foreach_element (calls, parse_tool_call, chunk);
    }
}

static void
first_choice (Span     element,
              guint    i,
              gpointer user_data)
{
  if (i == 0 && *element.p == '{')
    parse_choice (element, user_data);
}

/**
 * _da_openai_chunk_parse:
 * @data: (array length=len): one `data:` payload of the event stream
 * @chunk: (out caller-allocates): zero-initialised; clear it after use
 *
 * Reads a chat.completion.chunk: the first choice's text and tool-call
 * fragments and finish reason, the usage (on the last chunk, whose
 * choices are empty) and an error object if the server sent one instead.
 * Unknown members are ignored.
 *
 * Returns: %FALSE with a %DA_LLM_ERROR_BAD_RESPONSE error when @data is
 *   not a JSON object
 */
gboolean
_da_openai_chunk_parse (const char     *data,
                        gsize           len,
                        DaOpenaiChunk  *chunk,
                        GError        **error)
{
  const char *end = data + len;
  const char *p = data;
  Span root;
  Span usage;
  Span choices;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (chunk != NULL, FALSE);

  if (len > G_MAXSSIZE || !g_utf8_validate (data, len, NULL))
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: not UTF-8"));
      return FALSE;
    }

  if (!check_value (&p, end, 0) || skip_ws (p, end) != end)
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream at byte %" G_GSIZE_FORMAT,
                                           (gsize)(MIN (p, end) - data)));
      return FALSE;
    }

  root.p = skip_ws (data, end);
  root.end = end;
  if (*root.p != '{')
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                           "invalid JSON in the stream: not an object"));
      return FALSE;
    }

  parse_error (root, chunk);

  if (member_of_kind (root, "choices", '[', &choices))
    foreach_element (choices, first_choice, chunk);

  if (member_of_kind (root, "usage", '{', &usage))
    {
      chunk->has_usage = TRUE;
      chunk->prompt_tokens = int_member (usage, "prompt_tokens");
      chunk->completion_tokens = int_member (usage, "completion_tokens");
    }

  return TRUE;
}
