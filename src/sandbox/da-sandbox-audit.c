/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "da-sandbox-audit-parse.h"
#include "da-sandbox-private.h"

/* Landlock denials.  From ABI 7 (Linux 6.15) the kernel logs them to the
 * audit subsystem, never to the process.  The monitor, when it runs as
 * root, joins the audit netlink multicast group before the sandbox
 * starts, learns the pid of the process that makes the sandbox's
 * Landlock domain (the tool, which sends one datagram on a socket with
 * SO_PASSCRED just before), takes the domain ids of the DOMAIN records
 * of that pid, and reports the ACCESS records of those domains.
 *
 * Where that is not possible (not root, Landlock older than ABI 7, audit
 * disabled) the monitor says so once in the reports. */

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

/* Bytes of an AUDIT_GET reply up to and including a field. */
#define STATUS_LEN(field) (NLMSG_HDRLEN + G_STRUCT_OFFSET (struct audit_status, field) + \
                           sizeof (((struct audit_status *) NULL)->field))

#define MAX_DOMAINS 8
#define MAX_PENDING 16
#define RECV_SIZE   (16 * 1024)

struct _DaSandboxAudit
{
  int                  fd;
  pid_t                tool;
  guint64              domains[MAX_DOMAINS];
  guint                n_domains;
  DaSandboxAuditRecord pending[MAX_PENDING];   /* access records of domains not known yet */
  guint                n_pending;
  gboolean             overrun;
  gboolean             status_known;   /* the reply to AUDIT_GET came */
  gboolean             off;            /* not observable; said so */
  int                  backlog;        /* from the last AUDIT_GET reply */
  GThread             *query;          /* sends the first AUDIT_GET */
  int                  query_errno;    /* … and its failure, atomic */
};

/* Sends AUDIT_GET; the reply comes on the same socket, among the
 * multicast records. */
static gboolean
send_get (int fd)
{
  struct nlmsghdr req = {
    .nlmsg_len = NLMSG_LENGTH (0),
    .nlmsg_type = AUDIT_GET,
    .nlmsg_flags = NLM_F_REQUEST,
    .nlmsg_seq = 1,
  };
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

  return sendto (fd, &req, req.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) == (ssize_t) req.nlmsg_len;
}

static gboolean
is_ours (DaSandboxAudit *audit,
         guint64         domain)
{
  for (guint i = 0; i < audit->n_domains; i++)
    if (audit->domains[i] == domain)
      return TRUE;
  return FALSE;
}

static void
report_access (G_GNUC_UNUSED DaSandboxAudit *audit,
               const DaSandboxAuditRecord *r)
{
  _da_sandbox_report_landlock (r->blockers, r->path[0] ? r->path : NULL, r->port);
}

static void
handle_record (const DaSandboxAuditRecord *r,
               gpointer                    data)
{
  DaSandboxAudit *audit = data;

  if (r->type == DA_AUDIT_LANDLOCK_DOMAIN)
    {
      guint kept = 0;

      if (audit->tool <= 0 || r->pid != audit->tool || strcmp (r->status, "allocated") != 0 ||
          is_ours (audit, r->domain) || audit->n_domains == MAX_DOMAINS)
        return;
      audit->domains[audit->n_domains++] = r->domain;
      /* The first denial's ACCESS record comes before the DOMAIN record
       * that names the domain's pid. */
      for (guint i = 0; i < audit->n_pending; i++)
        {
          if (audit->pending[i].domain == r->domain)
            report_access (audit, &audit->pending[i]);
          else
            audit->pending[kept++] = audit->pending[i];
        }
      audit->n_pending = kept;
      return;
    }

  if (is_ours (audit, r->domain))
    report_access (audit, r);
  else
    {
      if (audit->n_pending == MAX_PENDING)
        {
          memmove (&audit->pending[0], &audit->pending[1], (MAX_PENDING - 1) * sizeof audit->pending[0]);
          audit->n_pending--;
        }
      audit->pending[audit->n_pending++] = *r;
    }
}

static void
give_up (DaSandboxAudit *audit,
         const char     *reason)
{
  g_autofree char *notice = g_strdup_printf ("landlock denials not observable: %s", reason);

  if (audit->off)
    return;
  audit->off = TRUE;
  _da_sandbox_report_notice (notice);
}

/* Reads what is queued: Landlock records, and the replies to AUDIT_GET
 * (the kernel answers from a thread of its own, so they come later). */
static void
drain (DaSandboxAudit *audit)
{
  static char buf[RECV_SIZE] __attribute__ ((aligned (4)));

  while (!audit->off)
    {
      ssize_t r = recv (audit->fd, buf, sizeof buf, MSG_DONTWAIT);
      const struct nlmsghdr *h = (const struct nlmsghdr *) buf;

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0 && errno == ENOBUFS)
        {
          if (!audit->overrun)
            _da_sandbox_report_notice ("landlock denials lost: the audit socket overflowed");
          audit->overrun = TRUE;
          continue;
        }
      if (r < (ssize_t) NLMSG_HDRLEN)
        break;
      if (h->nlmsg_type == AUDIT_GET && (gsize) r >= STATUS_LEN (backlog))
        {
          const struct audit_status *st = NLMSG_DATA (h);

          audit->status_known = TRUE;
          audit->backlog = (int) st->backlog;
          if (st->enabled == 0)
            give_up (audit, "kernel audit is disabled");
          continue;
        }
      if (h->nlmsg_type == NLMSG_ERROR && (gsize) r >= NLMSG_LENGTH (sizeof (struct nlmsgerr)))
        {
          const struct nlmsgerr *e = NLMSG_DATA (h);
          g_autofree char *reason = NULL;

          if (e->error == 0)
            continue;
          reason = g_strdup_printf ("audit status: %s", g_strerror (-e->error));
          give_up (audit, reason);
          continue;
        }
      _da_sandbox_audit_parse (buf, (gsize) r, handle_record, audit);
    }
}

/* Waits up to TIMEOUT_MS for something to read, and reads it. */
static void
wait_and_drain (DaSandboxAudit *audit,
                int             timeout_ms)
{
  struct pollfd p = { audit->fd, POLLIN, 0 };

  if (poll (&p, 1, timeout_ms) > 0)
    drain (audit);
}

DaSandboxAudit *
_da_sandbox_audit_open (char **reason)
{
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
  int size = 1 << 20;
  DaSandboxAudit *audit;
  int fd;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0)
    {
      *reason = g_strdup_printf ("audit socket: %s", g_strerror (errno));
      return NULL;
    }
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      *reason = g_strdup_printf ("joining the audit log group: %s", g_strerror (errno));
      close (fd);
      return NULL;
    }
  /* A busy audit log must not overflow us before we read. */
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);

  audit = g_new0 (DaSandboxAudit, 1);
  audit->fd = fd;
  audit->backlog = -1;
  return audit;
}

static gpointer
query_thread (gpointer data)
{
  DaSandboxAudit *audit = data;

  if (!send_get (audit->fd))
    g_atomic_int_set (&audit->query_errno, errno);
  return NULL;
}

/* Asks whether audit is enabled.  The kernel answers from a thread it
 * starts for the purpose, and the sender waits until that thread is
 * made (milliseconds on a busy machine): a thread of ours sends the
 * request, and the reply is read with the records.  Called once the
 * sandbox's processes exist, so no fork happens while it runs. */
void
_da_sandbox_audit_query (DaSandboxAudit *audit)
{
  audit->query = g_thread_try_new ("audit-query", query_thread, audit, NULL);
  if (audit->query == NULL)
    query_thread (audit);
}

static void
check_query (DaSandboxAudit *audit)
{
  int saved = g_atomic_int_get (&audit->query_errno);

  if (saved != 0)
    {
      g_autofree char *reason = g_strdup_printf ("audit status: %s", g_strerror (saved));

      give_up (audit, reason);
    }
}

/* -1 once denials turned out not to be observable. */
int
_da_sandbox_audit_fd (DaSandboxAudit *audit)
{
  return audit->off ? -1 : audit->fd;
}

void
_da_sandbox_audit_set_tool (DaSandboxAudit *audit,
                            pid_t           pid)
{
  audit->tool = pid;
}

void
_da_sandbox_audit_read (DaSandboxAudit *audit)
{
  check_query (audit);
  drain (audit);
}

/* After the sandbox ended.  Its denials were queued in the kernel
 * before its processes exited: ask for the audit status until the
 * queue is empty, then read what is left. */
void
_da_sandbox_audit_finish (DaSandboxAudit *audit)
{
  if (audit->query != NULL)
    g_clear_pointer (&audit->query, g_thread_join);
  check_query (audit);
  for (guint i = 0; i < 20 && !audit->status_known && !audit->off; i++)
    wait_and_drain (audit, 50);
  if (audit->off)
    return;
  if (!audit->status_known)
    {
      give_up (audit, "the kernel did not answer for the audit status");
      return;
    }
  if (audit->tool <= 0)
    return;

  for (guint round = 0; round < 100 && !audit->off; round++)
    {
      audit->status_known = FALSE;
      if (!send_get (audit->fd))
        break;
      for (guint i = 0; i < 20 && !audit->status_known && !audit->off; i++)
        wait_and_drain (audit, 50);
      if (!audit->status_known || audit->backlog <= 0)
        break;
      g_usleep (1000);
    }
  drain (audit);
}

void
_da_sandbox_audit_free (DaSandboxAudit *audit)
{
  if (audit == NULL)
    return;
  if (audit->query != NULL)
    g_thread_join (audit->query);
  close (audit->fd);
  g_free (audit);
}
