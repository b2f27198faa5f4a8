/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reader of Landlock's audit records over the corpus in
 * tests/data/sandbox-audit (records as the kernel sends them). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "da-sandbox-audit-parse.h"

typedef struct
{
  DaSandboxAuditRecord records[8];
  guint                n;
} Collected;

static void
collect (const DaSandboxAuditRecord *r,
         gpointer                    data)
{
  Collected *c = data;

  g_assert_cmpuint (c->n, <, G_N_ELEMENTS (c->records));
  c->records[c->n++] = *r;
}

static int
parse_file (const char *name,
            Collected  *c)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sandbox-audit", name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  memset (c, 0, sizeof *c);
  return _da_sandbox_audit_parse (data, len, collect, c);
}

static void
test_access (void)
{
  Collected c;

  g_assert_cmpint (parse_file ("access-read-file.bin", &c), ==, 1);
  g_assert_cmpuint (c.records[0].type, ==, DA_AUDIT_LANDLOCK_ACCESS);
  g_assert_cmpuint (c.records[0].serial, ==, 8);
  g_assert_cmpuint (c.records[0].domain, ==, 0x17643bd47);
  g_assert_cmpstr (c.records[0].blockers, ==, "fs.read_file");
  g_assert_cmpstr (c.records[0].path, ==, "/usr/bin/cat");
  g_assert_cmpint (c.records[0].port, ==, -1);

  /* A path the kernel hex-encodes (it holds a space and quotes). */
  g_assert_cmpint (parse_file ("access-hex-path.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].path, ==, "/tmp/a b \"quote\"");

  g_assert_cmpint (parse_file ("access-connect.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].blockers, ==, "net.connect_tcp");
  g_assert_cmpint (c.records[0].port, ==, 80);
  g_assert_cmpstr (c.records[0].path, ==, "");

  g_assert_cmpint (parse_file ("access-bind.bin", &c), ==, 1);
  g_assert_cmpint (c.records[0].port, ==, 8080);

  g_assert_cmpint (parse_file ("access-several.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].blockers, ==, "fs.make_reg,fs.write_file");
  g_assert_cmpstr (c.records[0].path, ==, "/tmp/x");

  g_assert_cmpint (parse_file ("access-signal.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].blockers, ==, "scope.signal");
}

static void
test_domain (void)
{
  Collected c;

  g_assert_cmpint (parse_file ("domain-allocated.bin", &c), ==, 1);
  g_assert_cmpuint (c.records[0].type, ==, DA_AUDIT_LANDLOCK_DOMAIN);
  g_assert_cmpstr (c.records[0].status, ==, "allocated");
  g_assert_cmpint (c.records[0].pid, ==, 28553);
  g_assert_cmpint (c.records[0].denials, ==, -1);

  g_assert_cmpint (parse_file ("domain-deallocated.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].status, ==, "deallocated");
  g_assert_cmpint (c.records[0].denials, ==, 1);
  g_assert_cmpint (c.records[0].pid, ==, -1);
}

/* Several messages in one buffer; other record types are passed over. */
static void
test_stream (void)
{
  Collected c;

  g_assert_cmpint (parse_file ("stream.bin", &c), ==, 2);
  g_assert_cmpstr (c.records[0].path, ==, "/etc/shadow");
  g_assert_cmpuint (c.records[1].domain, ==, c.records[0].domain);
  g_assert_cmpint (c.records[1].pid, ==, 28553);
}

static void
test_invalid (void)
{
  Collected c;

  g_assert_cmpint (parse_file ("invalid-short-len.bin", &c), ==, -1);
  g_assert_cmpint (parse_file ("invalid-long-len.bin", &c), ==, -1);
  g_assert_cmpint (parse_file ("invalid-no-prefix.bin", &c), ==, 0);
  g_assert_cmpint (parse_file ("invalid-huge-numbers.bin", &c), ==, 0);

  /* Damaged values still give a bounded record. */
  g_assert_cmpint (parse_file ("invalid-unterminated-quote.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].path, ==, "\"/never/closed");
  g_assert_cmpint (parse_file ("invalid-odd-hex.bin", &c), ==, 1);
  g_assert_cmpstr (c.records[0].path, ==, "2F7");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/audit/access", test_access);
  g_test_add_func ("/sandbox/audit/domain", test_domain);
  g_test_add_func ("/sandbox/audit/stream", test_stream);
  g_test_add_func ("/sandbox/audit/invalid", test_invalid);
  return g_test_run ();
}
