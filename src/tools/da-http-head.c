/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <string.h>

#include "da-http-head-private.h"
#include "da-tool-error.h"

/* Hop-by-hop and proxy headers never forwarded; Host is rewritten from the
 * checked authority so the origin cannot be told another name. */
static const char * const dropped_headers[] = {
  "proxy-authorization", "proxy-connection", "proxy-authenticate",
  "connection", "keep-alive", "te", "trailer", "upgrade", "host",
};

void
_da_http_head_free (DaHttpHead *head)
{
  if (head == NULL)
    return;
  g_free (head->method);
  g_free (head->host);
  g_free (head->path);
  g_free (head->version);
  g_clear_pointer (&head->headers, g_ptr_array_unref);
  g_free (head);
}

/**
 * _da_http_head_find_end:
 *
 * Returns: the length of the head including its blank line, or -1 when
 *   @data does not hold a complete head yet.
 */
gssize
_da_http_head_find_end (const char *data,
                        gsize       len)
{
  for (gsize i = 0; i + 1 < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (data[i + 1] == '\n')
        return i + 2;
      if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
        return i + 3;
    }
  return -1;
}

static gboolean
is_tchar (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

static gboolean
is_token (const char *s,
          gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_tchar (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_port (const char *s,
            guint16    *port)
{
  guint64 v = 0;

  if (s == NULL || *s == '\0' || strlen (s) > 5)
    return FALSE;
  for (const char *p = s; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint64)(*p - '0');
    }
  if (v == 0 || v > 65535)
    return FALSE;
  *port = (guint16)v;
  return TRUE;
}

static gboolean
valid_host (const char *host)
{
  gsize len = strlen (host);

  if (len == 0 || len > 253)
    return FALSE;
  if (strchr (host, ':') != NULL)
    {
      /* IPv6 literal */
      for (const char *p = host; *p; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':' && *p != '.')
          return FALSE;
      return TRUE;
    }
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

/* authority = host [":" port] | "[" v6 "]" [":" port]; no userinfo. */
static gboolean
parse_authority (const char  *authority,
                 gboolean     port_required,
                 guint16      default_port,
                 char       **out_host,
                 guint16     *out_port,
                 GError     **error)
{
  g_autofree char *host = NULL;
  const char *port_str = NULL;
  guint16 port = default_port;

  if (strchr (authority, '@') != NULL)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   "credentials in the request target are not accepted");
      return FALSE;
    }

  if (authority[0] == '[')
    {
      const char *close = strchr (authority, ']');

      if (close == NULL)
        goto bad;
      host = g_strndup (authority + 1, close - authority - 1);
      if (close[1] == ':')
        port_str = close + 2;
      else if (close[1] != '\0')
        goto bad;
    }
  else
    {
      const char *colon = strrchr (authority, ':');

      if (colon != NULL && strchr (authority, ':') != colon)
        goto bad; /* bare IPv6 without brackets */
      if (colon != NULL)
        {
          host = g_strndup (authority, colon - authority);
          port_str = colon + 1;
        }
      else
        host = g_strdup (authority);
    }

  if (port_str != NULL && !parse_port (port_str, &port))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   "invalid port in request target");
      return FALSE;
    }
  if (port_str == NULL && port_required)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   "CONNECT needs host:port");
      return FALSE;
    }

  {
    g_autofree char *lower = g_ascii_strdown (host, -1);
    gsize l = strlen (lower);

    while (l > 0 && lower[l - 1] == '.')
      lower[--l] = '\0';
    if (!valid_host (lower))
      goto bad;
    *out_host = g_steal_pointer (&lower);
  }
  *out_port = port;
  return TRUE;

bad:
  g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
               "invalid host in request target");
  return FALSE;
}

static gboolean
header_dropped (const char *name,
                gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (dropped_headers); i++)
    if (strlen (dropped_headers[i]) == len &&
        g_ascii_strncasecmp (name, dropped_headers[i], len) == 0)
      return TRUE;
  return FALSE;
}

/**
 * _da_http_head_parse:
 * @data: bytes received from the client
 * @len: their length
 *
 * Parses a proxy request head. Pure; never reads past @len.
 *
 * Returns: (transfer full): the head, or %NULL with %DA_TOOL_ERROR_PROTOCOL
 */
DaHttpHead *
_da_http_head_parse (const char  *data,
                     gsize        len,
                     GError     **error)
{
  g_autoptr(DaHttpHead) head = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) parts = NULL;
  gssize end;

  end = _da_http_head_find_end (data, MIN (len, DA_HTTP_HEAD_MAX));
  if (end < 0)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   len >= DA_HTTP_HEAD_MAX ? "request head too large" : "incomplete request head");
      return NULL;
    }
  if (memchr (data, '\0', end) != NULL)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "NUL byte in request head");
      return NULL;
    }

  text = g_strndup (data, end);
  g_strdelimit (text, "\r", '\n');
  /* CRLF became "\n\n"; split on \n and skip the empty pieces, but a lone
   * CR inside a line would now split it: reject those first. */
  for (gssize i = 0; i < end; i++)
    if (data[i] == '\r' && (i + 1 >= end || data[i + 1] != '\n'))
      {
        g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "bare CR in request head");
        return NULL;
      }

  lines = g_strsplit (text, "\n", -1);
  head = g_new0 (DaHttpHead, 1);
  head->headers = g_ptr_array_new_with_free_func (g_free);
  head->head_len = end;

  parts = g_strsplit (lines[0], " ", -1);
  if (g_strv_length (parts) != 3 || !is_token (parts[0], strlen (parts[0])))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "malformed request line");
      return NULL;
    }
  if (!g_str_equal (parts[2], "HTTP/1.1") && !g_str_equal (parts[2], "HTTP/1.0"))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "unsupported HTTP version");
      return NULL;
    }
  head->method = g_strdup (parts[0]);
  head->version = g_strdup (parts[2]);

  if (g_str_equal (head->method, "CONNECT"))
    {
      if (!parse_authority (parts[1], TRUE, 0, &head->host, &head->port, error))
        return NULL;
    }
  else
    {
      const char *target = parts[1];
      const char *slash;
      g_autofree char *authority = NULL;

      if (g_ascii_strncasecmp (target, "http://", 7) != 0)
        {
          g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                       "a proxy request needs an absolute http:// URL (use CONNECT for https)");
          return NULL;
        }
      target += 7;
      slash = strpbrk (target, "/?#");
      authority = slash ? g_strndup (target, slash - target) : g_strdup (target);
      if (!parse_authority (authority, FALSE, 80, &head->host, &head->port, error))
        return NULL;
      if (slash == NULL || *slash == '#')
        head->path = g_strdup ("/");
      else if (*slash == '?')
        head->path = g_strconcat ("/", slash, NULL);
      else
        head->path = g_strdup (slash);
      /* Fragments never go on the wire. */
      if (strchr (head->path, '#'))
        *strchr (head->path, '#') = '\0';
      for (const char *p = head->path; *p; p++)
        if ((guchar)*p <= 0x20 || *p == 0x7f)
          {
            g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "invalid character in path");
            return NULL;
          }
    }

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *colon;

      if (line[0] == '\0')
        continue;
      if (line[0] == ' ' || line[0] == '\t')
        {
          g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "folded header lines are not accepted");
          return NULL;
        }
      colon = strchr (line, ':');
      if (colon == NULL || !is_token (line, colon - line))
        {
          g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL, "malformed header line");
          return NULL;
        }
      if (!header_dropped (line, colon - line))
        g_ptr_array_add (head->headers, g_strdup (line));
    }

  return g_steal_pointer (&head);
}
