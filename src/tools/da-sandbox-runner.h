/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * DaSandboxReport:
 * @type: "start", "seccomp", "limit", "error" or "reports_dropped"
 * @detail: the syscall, the limit, the message, or the isolation level
 *   for "start"; %NULL when the line has none
 *
 * One line the sandbox wrote on its report descriptor.
 */
typedef struct
{
  char *type;
  char *detail;
} DaSandboxReport;

/**
 * DaSandboxRun:
 * @exit_status: the command's exit status, or -1 when it was killed
 * @term_signal: the signal that killed the helper, or 0
 * @out: what the command wrote on stdout (capped)
 * @err: what it wrote on stderr (capped)
 * @out_truncated: @out was cut at the cap
 * @err_truncated: @err was cut at the cap
 * @reports: (element-type DaSandboxReport): the sandbox's reports
 * @duration_us: wall-clock time from spawn to exit
 */
typedef struct
{
  int         exit_status;
  int         term_signal;
  GBytes     *out;
  GBytes     *err;
  gboolean    out_truncated;
  gboolean    err_truncated;
  GPtrArray  *reports;
  gint64      duration_us;
} DaSandboxRun;

void da_sandbox_report_free (DaSandboxReport *report);
void da_sandbox_run_free    (DaSandboxRun    *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaSandboxReport, da_sandbox_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaSandboxRun, da_sandbox_run_free)

#define DA_TYPE_SANDBOX_RUNNER (da_sandbox_runner_get_type ())

G_DECLARE_FINAL_TYPE (DaSandboxRunner, da_sandbox_runner, DA, SANDBOX_RUNNER, GObject)

DaSandboxRunner *da_sandbox_runner_new             (const char           *sandbox_path);
const char      *da_sandbox_runner_get_path        (DaSandboxRunner      *self);
gsize            da_sandbox_runner_get_max_capture (DaSandboxRunner      *self);
void             da_sandbox_runner_set_max_capture (DaSandboxRunner      *self,
                                                    gsize                 max_capture);
void             da_sandbox_runner_run_async       (DaSandboxRunner      *self,
                                                    JsonNode             *policy,
                                                    const char * const   *argv,
                                                    GBytes               *input,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
DaSandboxRun    *da_sandbox_runner_run_finish      (DaSandboxRunner      *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
