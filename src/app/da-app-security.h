/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "da-conversable-agent.h"
#include "da-permission-broker.h"
#include "da-store.h"
#include "da-team-config.h"
#include "da-tool-result.h"

G_BEGIN_DECLS

/**
 * DaToolOutcome:
 * @call: the call as the model wrote it
 * @ok: whether the tool did what was asked
 * @denied: whether a permission was refused (by a rule or a person)
 * @content: the text that went back to the model
 * @result: (nullable): the run's details, %NULL when nothing ran
 */
typedef struct
{
  DaToolCall   *call;
  gboolean      ok;
  gboolean      denied;
  char         *content;
  DaToolResult *result;
} DaToolOutcome;

#define DA_TYPE_APP_SECURITY (da_app_security_get_type ())

G_DECLARE_FINAL_TYPE (DaAppSecurity, da_app_security, DA, APP_SECURITY, GObject)

DaAppSecurity       *da_app_security_get_default    (void);
DaAppSecurity       *da_app_security_peek_default   (void);
DaAppSecurity       *da_app_security_new            (DaStore        *store,
                                                     const char     *workspace);
DaStore             *da_app_security_get_store      (DaAppSecurity  *self);
DaPermissionBroker  *da_app_security_get_broker     (DaAppSecurity  *self);
const char          *da_app_security_get_workspace  (DaAppSecurity  *self);
gboolean             da_app_security_equip_agent    (DaAppSecurity  *self,
                                                     DaConversableAgent *agent,
                                                     JsonObject     *config,
                                                     GError        **error);
gboolean             da_app_security_equip_team     (DaAppSecurity  *self,
                                                     DaTeamConfig   *config,
                                                     GPtrArray      *agents,
                                                     GError        **error);
const DaToolOutcome *da_app_security_lookup_outcome (DaAppSecurity  *self,
                                                     const char     *call_id);

G_END_DECLS
