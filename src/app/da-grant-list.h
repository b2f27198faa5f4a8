/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-permission-broker.h"

G_BEGIN_DECLS

#define DA_TYPE_GRANT_LIST (da_grant_list_get_type ())

G_DECLARE_FINAL_TYPE (DaGrantList, da_grant_list, DA, GRANT_LIST, AdwPreferencesGroup)

GtkWidget *da_grant_list_new         (void);
void       da_grant_list_set_broker  (DaGrantList        *self,
                                      DaPermissionBroker *broker);
void       da_grant_list_set_agent   (DaGrantList        *self,
                                      const char         *agent);
void       da_grant_list_reload      (DaGrantList        *self);
guint      da_grant_list_get_n_grants (DaGrantList       *self);
gboolean   da_grant_list_revoke      (DaGrantList        *self,
                                      gint64              grant_id);
gboolean   da_grant_list_undo_revoke (DaGrantList        *self);

G_END_DECLS
