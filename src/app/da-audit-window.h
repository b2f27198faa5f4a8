/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-app-security.h"

G_BEGIN_DECLS

#define DA_TYPE_AUDIT_WINDOW (da_audit_window_get_type ())

G_DECLARE_FINAL_TYPE (DaAuditWindow, da_audit_window, DA, AUDIT_WINDOW, AdwWindow)

GtkWidget  *da_audit_window_new        (GtkWindow     *parent,
                                        DaAppSecurity *security);
void        da_audit_window_reload     (DaAuditWindow *self);
gboolean    da_audit_window_get_loaded (DaAuditWindow *self);
GtkListBox *da_audit_window_get_list   (DaAuditWindow *self);
void        da_audit_window_show_action (GtkWidget    *widget,
                                         const char   *action_name,
                                         GVariant     *parameter);

G_END_DECLS
