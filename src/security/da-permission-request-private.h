/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-permission-request.h"

G_BEGIN_DECLS

typedef void (*DaPermissionAnsweredFunc) (DaPermissionRequest *request,
                                          DaPermissionAnswer   answer,
                                          gpointer             user_data);

DaPermissionRequest *_da_permission_request_new (const char               *agent,
                                                 const char               *tool,
                                                 DaPermissionKind          kind,
                                                 const char               *target,
                                                 const char               *detail,
                                                 DaPermissionAnsweredFunc  func,
                                                 gpointer                  user_data);
void                 _da_permission_request_detach (DaPermissionRequest   *self);
gboolean             _da_permission_binds_detail   (DaPermissionKind       kind,
                                                    const char            *detail);

G_END_DECLS
