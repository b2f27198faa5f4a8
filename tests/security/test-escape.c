/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "da-escape.h"

typedef struct
{
  const char *in;
  gssize      len;
  const char *out;
} Case;

static void
run_cases (const Case *cases,
           gsize       n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *out = da_escape_for_display (cases[i].in, cases[i].len);

      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_plain (void)
{
  static const Case cases[] = {
    { "", -1, "" },
    { "hello world", -1, "hello world" },
    { "/home/ana/Trips/plan.md", -1, "/home/ana/Trips/plan.md" },
    { "café ☕ 日本語 🙂", -1, "café ☕ 日本語 🙂" },
    { "a\\x1b", -1, "a\\\\x1b" },          /* a literal backslash is doubled */
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_controls (void)
{
  static const Case cases[] = {
    { "\x1b[31mred\x1b[0m", -1, "\\x1b[31mred\\x1b[0m" },
    { "line\nbreak\ttab\rcr", -1, "line\\x0abreak\\x09tab\\x0dcr" },
    { "bell\a del\x7f", -1, "bell\\x07 del\\x7f" },
    { "nul\0after", 9, "nul\\x00after" },
    { "\xc2\x9b" "2J", -1, "\\u009b2J" },    /* C1 CSI */
    { "\xe2\x80\xa8", -1, "\\u2028" },       /* line separator */
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_bidi (void)
{
  static const Case cases[] = {
    /* "Trojan Source": an override that reverses what follows. */
    { "file\xe2\x80\xae" "fdp.exe", -1, "file\\u202efdp.exe" },
    { "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", -1, "\\u202a\\u202b\\u202c\\u202d" },
    { "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", -1, "\\u2066\\u2067\\u2068\\u2069" },
    { "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", -1, "\\u200e\\u200f\\u061c" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_invisible (void)
{
  static const Case cases[] = {
    { "pay\xe2\x80\x8bpal.com", -1, "pay\\u200bpal.com" },
    { "\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf", -1, "\\u200c\\u200d\\u2060\\ufeff" },
    { "soft\xc2\xadhyphen", -1, "soft\\u00adhyphen" },
    /* Tag characters can smuggle invisible ASCII into a prompt. */
    { "ok\xf3\xa0\x81\x81\xf3\xa0\x81\x82", -1, "ok\\U000e0041\\U000e0042" },
    { "\xee\x80\x80", -1, "\\ue000" },       /* private use */
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_invalid_utf8 (void)
{
  static const Case cases[] = {
    { "\xff\xfe", -1, "\\xff\\xfe" },
    { "ab\xc3", -1, "ab\\xc3" },                     /* truncated sequence */
    { "\xc0\xaf", -1, "\\xc0\\xaf" },                /* overlong "/" */
    { "\xed\xa0\x80", -1, "\\xed\\xa0\\x80" },       /* a surrogate */
    { "\xe2\x80" "x", -1, "\\xe2\\x80x" },
    { "ok\xf4\x90\x80\x80", -1, "ok\\xf4\\x90\\x80\\x80" }, /* beyond U+10FFFF */
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_all_bytes (void)
{
  guint8 buf[256];
  g_autofree char *out = NULL;

  for (guint i = 0; i < 256; i++)
    buf[i] = (guint8)i;
  out = da_escape_for_display ((const char *)buf, sizeof buf);

  g_assert_true (g_utf8_validate (out, -1, NULL));
  for (const char *p = out; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (da_escape_needs_escape (c));
    }
  g_assert_nonnull (strstr (out, "\\x00\\x01"));
  g_assert_nonnull (strstr (out, "\\x80\\x81"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/escape/plain", test_plain);
  g_test_add_func ("/escape/controls", test_controls);
  g_test_add_func ("/escape/bidi", test_bidi);
  g_test_add_func ("/escape/invisible", test_invisible);
  g_test_add_func ("/escape/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/escape/all-bytes", test_all_bytes);

  return g_test_run ();
}
