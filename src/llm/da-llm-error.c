/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-llm-error.h"

typedef struct
{
  guint  http_status;
  gint64 retry_after_ms;
} DaLlmErrorPrivate;

static void
da_llm_error_private_init (DaLlmErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->retry_after_ms = -1;
}

static void
da_llm_error_private_copy (const DaLlmErrorPrivate *src,
                           DaLlmErrorPrivate       *dest)
{
  *dest = *src;
}

static void
da_llm_error_private_clear (DaLlmErrorPrivate *priv)
{
}

/* GLib's macro casts the error's private bytes to our struct; GLib
 * allocates them with the right alignment, which clang cannot see. */
#if defined(__clang__)
# pragma clang diagnostic push
# pragma clang diagnostic ignored "-Wcast-align"
#endif
G_DEFINE_EXTENDED_ERROR (DaLlmError, da_llm_error)
#if defined(__clang__)
# pragma clang diagnostic pop
#endif

const char *
da_llm_error_code_to_string (DaLlmError code)
{
  switch (code)
    {
    case DA_LLM_ERROR_AUTHENTICATION: return "authentication";
    case DA_LLM_ERROR_NOT_FOUND: return "not_found";
    case DA_LLM_ERROR_RATE_LIMITED: return "rate_limited";
    case DA_LLM_ERROR_QUOTA_EXCEEDED: return "quota_exceeded";
    case DA_LLM_ERROR_INVALID_REQUEST: return "invalid_request";
    case DA_LLM_ERROR_SERVER: return "server_error";
    case DA_LLM_ERROR_PROVIDER: return "provider_error";
    case DA_LLM_ERROR_BAD_RESPONSE: return "bad_response";
    case DA_LLM_ERROR_CONNECTION: return "connection";
    case DA_LLM_ERROR_TIMEOUT: return "timeout";
    case DA_LLM_ERROR_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}

GError *
da_llm_error_new (DaLlmError  code,
                  guint       http_status,
                  gint64      retry_after_ms,
                  const char *format,
                  ...)
{
  GError *error;
  DaLlmErrorPrivate *priv;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (DA_LLM_ERROR, code, format, args);
  va_end (args);

  priv = da_llm_error_get_private (error);
  priv->http_status = http_status;
  priv->retry_after_ms = retry_after_ms;

  return error;
}

guint
da_llm_error_get_http_status (const GError *error)
{
  DaLlmErrorPrivate *priv;

  if (error == NULL || error->domain != DA_LLM_ERROR)
    return 0;
  priv = da_llm_error_get_private (error);
  return priv ? priv->http_status : 0;
}

gint64
da_llm_error_get_retry_after_ms (const GError *error)
{
  DaLlmErrorPrivate *priv;

  if (error == NULL || error->domain != DA_LLM_ERROR)
    return -1;
  priv = da_llm_error_get_private (error);
  return priv ? priv->retry_after_ms : -1;
}
