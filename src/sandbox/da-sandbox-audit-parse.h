/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Landlock's audit record types (linux/audit.h, 6.15). */
#define DA_AUDIT_LANDLOCK_ACCESS 1423
#define DA_AUDIT_LANDLOCK_DOMAIN 1424

typedef struct
{
  guint16  type;            /* DA_AUDIT_LANDLOCK_ACCESS or _DOMAIN */
  guint64  serial;          /* audit(TIME:SERIAL) */
  guint64  domain;          /* domain=HEX */
  gboolean has_domain;
  char     blockers[128];   /* access: "fs.read_file", "net.connect_tcp,…" */
  char     path[1024];      /* access: path=, decoded; "" when absent */
  gint64   port;            /* access: dest=, src= or lport=; -1 */
  char     status[16];      /* domain: "allocated", "deallocated" */
  gint64   pid;             /* domain: pid=; -1 */
  gint64   denials;         /* domain, deallocated: denials=; -1 */
} DaSandboxAuditRecord;

typedef void (*DaSandboxAuditFn) (const DaSandboxAuditRecord *record,
                                  gpointer                    data);

gboolean _da_sandbox_audit_parse_text (guint16                type,
                                       const char            *text,
                                       gsize                  len,
                                       DaSandboxAuditRecord  *out);
int      _da_sandbox_audit_parse      (const void            *buf,
                                       gsize                  len,
                                       DaSandboxAuditFn       fn,
                                       gpointer               data);

G_END_DECLS
