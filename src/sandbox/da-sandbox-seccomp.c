/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-sandbox"

#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "da-sandbox-private.h"
#include "da-sandbox-filters.h"

/* The filter, compiled at build time by gen-sandbox-filters from the
 * rules in da-sandbox-seccomp-rules.c (libseccomp), one program per
 * combination of the two choices below.  The monitor writes the raw BPF
 * to out_fd while pid 1 is still setting up the namespaces. */
gboolean
_da_sandbox_seccomp_build (const DaSandboxContext  *ctx,
                           int                      out_fd,
                           GError                 **error)
{
  gboolean inet = ctx->policy->net_proxy_socket != NULL;
  /* Without a mount namespace Landlock (ABI <= 7) cannot keep a tool
   * from connecting to path sockets outside the policy, so minimal gets
   * socketpair() only. */
  gboolean unix_sockets = ctx->namespaces;
  const DaSandboxFilter *filter = &da_sandbox_filters[unix_sockets ? 1 : 0][inet ? 1 : 0];
  const guint8 *data = (const guint8 *) filter->insns;
  gsize len = filter->len * sizeof (struct sock_filter);

  while (len > 0)
    {
      ssize_t w = write (out_fd, data, len);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                       "seccomp: sending the filter: %s", g_strerror (errno));
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
    }
  return TRUE;
}

/* Reads the raw filter from in_fd (to EOF) and installs it with a new
 * user-notification listener, returned in *listener. */
gboolean
_da_sandbox_seccomp_load (int       in_fd,
                          int      *listener,
                          gboolean *memory_cgroup,
                          GError  **error)
{
  g_autoptr(GByteArray) bpf = g_byte_array_new ();
  struct sock_fprog prog;
  guint8 buf[4096];
  ssize_t r;

  *listener = -1;
  while ((r = read (in_fd, buf, sizeof buf)) != 0)
    {
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                       "seccomp: reading the filter: %s", g_strerror (errno));
          return FALSE;
        }
      g_byte_array_append (bpf, buf, (guint) r);
    }
  /* The monitor ends the filter with one byte: 'm' when memory_mb is
   * the cgroup's limit.  It sends that byte, and closes the pipe, once
   * the cgroups hold this process. */
  if (bpf->len % sizeof (struct sock_filter) == 1)
    {
      *memory_cgroup = bpf->data[bpf->len - 1] == 'm';
      g_byte_array_set_size (bpf, bpf->len - 1);
    }
  else
    bpf->len = 0;
  if (bpf->len == 0 || bpf->len % sizeof (struct sock_filter) != 0 ||
      bpf->len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      g_set_error_literal (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                           "seccomp: the monitor sent no usable filter");
      return FALSE;
    }

  prog.len = (unsigned short) (bpf->len / sizeof (struct sock_filter));
  prog.filter = (struct sock_filter *) (gpointer) bpf->data;
  *listener = (int) syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                             SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (*listener < 0)
    {
      g_set_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_SETUP,
                   "seccomp: loading the filter: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Answers every pending notification with EPERM and reports it.
 * Returns FALSE when the listener is finished (no more filter users). */
gboolean
_da_sandbox_seccomp_handle (int listener)
{
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  gboolean alive = TRUE;
  int rc;

  if (seccomp_notify_alloc (&req, &resp) != 0)
    return FALSE;

  rc = seccomp_notify_receive (listener, req);
  if (rc == 0)
    {
      char *name = seccomp_syscall_resolve_num_arch (req->data.arch, req->data.nr);

      resp->id = req->id;
      resp->val = 0;
      resp->error = -EPERM;
      resp->flags = 0;
      /* ENOENT: the caller died meanwhile; nothing to answer. */
      seccomp_notify_respond (listener, resp);
      _da_sandbox_report_seccomp (name ? name : "unknown", (int) req->pid);
      free (name);
    }
  else if (rc != -EINTR && rc != -ENOENT)
    alive = FALSE;

  seccomp_notify_free (req, resp);
  return alive;
}
