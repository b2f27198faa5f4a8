/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <gio/gio.h>

#include "da-permissions-private.h"

static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static gboolean
parse_ipv4_part (const char *s,
                 gsize       len,
                 guint64    *out)
{
  guint base = 10;
  guint64 value = 0;

  if (len == 0)
    return FALSE;

  if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
      base = 16;
      s += 2;
      len -= 2;
    }
  else if (len >= 2 && s[0] == '0')
    {
      base = 8;
      s++;
      len--;
    }

  for (gsize i = 0; i < len; i++)
    {
      int digit = g_ascii_xdigit_value (s[i]);

      if (digit < 0 || (guint)digit >= base)
        return FALSE;
      value = value * base + (guint)digit;
      if (value > G_MAXUINT32)
        return FALSE;
    }

  *out = value;
  return TRUE;
}

/* IPv4 in every form inet_aton() and URL parsers accept: one to four
 * parts, each decimal, octal (leading 0) or hex (0x); the last part
 * fills the remaining bytes ("127.1", "2130706433", "0x7f.0.0.1"). */
gboolean
_da_net_parse_ipv4 (const char *text,
                    guint8      out[4])
{
  guint64 parts[4];
  guint n = 0;
  const char *p = text;
  guint64 value;

  for (;;)
    {
      const char *dot = strchr (p, '.');
      gsize len = dot ? (gsize)(dot - p) : strlen (p);

      if (n == 4 || !parse_ipv4_part (p, len, &parts[n]))
        return FALSE;
      n++;
      if (dot == NULL)
        break;
      p = dot + 1;
    }

  for (guint i = 0; i + 1 < n; i++)
    if (parts[i] > 255)
      return FALSE;
  if (parts[n - 1] > (G_MAXUINT32 >> (8 * (n - 1))))
    return FALSE;

  value = parts[n - 1];
  for (guint i = 0; i + 1 < n; i++)
    value |= parts[i] << (8 * (3 - i));

  out[0] = (value >> 24) & 0xff;
  out[1] = (value >> 16) & 0xff;
  out[2] = (value >> 8) & 0xff;
  out[3] = value & 0xff;
  return TRUE;
}

/* True when the last label is a number: such a name is an address or
 * nothing (WHATWG URL "ends in a number"), never a host name. */
static gboolean
ends_in_number (const char *host)
{
  const char *last = strrchr (host, '.');

  last = last ? last + 1 : host;
  if (*last == '\0')
    return FALSE;
  if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    {
      for (const char *p = last + 2; *p; p++)
        if (!g_ascii_isxdigit (*p))
          return FALSE;
      return TRUE;
    }
  for (const char *p = last; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
_da_net_parse_addr (const char *text,
                    DaNetAddr  *out)
{
  memset (out, 0, sizeof *out);

  if (strchr (text, ':') == NULL)
    {
      out->family = 4;
      return _da_net_parse_ipv4 (text, out->bytes);
    }

  if (inet_pton (AF_INET6, text, out->bytes) != 1)
    return FALSE;

  out->family = 6;
  if (memcmp (out->bytes, v4_mapped_prefix, 12) == 0)
    {
      out->family = 4;
      memmove (out->bytes, out->bytes + 12, 4);
      memset (out->bytes + 4, 0, 12);
    }
  return TRUE;
}

char *
_da_net_addr_to_string (const DaNetAddr *addr)
{
  char buf[INET6_ADDRSTRLEN];

  if (inet_ntop (addr->family == 4 ? AF_INET : AF_INET6, addr->bytes, buf, sizeof buf) == NULL)
    return g_strdup ("?");
  return g_strdup (buf);
}

static gboolean
host_name_is_valid (const char *host)
{
  gsize len = strlen (host);
  gsize label = 0;

  if (len == 0 || len > 253)
    return FALSE;

  for (const char *p = host; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (label == 0 || label > 63)
            return FALSE;
          if (*p == '\0')
            break;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
      label++;
    }
  return TRUE;
}

static gboolean
parse_port (const char *s,
            int        *port)
{
  guint64 value;

  if (s[0] == '\0' || strlen (s) > 5)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  value = g_ascii_strtoull (s, NULL, 10);
  if (value == 0 || value > 65535)
    return FALSE;
  *port = (int)value;
  return TRUE;
}

static void
fold_unspecified (DaNetAddr *addr)
{
  static const guint8 zero[16] = { 0 };

  /* Connecting to 0.0.0.0 or :: reaches the local host on Linux. */
  if (addr->family == 4 && memcmp (addr->bytes, zero, 4) == 0)
    addr->bytes[0] = 127, addr->bytes[3] = 1;
  else if (addr->family == 6 && memcmp (addr->bytes, zero, 16) == 0)
    addr->bytes[15] = 1;
}

void
_da_net_target_clear (DaNetTarget *target)
{
  g_clear_pointer (&target->host, g_free);
}

gboolean
_da_net_parse_target (const char   *text,
                      DaNetTarget  *out,
                      GError      **error)
{
  g_autofree char *host = NULL;
  g_autofree char *ascii = NULL;
  const char *colon;

  memset (out, 0, sizeof *out);
  out->port = -1;

  if (text == NULL || text[0] == '\0')
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "Empty host");
      return FALSE;
    }

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');
      g_autofree char *inner = NULL;

      if (close == NULL ||
          (close[1] != '\0' && (close[1] != ':' || !parse_port (close + 2, &out->port))))
        goto invalid;
      inner = g_strndup (text + 1, close - text - 1);
      if (strchr (inner, ':') == NULL || !_da_net_parse_addr (inner, &out->addr))
        goto invalid;
      out->is_addr = TRUE;
      fold_unspecified (&out->addr);
      return TRUE;
    }

  colon = strchr (text, ':');
  if (colon != NULL && strchr (colon + 1, ':') != NULL)
    {
      /* A bare IPv6 address: no port possible without brackets. */
      if (!_da_net_parse_addr (text, &out->addr))
        goto invalid;
      out->is_addr = TRUE;
      fold_unspecified (&out->addr);
      return TRUE;
    }

  if (colon != NULL)
    {
      if (!parse_port (colon + 1, &out->port))
        goto invalid;
      host = g_strndup (text, colon - text);
    }
  else
    host = g_strdup (text);

  /* IDNA first: full-width digits and dots map to ASCII ones, and the
   * result may then be an address. */
  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL)
    goto invalid;
  {
    char *lower = g_ascii_strdown (ascii, -1);
    gsize len = strlen (lower);

    g_free (ascii);
    ascii = lower;
    if (len > 0 && ascii[len - 1] == '.')
      ascii[len - 1] = '\0';
  }

  if (ends_in_number (ascii))
    {
      out->addr.family = 4;
      if (!_da_net_parse_ipv4 (ascii, out->addr.bytes))
        goto invalid;
      out->is_addr = TRUE;
      fold_unspecified (&out->addr);
      return TRUE;
    }

  if (!host_name_is_valid (ascii))
    goto invalid;

  out->host = g_steal_pointer (&ascii);
  return TRUE;

invalid:
  out->port = -1;
  g_set_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
               "Invalid host “%s”", text);
  return FALSE;
}

static gboolean
addr_in_prefix (const DaNetAddr *addr,
                const DaNetAddr *net,
                guint            prefix_len)
{
  guint bytes = prefix_len / 8;
  guint bits = prefix_len % 8;

  if (addr->family != net->family)
    return FALSE;
  if (memcmp (addr->bytes, net->bytes, bytes) != 0)
    return FALSE;
  if (bits != 0)
    {
      guint8 mask = (guint8)(0xff << (8 - bits));

      if ((addr->bytes[bytes] & mask) != (net->bytes[bytes] & mask))
        return FALSE;
    }
  return TRUE;
}

static gboolean
port_matches (const DaRule      *rule,
              const DaNetTarget *target)
{
  if (rule->net.port < 0)
    return TRUE;
  if (target->port < 0)
    /* A port rule never grants every port, but a deny for one port does
     * cover a target whose port is unknown. */
    return rule->deny;
  return rule->net.port == target->port;
}

gboolean
_da_net_rule_matches (const DaRule      *rule,
                      const DaNetTarget *target)
{
  if (rule->all)
    return TRUE;

  switch (rule->net_type)
    {
    case DA_NET_RULE_HOST:
      if (rule->net.is_addr != target->is_addr)
        return FALSE;
      if (target->is_addr)
        {
          if (rule->net.addr.family != target->addr.family ||
              memcmp (rule->net.addr.bytes, target->addr.bytes, 16) != 0)
            return FALSE;
        }
      else if (strcmp (rule->net.host, target->host) != 0)
        return FALSE;
      return port_matches (rule, target);

    case DA_NET_RULE_WILDCARD:
      {
        gsize hlen, slen;

        if (target->is_addr)
          return FALSE;
        hlen = strlen (target->host);
        slen = strlen (rule->suffix);
        if (hlen <= slen || strcmp (target->host + hlen - slen, rule->suffix) != 0)
          return FALSE;
        return port_matches (rule, target);
      }

    case DA_NET_RULE_CIDR:
      return target->is_addr && addr_in_prefix (&target->addr, &rule->net.addr, rule->prefix_len);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
port_is_valid (const char *text)
{
  int port;

  return parse_port (text, &port);
}

static gboolean
looks_numeric (const char *host)
{
  return ends_in_number (host) || strchr (host, ':') != NULL || host[0] == '[';
}

/**
 * da_permission_net_rule_diagnose:
 * @rule: an allow or deny rule for the network, as typed
 *
 * The rule is checked by the parser rules are loaded with; when that
 * refuses it, this says which part is wrong, so an editor can explain.
 *
 * Returns: %DA_NET_RULE_PROBLEM_NONE when the rule is valid
 */
DaNetRuleProblem
da_permission_net_rule_diagnose (const char *rule)
{
  g_autofree char *host = NULL;
  const char *slash;
  const char *close;
  DaRule *parsed;

  if (rule == NULL || rule[0] == '\0')
    return DA_NET_RULE_PROBLEM_EMPTY;

  parsed = _da_rule_parse (DA_PERMISSION_NET, FALSE, rule, "/", NULL);
  if (parsed != NULL)
    {
      _da_rule_free (parsed);
      return DA_NET_RULE_PROBLEM_NONE;
    }

  if (strstr (rule, "://") != NULL)
    return DA_NET_RULE_PROBLEM_SCHEME;
  for (const char *p = rule; *p; p++)
    if (g_ascii_isspace (*p))
      return DA_NET_RULE_PROBLEM_SPACE;

  if ((slash = strchr (rule, '/')) != NULL)
    {
      g_autofree char *addr_text = g_strndup (rule, slash - rule);
      DaNetAddr addr;

      if (addr_text[0] == '[' && addr_text[strlen (addr_text) - 1] == ']')
        {
          char *inner = g_strndup (addr_text + 1, strlen (addr_text) - 2);

          g_free (addr_text);
          addr_text = inner;
        }
      return _da_net_parse_addr (addr_text, &addr) ? DA_NET_RULE_PROBLEM_CIDR
                                                   : DA_NET_RULE_PROBLEM_PATH;
    }

  /* Split off the port: after "]" for a bracketed address, after the one
   * colon otherwise (two or more make a bare IPv6 address). */
  if (rule[0] == '[')
    {
      close = strchr (rule, ']');
      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        return DA_NET_RULE_PROBLEM_ADDRESS;
      if (close[1] == ':' && !port_is_valid (close + 2))
        return DA_NET_RULE_PROBLEM_PORT;
      return DA_NET_RULE_PROBLEM_ADDRESS;
    }
  if ((close = strchr (rule, ':')) != NULL && strchr (close + 1, ':') == NULL)
    {
      if (!port_is_valid (close + 1))
        return DA_NET_RULE_PROBLEM_PORT;
      host = g_strndup (rule, close - rule);
    }
  else
    host = g_strdup (rule);

  if (strchr (host, '*') != NULL)
    return DA_NET_RULE_PROBLEM_WILDCARD;
  if (looks_numeric (host))
    return DA_NET_RULE_PROBLEM_ADDRESS;
  return DA_NET_RULE_PROBLEM_NAME;
}
