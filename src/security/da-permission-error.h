/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_PERMISSION_ERROR (da_permission_error_quark ())

/**
 * DaPermissionError:
 * @DA_PERMISSION_ERROR_INVALID_RULE: a rule (flag value or team file
 *   entry) could not be parsed
 * @DA_PERMISSION_ERROR_NOT_GRANTABLE: the rule names something that is
 *   never granted (a loader variable such as LD_PRELOAD)
 * @DA_PERMISSION_ERROR_NOT_FOUND: an --allow-run program could not be found
 *   or read
 * @DA_PERMISSION_ERROR_INVALID_POLICY: a team file's `permissions` object is
 *   malformed (unknown key, wrong type); the message starts with the JSON path
 * @DA_PERMISSION_ERROR_UNREPRESENTABLE: the rules cannot be expressed as a
 *   sandbox policy
 * @DA_PERMISSION_ERROR_UNKNOWN_FLAG: not one of the --allow-/--deny- flags
 */
typedef enum
{
  DA_PERMISSION_ERROR_INVALID_RULE,
  DA_PERMISSION_ERROR_NOT_GRANTABLE,
  DA_PERMISSION_ERROR_NOT_FOUND,
  DA_PERMISSION_ERROR_INVALID_POLICY,
  DA_PERMISSION_ERROR_UNREPRESENTABLE,
  DA_PERMISSION_ERROR_UNKNOWN_FLAG,
} DaPermissionError;

GQuark da_permission_error_quark (void);

G_END_DECLS
