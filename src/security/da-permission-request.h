/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "da-permissions.h"

G_BEGIN_DECLS

/**
 * DaPermissionAnswer:
 * @DA_PERMISSION_ANSWER_DENY: deny this request
 * @DA_PERMISSION_ANSWER_ONCE: allow this request only
 * @DA_PERMISSION_ANSWER_ALWAYS: allow this target for this agent from now
 *   on (stored as a grant, revocable); for a program run with a detail
 *   (a command line, a script), only that exact detail
 *   (da_permission_request_get_always_exact())
 */
typedef enum
{
  DA_PERMISSION_ANSWER_DENY,
  DA_PERMISSION_ANSWER_ONCE,
  DA_PERMISSION_ANSWER_ALWAYS,
} DaPermissionAnswer;

#define DA_TYPE_PERMISSION_REQUEST (da_permission_request_get_type ())

G_DECLARE_FINAL_TYPE (DaPermissionRequest, da_permission_request, DA, PERMISSION_REQUEST, GObject)

/**
 * DaPermissionRequest:
 *
 * One question the broker puts to a person: may @agent's @tool have
 * @kind access to @target? The strings are exactly what the tool asked
 * for; show the display forms (da_permission_request_get_display_*),
 * which escape control characters, ANSI escapes, bidi controls and
 * zero-width characters. Answer once with da_permission_request_answer().
 */
const char          *da_permission_request_get_agent           (DaPermissionRequest *self);
const char          *da_permission_request_get_tool            (DaPermissionRequest *self);
DaPermissionKind     da_permission_request_get_kind            (DaPermissionRequest *self);
const char          *da_permission_request_get_target          (DaPermissionRequest *self);
const char          *da_permission_request_get_detail          (DaPermissionRequest *self);
char                *da_permission_request_get_display_agent   (DaPermissionRequest *self);
char                *da_permission_request_get_display_tool    (DaPermissionRequest *self);
char                *da_permission_request_get_display_target  (DaPermissionRequest *self);
char                *da_permission_request_get_display_detail  (DaPermissionRequest *self);
char                *da_permission_request_describe            (DaPermissionRequest *self);
const char          *da_permission_request_get_flag            (DaPermissionRequest *self);
gboolean             da_permission_request_get_answered        (DaPermissionRequest *self);
gboolean             da_permission_request_get_always_exact    (DaPermissionRequest *self);
void                 da_permission_request_answer              (DaPermissionRequest *self,
                                                                DaPermissionAnswer   answer);

const char          *da_permission_answer_to_string            (DaPermissionAnswer   answer);

G_END_DECLS
