/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include "da-security-error.h"

G_DEFINE_QUARK (da-security-error-quark, da_security_error)

/* Stable names for JSON output and logs. */
const char *
da_security_error_code_to_string (DaSecurityError code)
{
  switch (code)
    {
    case DA_SECURITY_ERROR_DENIED: return "denied";
    case DA_SECURITY_ERROR_INVALID_ARGUMENTS: return "invalid_arguments";
    case DA_SECURITY_ERROR_KEYRING: return "keyring";
    case DA_SECURITY_ERROR_NOT_FOUND: return "not_found";
    case DA_SECURITY_ERROR_QUOTA_EXCEEDED: return "quota_exceeded";
    default: return "unknown";
    }
}
