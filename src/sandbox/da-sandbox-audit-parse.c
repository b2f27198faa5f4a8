/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "da-sandbox-audit-parse.h"

/* The reader of Landlock's audit records, as the kernel sends them on the
 * audit netlink socket: netlink messages whose payload is one line of
 * text, "audit(SECONDS.MS:SERIAL): key=value key=value …".  Values are
 * plain words, "quoted" strings, or (strings the kernel does not trust:
 * paths with spaces, quotes or control bytes) hexadecimal bytes.
 *
 * Pure functions over a buffer, bounded everywhere: the fuzz target
 * tests/sandbox/fuzz-sandbox-audit.c replays tests/data/sandbox-audit. */

/* struct nlmsghdr, spelled out so the reader needs no kernel header. */
#define NL_HDRLEN   16
#define NL_ALIGN(n) (((n) + 3u) & ~3u)

static gboolean
is_hex_digit (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return c - 'a' + 10;
}

/* Copies a value into OUT (size N, always terminated): quoted → the
 * inside; all hex digits, even count → decoded bytes (a decoded NUL ends
 * the string); otherwise as it is. */
static void
copy_value (const char *v,
            gsize       vlen,
            gboolean    untrusted,
            char       *out,
            gsize       n)
{
  gsize o = 0;
  gboolean hex = untrusted && vlen >= 2 && vlen % 2 == 0;

  for (gsize i = 0; hex && i < vlen; i++)
    hex = is_hex_digit (v[i]);

  if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
    {
      v++;
      vlen -= 2;
    }
  else if (hex)
    {
      for (gsize i = 0; i + 1 < vlen && o + 1 < n; i += 2)
        {
          char c = (char) (hex_value (v[i]) * 16 + hex_value (v[i + 1]));

          if (c == '\0')
            break;
          out[o++] = c;
        }
      out[o] = '\0';
      return;
    }
  for (gsize i = 0; i < vlen && o + 1 < n; i++)
    {
      if (v[i] == '\0')
        break;
      out[o++] = v[i];
    }
  out[o] = '\0';
}

static gboolean
parse_u64 (const char *v,
           gsize       vlen,
           guint       base,
           guint64    *out)
{
  guint64 r = 0;

  if (vlen == 0 || vlen > (base == 16 ? 16 : 19))
    return FALSE;
  for (gsize i = 0; i < vlen; i++)
    {
      int d;

      if (base == 16 && is_hex_digit (v[i]))
        d = hex_value (v[i]);
      else if (v[i] >= '0' && v[i] <= '9')
        d = v[i] - '0';
      else
        return FALSE;
      r = r * base + (guint64) d;
    }
  *out = r;
  return TRUE;
}

static gboolean
key_is (const char *k,
        gsize       klen,
        const char *name)
{
  return klen == strlen (name) && memcmp (k, name, klen) == 0;
}

/* One record's text (not necessarily terminated).  FALSE when it is not
 * a Landlock record of the expected shape. */
gboolean
_da_sandbox_audit_parse_text (guint16               type,
                              const char           *text,
                              gsize                 len,
                              DaSandboxAuditRecord *out)
{
  const char *p = text, *end;
  gint64 dest = -1, src = -1, lport = -1;

  memset (out, 0, sizeof *out);
  out->type = type;
  out->port = -1;
  out->pid = -1;
  out->denials = -1;
  if (type != DA_AUDIT_LANDLOCK_ACCESS && type != DA_AUDIT_LANDLOCK_DOMAIN)
    return FALSE;
  if (text == NULL || len == 0)
    return FALSE;

  end = memchr (text, '\0', len);
  if (end == NULL)
    end = text + len;

  /* "audit(1796566125.077:8): " */
  if (end - p < 6 || memcmp (p, "audit(", 6) != 0)
    return FALSE;
  p += 6;
  {
    const char *colon = memchr (p, ':', (gsize) (end - p));
    const char *close = colon ? memchr (colon, ')', (gsize) (end - colon)) : NULL;

    if (close == NULL || !parse_u64 (colon + 1, (gsize) (close - colon - 1), 10, &out->serial))
      return FALSE;
    p = close + 1;
    if (p < end && *p == ':')
      p++;
  }

  while (p < end)
    {
      const char *k, *eq, *v, *vend;
      gsize klen, vlen;

      while (p < end && *p == ' ')
        p++;
      if (p >= end)
        break;
      k = p;
      while (p < end && *p != '=' && *p != ' ')
        p++;
      if (p >= end || *p != '=')
        continue;
      eq = p;
      klen = (gsize) (eq - k);
      v = eq + 1;
      if (v < end && *v == '"')
        {
          const char *q = memchr (v + 1, '"', (gsize) (end - v - 1));

          vend = q ? q + 1 : end;
        }
      else
        {
          vend = v;
          while (vend < end && *vend != ' ')
            vend++;
        }
      vlen = (gsize) (vend - v);
      p = vend;

      if (key_is (k, klen, "domain"))
        out->has_domain = parse_u64 (v, vlen, 16, &out->domain);
      else if (key_is (k, klen, "blockers"))
        copy_value (v, vlen, FALSE, out->blockers, sizeof out->blockers);
      else if (key_is (k, klen, "path"))
        copy_value (v, vlen, TRUE, out->path, sizeof out->path);
      else if (key_is (k, klen, "status"))
        copy_value (v, vlen, FALSE, out->status, sizeof out->status);
      else
        {
          guint64 n;
          gint64 *slot = NULL;

          if (key_is (k, klen, "pid"))
            slot = &out->pid;
          else if (key_is (k, klen, "denials"))
            slot = &out->denials;
          else if (key_is (k, klen, "dest"))
            slot = &dest;
          else if (key_is (k, klen, "src"))
            slot = &src;
          else if (key_is (k, klen, "lport"))
            slot = &lport;
          if (slot != NULL && parse_u64 (v, vlen, 10, &n) && n <= G_MAXINT64)
            *slot = (gint64) n;
        }
    }

  out->port = dest >= 0 ? dest : src >= 0 ? src : lport;
  if (!out->has_domain)
    return FALSE;
  if (type == DA_AUDIT_LANDLOCK_ACCESS)
    return out->blockers[0] != '\0';
  return out->status[0] != '\0';
}

/* Walks the netlink messages in BUF and calls FN for each Landlock
 * record.  Returns how many there were, or -1 when a header is
 * malformed (the walk stops there). */
int
_da_sandbox_audit_parse (const void       *buf,
                         gsize             len,
                         DaSandboxAuditFn  fn,
                         gpointer          data)
{
  const guint8 *p = buf;
  gsize off = 0;
  int n = 0;

  while (off + NL_HDRLEN <= len)
    {
      guint32 msg_len;
      guint16 type;
      DaSandboxAuditRecord record;

      memcpy (&msg_len, p + off, 4);
      memcpy (&type, p + off + 4, 2);
      if (msg_len < NL_HDRLEN || msg_len > len - off)
        return -1;
      if (_da_sandbox_audit_parse_text (type, (const char *) p + off + NL_HDRLEN,
                                        msg_len - NL_HDRLEN, &record))
        {
          n++;
          if (fn != NULL)
            fn (&record, data);
        }
      if (NL_ALIGN (msg_len) > len - off)
        break;
      off += NL_ALIGN (msg_len);
    }
  return n;
}
