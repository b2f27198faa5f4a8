/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_LLM_ERROR (da_llm_error_quark ())

/**
 * DaLlmError:
 * @DA_LLM_ERROR_AUTHENTICATION: the key was refused (401/403)
 * @DA_LLM_ERROR_NOT_FOUND: unknown model or endpoint (404)
 * @DA_LLM_ERROR_RATE_LIMITED: 429 after all retries; see
 *   da_llm_error_get_retry_after_ms()
 * @DA_LLM_ERROR_QUOTA_EXCEEDED: the account has no quota left
 * @DA_LLM_ERROR_INVALID_REQUEST: the server rejected the request (400, 422)
 * @DA_LLM_ERROR_SERVER: 5xx after all retries
 * @DA_LLM_ERROR_PROVIDER: the provider reported an error inside the stream
 * @DA_LLM_ERROR_BAD_RESPONSE: the response could not be understood
 * @DA_LLM_ERROR_CONNECTION: the server could not be reached, or the
 *   connection was cut before the stream ended
 * @DA_LLM_ERROR_TIMEOUT: no answer within the request timeout
 * @DA_LLM_ERROR_CANCELLED: the caller cancelled
 */
typedef enum
{
  DA_LLM_ERROR_AUTHENTICATION,
  DA_LLM_ERROR_NOT_FOUND,
  DA_LLM_ERROR_RATE_LIMITED,
  DA_LLM_ERROR_QUOTA_EXCEEDED,
  DA_LLM_ERROR_INVALID_REQUEST,
  DA_LLM_ERROR_SERVER,
  DA_LLM_ERROR_PROVIDER,
  DA_LLM_ERROR_BAD_RESPONSE,
  DA_LLM_ERROR_CONNECTION,
  DA_LLM_ERROR_TIMEOUT,
  DA_LLM_ERROR_CANCELLED,
} DaLlmError;

GQuark       da_llm_error_quark                (void);
const char  *da_llm_error_code_to_string       (DaLlmError    code);
GError      *da_llm_error_new                  (DaLlmError    code,
                                                guint         http_status,
                                                gint64        retry_after_ms,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (4, 5);
guint        da_llm_error_get_http_status      (const GError *error);
gint64       da_llm_error_get_retry_after_ms   (const GError *error);

G_END_DECLS
