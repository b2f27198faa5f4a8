/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_HTTP_HEAD_MAX 16384

/* A proxy request head: "CONNECT host:port HTTP/1.1" or
 * "GET http://host[:port]/path HTTP/1.1", with its header lines. */
typedef struct
{
  char      *method;
  char      *host;      /* lower case; IPv6 literals without brackets */
  guint16    port;
  char      *path;      /* origin-form for plain HTTP, NULL for CONNECT */
  char      *version;   /* "HTTP/1.1" or "HTTP/1.0" */
  GPtrArray *headers;   /* "Name: value" lines, without Proxy-* ones */
  gsize      head_len;  /* bytes consumed, including the blank line */
} DaHttpHead;

gssize      _da_http_head_find_end (const char  *data,
                                    gsize        len);
DaHttpHead *_da_http_head_parse    (const char  *data,
                                    gsize        len,
                                    GError     **error);
void        _da_http_head_free     (DaHttpHead  *head);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaHttpHead, _da_http_head_free)

G_END_DECLS
