/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "da-sandbox-audit-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_record (const DaSandboxAuditRecord *r,
              gpointer                    data)
{
  guint *n = data;

  (*n)++;
  /* Every string terminated within its field, and a record of a type
   * the reader is for. */
  g_assert (r->type == DA_AUDIT_LANDLOCK_ACCESS || r->type == DA_AUDIT_LANDLOCK_DOMAIN);
  g_assert (r->has_domain);
  g_assert (memchr (r->blockers, '\0', sizeof r->blockers) != NULL);
  g_assert (memchr (r->path, '\0', sizeof r->path) != NULL);
  g_assert (memchr (r->status, '\0', sizeof r->status) != NULL);
  g_assert (r->type != DA_AUDIT_LANDLOCK_ACCESS || r->blockers[0] != '\0');
  g_assert (r->type != DA_AUDIT_LANDLOCK_DOMAIN || r->status[0] != '\0');
  g_assert (r->port >= -1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A copy of exactly the input's size, so reading past it is caught. */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  guint n = 0;
  int ret = _da_sandbox_audit_parse (copy, size, check_record, &n);

  g_assert (ret == -1 || (guint) ret == n);
  /* The same bytes as one record's text. */
  {
    DaSandboxAuditRecord r;

    if (_da_sandbox_audit_parse_text (DA_AUDIT_LANDLOCK_ACCESS, (const char *) copy, size, &r))
      check_record (&r, &n);
  }
  return 0;
}
