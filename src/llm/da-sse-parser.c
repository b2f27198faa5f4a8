/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-llm-error.h"
#include "da-sse-parser-private.h"

struct _DaSseParser
{
  DaSseEventFunc  func;
  gpointer        user_data;
  GString        *line;
  GString        *data;
  GString        *event;
  char           *last_id;
  gint64          retry;
  gsize           max_size;
  gsize           n_events;
  guint           bom_matched;
  guint           bom_done : 1;
  guint           skip_lf : 1;
};

static const guchar bom[] = { 0xEF, 0xBB, 0xBF };

DaSseParser *
_da_sse_parser_new (DaSseEventFunc func,
                    gpointer       user_data)
{
  DaSseParser *self = g_new0 (DaSseParser, 1);

  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event = g_string_new (NULL);
  self->retry = -1;
  self->max_size = DA_SSE_DEFAULT_MAX_EVENT_SIZE;

  return self;
}

void
_da_sse_parser_free (DaSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_free (self->last_id);
  g_free (self);
}

/* A bound on what one event may buffer (line plus data), so that a
 * server cannot make us grow without end. */
void
_da_sse_parser_set_max_event_size (DaSseParser *self,
                                   gsize        max_size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_size > 0);

  self->max_size = max_size;
}

gint64
_da_sse_parser_get_retry (DaSseParser *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->retry;
}

const char *
_da_sse_parser_get_last_event_id (DaSseParser *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->last_id;
}

gsize
_da_sse_parser_get_n_events (DaSseParser *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_events;
}

static gboolean
too_big (DaSseParser  *self,
         GError      **error)
{
  g_propagate_error (error,
                     da_llm_error_new (DA_LLM_ERROR_BAD_RESPONSE, 0, -1,
                                       "an event in the stream is larger than %" G_GSIZE_FORMAT " bytes",
                                       self->max_size));
  return FALSE;
}

static gboolean
dispatch (DaSseParser  *self,
          GError      **error)
{
  gboolean ret;

  if (self->data->len == 0)
    {
      g_string_truncate (self->event, 0);
      return TRUE;
    }

  /* Every data line appended a "\n"; the last one is not part of the data. */
  g_string_truncate (self->data, self->data->len - 1);
  self->n_events++;

  /* A name that is empty as a C string (it may hold NUL bytes) is no name. */
  ret = self->func (self->event->str[0] != '\0' ? self->event->str : "message",
                    self->data->str, self->data->len,
                    self->last_id,
                    self->user_data, error);

  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);

  return ret;
}

static gboolean
field_is (const char *name,
          gsize       name_len,
          const char *expected)
{
  return strlen (expected) == name_len && memcmp (name, expected, name_len) == 0;
}

static gboolean
process_line (DaSseParser  *self,
              const char   *line,
              gsize         len,
              GError      **error)
{
  const char *colon;
  const char *value;
  gsize name_len;
  gsize value_len;

  if (len == 0)
    return dispatch (self, error);

  if (line[0] == ':')
    return TRUE;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = line + len;
      value_len = 0;
    }

  if (field_is (line, name_len, "data"))
    {
      if (self->data->len + value_len + 1 > self->max_size)
        return too_big (self, error);
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
    }
  else if (field_is (line, name_len, "event"))
    {
      g_string_truncate (self->event, 0);
      g_string_append_len (self->event, value, value_len);
    }
  else if (field_is (line, name_len, "id"))
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (self->last_id);
          self->last_id = g_strndup (value, value_len);
        }
    }
  else if (field_is (line, name_len, "retry"))
    {
      gint64 retry = 0;
      gsize i;

      for (i = 0; i < value_len && g_ascii_isdigit (value[i]); i++)
        {
          if (retry > G_MAXINT64 / 10 - 10)
            break;
          retry = retry * 10 + (value[i] - '0');
        }
      if (value_len > 0 && i == value_len)
        self->retry = retry;
    }

  /* Any other field is ignored, as the format requires. */
  return TRUE;
}

static gsize
skip_bom (DaSseParser *self,
          const char  *data,
          gsize        len)
{
  gsize i = 0;

  while (!self->bom_done && i < len)
    {
      if ((guchar)data[i] == bom[self->bom_matched])
        {
          self->bom_matched++;
          i++;
          if (self->bom_matched == G_N_ELEMENTS (bom))
            self->bom_done = TRUE;
        }
      else
        {
          /* Not a BOM after all: what matched so far is ordinary input. */
          g_string_append_len (self->line, (const char *)bom, self->bom_matched);
          self->bom_done = TRUE;
        }
    }

  return i;
}

/**
 * _da_sse_parser_feed:
 * @data: (array length=len): the next bytes of the stream
 *
 * Returns: %FALSE when the stream is invalid (an event over the size
 *   bound) or the callback failed; the parser must not be fed again then
 */
gboolean
_da_sse_parser_feed (DaSseParser  *self,
                     const char   *data,
                     gsize         len,
                     GError      **error)
{
  const char *p;
  const char *end;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len == 0)
    return TRUE;

  p = data + skip_bom (self, data, len);
  end = data + len;

  if (self->skip_lf && p < end)
    {
      if (*p == '\n')
        p++;
      self->skip_lf = FALSE;
    }

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *cr = memchr (p, '\r', (nl != NULL ? nl : end) - p);
      const char *eol = cr != NULL ? cr : nl;
      gboolean ok;

      if (eol == NULL)
        {
          if (self->line->len + (end - p) > self->max_size)
            return too_big (self, error);
          g_string_append_len (self->line, p, end - p);
          break;
        }

      if (self->line->len > 0)
        {
          if (self->line->len + (eol - p) > self->max_size)
            return too_big (self, error);
          g_string_append_len (self->line, p, eol - p);
          ok = process_line (self, self->line->str, self->line->len, error);
          g_string_truncate (self->line, 0);
        }
      else
        {
          ok = process_line (self, p, eol - p, error);
        }

      if (!ok)
        return FALSE;

      if (*eol == '\r')
        {
          if (eol + 1 < end)
            {
              if (eol[1] == '\n')
                eol++;
            }
          else
            {
              self->skip_lf = TRUE;
            }
        }

      p = eol + 1;
    }

  return TRUE;
}

/**
 * _da_sse_parser_end:
 *
 * Tells the parser the stream has ended. An event that was not closed
 * by a blank line is discarded, as the format requires.
 *
 * Returns: %TRUE if the stream ended between events
 */
gboolean
_da_sse_parser_end (DaSseParser *self)
{
  gboolean clean;

  g_return_val_if_fail (self != NULL, FALSE);

  clean = self->line->len == 0 && self->data->len == 0 && self->event->len == 0;
  g_string_truncate (self->line, 0);
  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);
  self->skip_lf = FALSE;

  return clean;
}
