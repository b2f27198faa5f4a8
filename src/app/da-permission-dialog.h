/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-permission-request.h"

G_BEGIN_DECLS

#define DA_TYPE_PERMISSION_DIALOG (da_permission_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DaPermissionDialog, da_permission_dialog, DA, PERMISSION_DIALOG, AdwMessageDialog)

GtkWidget           *da_permission_dialog_new                (GtkWindow           *parent,
                                                              DaPermissionRequest *request,
                                                              GCancellable        *cancellable);
DaPermissionRequest *da_permission_dialog_get_request        (DaPermissionDialog  *self);
GtkLabel            *da_permission_dialog_get_target_label   (DaPermissionDialog  *self);
GtkLabel            *da_permission_dialog_get_detail_label   (DaPermissionDialog  *self);
GtkCheckButton      *da_permission_dialog_get_confirm_button (DaPermissionDialog  *self);

G_END_DECLS
