/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "da-llm-error.h"
#include "da-provider.h"

G_BEGIN_DECLS

/* HTTP plumbing shared by the providers. */

#define DA_LLM_MAX_CONNS           50
#define DA_LLM_MAX_CONNS_PER_HOST  10
#define DA_LLM_RETRY_AFTER_CAP_MS  (60 * 1000)
#define DA_LLM_BACKOFF_BASE_MS     500
#define DA_LLM_BACKOFF_CAP_MS      (8 * 1000)

/* The one SoupSession of the process. Like every SoupSession it belongs
 * to the thread that first asked for it: use it from the main thread. */
SoupSession *_da_llm_get_session           (void);

char        *_da_llm_redact                (DaProvider  *provider,
                                            const char  *text);
gint64       _da_llm_parse_retry_after     (const char  *retry_after_ms,
                                            const char  *retry_after,
                                            GDateTime   *now);
guint        _da_llm_backoff_ms            (guint        attempt,
                                            double       random01);
gboolean     _da_llm_status_is_retryable   (guint        status);
DaLlmError   _da_llm_error_code_for_status (guint        status,
                                            const char  *type,
                                            const char  *code);
DaLlmError   _da_llm_error_code_for_payload (const char *type,
                                            const char  *code);
gboolean     _da_llm_is_quota_error        (const char  *type,
                                            const char  *code);

/* Cancellation and the request timeout for one provider operation:
 * @cancellable is cancelled when the caller's cancellable is, or when
 * the deadline passes; pass it to every I/O call. */
typedef struct
{
  GCancellable *cancellable;
  GSource      *caller_source;
  GSource      *deadline;
  gboolean      timed_out;
} DaLlmGuard;

void         _da_llm_guard_init            (DaLlmGuard    *guard,
                                            GCancellable  *caller,
                                            GMainContext  *context);
void         _da_llm_guard_clear           (DaLlmGuard    *guard);
void         _da_llm_guard_arm             (DaLlmGuard    *guard,
                                            guint          seconds);
GError      *_da_llm_guard_check           (DaLlmGuard    *guard,
                                            const char    *what,
                                            guint          seconds);

G_END_DECLS
