/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_SECURITY_ERROR (da_security_error_quark ())

/**
 * DaSecurityError:
 * @DA_SECURITY_ERROR_DENIED: the operation is not permitted
 * @DA_SECURITY_ERROR_INVALID_ARGUMENTS: an argument (a rule, a URL, a
 *   key, tool arguments) is malformed
 * @DA_SECURITY_ERROR_KEYRING: the system keyring (Secret Service) failed
 *   or is not available
 * @DA_SECURITY_ERROR_NOT_FOUND: there is no such item (e.g. no stored key)
 * @DA_SECURITY_ERROR_QUOTA_EXCEEDED: a resource quota is used up
 *
 * Codes of the security layer. New codes are appended at the end so the
 * values of existing ones never change.
 */
typedef enum
{
  DA_SECURITY_ERROR_DENIED,
  DA_SECURITY_ERROR_INVALID_ARGUMENTS,
  DA_SECURITY_ERROR_KEYRING,
  DA_SECURITY_ERROR_NOT_FOUND,
  DA_SECURITY_ERROR_QUOTA_EXCEEDED,
} DaSecurityError;

GQuark       da_security_error_quark          (void);
const char  *da_security_error_code_to_string (DaSecurityError code);

G_END_DECLS
