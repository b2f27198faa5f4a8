/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "da-sandbox-private.h"

/* Denial reports: one JSON object per line on the descriptor given with
 * --report-fd.  Each line is written with a single write() so lines from
 * the monitor and from pid 1 never interleave.  Reports are capped so a
 * tool hammering a denied syscall cannot flood the application. */

#define MAX_REPORTS 256

static int report_fd = -1;
static guint n_reports;

void
_da_sandbox_report_set_fd (int fd)
{
  report_fd = fd;
}

static void
append_escaped (GString    *out,
                const char *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      guchar c = (guchar) *s;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
emit (GString *line)
{
  gsize off = 0;

  if (report_fd < 0)
    return;

  if (++n_reports > MAX_REPORTS)
    {
      if (n_reports == MAX_REPORTS + 1)
        {
          static const char dropped[] = "{\"type\":\"reports_dropped\"}\n";
          G_GNUC_UNUSED ssize_t r = write (report_fd, dropped, sizeof dropped - 1);
        }
      return;
    }

  g_string_append_c (line, '\n');
  while (off < line->len)
    {
      ssize_t r = write (report_fd, line->str + off, line->len - off);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          report_fd = -1;
          return;
        }
      off += (gsize) r;
    }
}

void
_da_sandbox_report_seccomp (const char *syscall_name,
                            int         pid)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"seccomp\",\"syscall\":");

  append_escaped (line, syscall_name);
  g_string_append_printf (line, ",\"pid\":%d}", pid);
  emit (line);
}

void
_da_sandbox_report_limit (const char *limit)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"limit\",\"limit\":");

  append_escaped (line, limit);
  g_string_append_c (line, '}');
  emit (line);
}

void
_da_sandbox_report_error (const char *message)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"error\",\"message\":");

  append_escaped (line, message);
  g_string_append_c (line, '}');
  emit (line);
}

void
_da_sandbox_report_memory (const char *enforced_by)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"memory\",\"enforced_by\":");

  append_escaped (line, enforced_by);
  g_string_append_c (line, '}');
  emit (line);
}

void
_da_sandbox_report_notice (const char *message)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"notice\",\"message\":");

  append_escaped (line, message);
  g_string_append_c (line, '}');
  emit (line);
}

/* A Landlock denial from the audit log: the access right(s) refused and
 * the path or port it concerned, when the kernel names one. */
void
_da_sandbox_report_landlock (const char *access,
                             const char *path,
                             gint64      port)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"landlock\",\"access\":");

  append_escaped (line, access);
  if (path != NULL)
    {
      g_string_append (line, ",\"path\":");
      append_escaped (line, path);
    }
  if (port >= 0)
    g_string_append_printf (line, ",\"port\":%" G_GINT64_FORMAT, port);
  g_string_append_c (line, '}');
  emit (line);
}

void
_da_sandbox_report_start (const DaSandboxContext *ctx)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"start\",\"isolation\":");

  append_escaped (line, _da_sandbox_isolation_to_string (ctx->policy->isolation));
  g_string_append_printf (line, ",\"landlock_abi\":%d,\"namespaces\":%s}",
                          ctx->landlock_abi, ctx->namespaces ? "true" : "false");
  emit (line);
}
