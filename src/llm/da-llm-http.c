/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "da-llm-http-private.h"

#define MAX_ERROR_MESSAGE_CHARS 400

SoupSession *
_da_llm_get_session (void)
{
  static SoupSession *session;

  if (g_once_init_enter (&session))
    {
      SoupSession *s = soup_session_new_with_options ("max-conns", DA_LLM_MAX_CONNS,
                                                      "max-conns-per-host", DA_LLM_MAX_CONNS_PER_HOST,
                                                      "user-agent", "DenoAgents/" PACKAGE_VERSION,
                                                      NULL);
      g_once_init_leave (&session, s);
    }

  return session;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

/* Replaces "PREFIX<token>" by "PREFIX[REDACTED]" wherever the token is
 * at least @min_len characters long. */
static void
redact_after (GString    *str,
              const char *prefix,
              gboolean    keep_prefix,
              gsize       min_len)
{
  gsize prefix_len = strlen (prefix);
  gsize pos = 0;

  while (pos + prefix_len <= str->len)
    {
      const char *hit = g_strstr_len (str->str + pos, str->len - pos, prefix);
      gsize start;
      gsize end;

      if (hit == NULL)
        break;
      start = hit - str->str;
      end = start + prefix_len;
      while (end < str->len && is_token_char (str->str[end]))
        end++;

      if (end - start - prefix_len >= min_len &&
          (start == 0 || !g_ascii_isalnum (str->str[start - 1])))
        {
          gsize from = keep_prefix ? start + prefix_len : start;

          g_string_erase (str, from, end - from);
          g_string_insert (str, from, "[REDACTED]");
          pos = from + strlen ("[REDACTED]");
        }
      else
        {
          pos = end;
        }
    }
}

/**
 * _da_llm_redact:
 * @provider: (nullable): whose key to hide
 * @text: (nullable): text from a server
 *
 * Returns: (transfer full): @text as one line of valid UTF-8 of bounded
 *   length, with the key, "sk-…" tokens and "Bearer …" credentials
 *   replaced by "[REDACTED]"
 */
char *
_da_llm_redact (DaProvider *provider,
                const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *redacted = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  redacted = provider != NULL ? da_provider_redact (provider, valid) : g_strdup (valid);
  out = g_string_new (redacted);

  redact_after (out, "sk-", FALSE, 8);
  redact_after (out, "Bearer ", TRUE, 1);
  redact_after (out, "bearer ", TRUE, 1);

  for (gsize i = 0; i < out->len; i++)
    {
      if ((guchar)out->str[i] < 0x20 || out->str[i] == 0x7f)
        out->str[i] = ' ';
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);

  if (g_utf8_strlen (out->str, -1) > MAX_ERROR_MESSAGE_CHARS)
    {
      const char *cut = g_utf8_offset_to_pointer (out->str, MAX_ERROR_MESSAGE_CHARS);

      g_string_truncate (out, cut - out->str);
      g_string_append (out, "…");
    }

  return g_string_free (out, FALSE);
}

/**
 * _da_llm_parse_retry_after:
 * @retry_after_ms: (nullable): the "retry-after-ms" header
 * @retry_after: (nullable): the "retry-after" header: seconds or an HTTP date
 * @now: the current time, for dates
 *
 * Returns: the delay the server asks for in milliseconds, or -1
 */
gint64
_da_llm_parse_retry_after (const char *retry_after_ms,
                           const char *retry_after,
                           GDateTime  *now)
{
  if (retry_after_ms != NULL)
    {
      char *end = NULL;
      double ms = g_ascii_strtod (retry_after_ms, &end);

      if (end != retry_after_ms && *end == '\0' && isfinite (ms) && ms >= 0)
        return (gint64)MIN (ms, (double)G_MAXINT32);
    }

  if (retry_after != NULL)
    {
      g_autoptr(GDateTime) date = NULL;
      char *end = NULL;
      double seconds;

      while (g_ascii_isspace (*retry_after))
        retry_after++;
      seconds = g_ascii_strtod (retry_after, &end);
      if (end != retry_after && *end == '\0' && isfinite (seconds) && seconds >= 0)
        return (gint64)(MIN (seconds, (double)G_MAXINT32 / 1000.0) * 1000.0);

      date = soup_date_time_new_from_http_string (retry_after);
      if (date != NULL && now != NULL)
        {
          GTimeSpan diff = g_date_time_difference (date, now);

          return MAX (0, diff / 1000);
        }
    }

  return -1;
}

/**
 * _da_llm_backoff_ms:
 * @attempt: 0 for the first retry
 * @random01: a number in [0, 1) for the jitter
 *
 * Returns: 0.5 s × 2^@attempt with ±25 % jitter, at most 8 s
 */
guint
_da_llm_backoff_ms (guint  attempt,
                    double random01)
{
  double delay = DA_LLM_BACKOFF_BASE_MS * pow (2.0, MIN (attempt, 16));
  double jitter = 0.75 + 0.5 * CLAMP (random01, 0.0, 1.0);

  return (guint)MIN (delay * jitter, (double)DA_LLM_BACKOFF_CAP_MS);
}

gboolean
_da_llm_status_is_retryable (guint status)
{
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

gboolean
_da_llm_is_quota_error (const char *type,
                        const char *code)
{
  /* OpenAI's, then Anthropic's: no credit left, a spend limit reached. */
  return g_strcmp0 (type, "insufficient_quota") == 0 ||
         g_strcmp0 (code, "insufficient_quota") == 0 ||
         g_strcmp0 (type, "billing_error") == 0 ||
         g_strcmp0 (code, "enforced_spend_limit_reached") == 0;
}

DaLlmError
_da_llm_error_code_for_status (guint       status,
                               const char *type,
                               const char *code)
{
  if (_da_llm_is_quota_error (type, code))
    return DA_LLM_ERROR_QUOTA_EXCEEDED;

  switch (status)
    {
    case 401:
    case 403:
      return DA_LLM_ERROR_AUTHENTICATION;
    case 404:
      return DA_LLM_ERROR_NOT_FOUND;
    case 408:
      return DA_LLM_ERROR_TIMEOUT;
    case 429:
      return DA_LLM_ERROR_RATE_LIMITED;
    default:
      if (status >= 500 && status <= 599)
        return DA_LLM_ERROR_SERVER;
      if (status == 409)
        return DA_LLM_ERROR_SERVER;
      if (status >= 400 && status <= 499)
        return DA_LLM_ERROR_INVALID_REQUEST;
      return DA_LLM_ERROR_BAD_RESPONSE;
    }
}

/* For an error object inside a stream that answered 200. */
DaLlmError
_da_llm_error_code_for_payload (const char *type,
                                const char *code)
{
  if (_da_llm_is_quota_error (type, code))
    return DA_LLM_ERROR_QUOTA_EXCEEDED;
  if ((type != NULL && strstr (type, "rate_limit") != NULL) ||
      (code != NULL && strstr (code, "rate_limit") != NULL))
    return DA_LLM_ERROR_RATE_LIMITED;
  return DA_LLM_ERROR_PROVIDER;
}

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  /* One shot until re-armed. */
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = {
  NULL, NULL, deadline_dispatch, NULL, NULL, NULL,
};

static gboolean
deadline_cb (gpointer user_data)
{
  DaLlmGuard *guard = user_data;

  guard->timed_out = TRUE;
  g_cancellable_cancel (guard->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  DaLlmGuard *guard = user_data;

  /* From the main loop rather than from the "cancelled" handler, so that
   * whatever completes synchronously may drop its references freely. */
  g_cancellable_cancel (guard->cancellable);
  return G_SOURCE_REMOVE;
}

/**
 * _da_llm_guard_init:
 * @caller: (nullable): the caller's cancellable
 * @context: where the operation's callbacks run
 */
void
_da_llm_guard_init (DaLlmGuard   *guard,
                    GCancellable *caller,
                    GMainContext *context)
{
  guard->cancellable = g_cancellable_new ();
  guard->timed_out = FALSE;

  guard->deadline = g_source_new (&deadline_funcs, sizeof (GSource));
  g_source_set_static_name (guard->deadline, "[da-llm] deadline");
  g_source_set_callback (guard->deadline, deadline_cb, guard, NULL);
  g_source_attach (guard->deadline, context);

  guard->caller_source = NULL;
  if (caller != NULL)
    {
      guard->caller_source = g_cancellable_source_new (caller);
      g_source_set_static_name (guard->caller_source, "[da-llm] caller cancelled");
      g_source_set_callback (guard->caller_source, G_SOURCE_FUNC (caller_cancelled_cb), guard, NULL);
      g_source_attach (guard->caller_source, context);
    }
}

void
_da_llm_guard_clear (DaLlmGuard *guard)
{
  if (guard->deadline != NULL)
    {
      g_source_destroy (guard->deadline);
      g_clear_pointer (&guard->deadline, g_source_unref);
    }
  if (guard->caller_source != NULL)
    {
      g_source_destroy (guard->caller_source);
      g_clear_pointer (&guard->caller_source, g_source_unref);
    }
  g_clear_object (&guard->cancellable);
}

/**
 * _da_llm_guard_arm:
 * @seconds: time allowed from now until the next sign of life; 0 for none
 */
void
_da_llm_guard_arm (DaLlmGuard *guard,
                   guint       seconds)
{
  if (seconds == 0)
    g_source_set_ready_time (guard->deadline, -1);
  else
    g_source_set_ready_time (guard->deadline,
                             g_get_monotonic_time () + (gint64)seconds * G_USEC_PER_SEC);
}

/**
 * _da_llm_guard_check:
 * @what: what was awaited, for the timeout message ("an answer")
 * @seconds: the timeout, for the message
 *
 * Returns: (transfer full) (nullable): %DA_LLM_ERROR_CANCELLED or
 *   %DA_LLM_ERROR_TIMEOUT if the operation was stopped by either
 */
GError *
_da_llm_guard_check (DaLlmGuard *guard,
                     const char *what,
                     guint       seconds)
{
  if (guard->timed_out)
    return da_llm_error_new (DA_LLM_ERROR_TIMEOUT, 0, -1,
                             "no %s from the server within %u s", what, seconds);
  if (g_cancellable_is_cancelled (guard->cancellable))
    return da_llm_error_new (DA_LLM_ERROR_CANCELLED, 0, -1, "the request was cancelled");
  return NULL;
}
