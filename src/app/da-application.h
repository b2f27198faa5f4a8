/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-agent-spec.h"
#include "da-store.h"

G_BEGIN_DECLS

#define DA_TYPE_APPLICATION (da_application_get_type ())

G_DECLARE_FINAL_TYPE (DaApplication, da_application, DA, APPLICATION, AdwApplication)

DaApplication *da_application_new                   (void);
GSettings     *da_application_get_settings          (DaApplication  *self);
DaStore       *da_application_get_store             (DaApplication  *self);
const char    *da_application_get_store_error       (DaApplication  *self);
gboolean       da_application_get_history_loaded    (DaApplication  *self);
GListModel    *da_application_get_sessions          (DaApplication  *self);
void           da_application_add_session           (DaApplication  *self,
                                                     gpointer        session);
void           da_application_remove_session        (DaApplication  *self,
                                                     gpointer        session);
gpointer       da_application_find_session          (DaApplication  *self,
                                                     gint64          conversation_id);
void           da_application_delete_later          (DaApplication  *self,
                                                     gpointer        session);
void           da_application_undo_delete           (DaApplication  *self,
                                                     gpointer        session);
void           da_application_finish_delete         (DaApplication  *self,
                                                     gpointer        session);
gboolean       da_application_delete_everything     (DaApplication  *self,
                                                     GError        **error);

GPtrArray     *da_application_list_providers        (DaApplication  *self);
gboolean       da_application_get_default_provider  (DaApplication  *self,
                                                     char          **kind,
                                                     char          **base_url,
                                                     char          **model);
gint64         da_application_add_provider          (DaApplication  *self,
                                                     const char     *kind,
                                                     const char     *base_url,
                                                     const char     *model);
void           da_application_remove_provider       (DaApplication  *self,
                                                     gint64          id);
GStrv          da_application_list_agents_using_provider (DaApplication *self,
                                                     gint64          id);
gboolean       da_application_agent_has_provider    (DaApplication  *self,
                                                     const DaAgentSpec *spec);

GPtrArray     *da_application_list_agents           (DaApplication  *self);
DaAgentSpec   *da_application_find_agent            (DaApplication  *self,
                                                     const char     *name,
                                                     gint64         *id);
gint64         da_application_save_agent            (DaApplication  *self,
                                                     gint64          id,
                                                     const DaAgentSpec *spec,
                                                     GError        **error);
gboolean       da_application_delete_agent          (DaApplication  *self,
                                                     gint64          id,
                                                     GError        **error);
DaAgentSpec   *da_application_get_default_agent     (DaApplication  *self);

G_END_DECLS
