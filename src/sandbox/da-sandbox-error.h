/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_SANDBOX_ERROR (da_sandbox_error_quark ())

/**
 * DaSandboxError:
 * @DA_SANDBOX_ERROR_INVALID_POLICY: the policy is not valid JSON, has an
 *   unknown key, or a value of the wrong type or range
 * @DA_SANDBOX_ERROR_UNSUPPORTED: the kernel lacks a feature the policy's
 *   isolation level needs (the helper refuses rather than run with less)
 * @DA_SANDBOX_ERROR_SETUP: a step of setting up the sandbox failed
 */
typedef enum
{
  DA_SANDBOX_ERROR_INVALID_POLICY,
  DA_SANDBOX_ERROR_UNSUPPORTED,
  DA_SANDBOX_ERROR_SETUP,
} DaSandboxError;

GQuark da_sandbox_error_quark (void);

G_END_DECLS
