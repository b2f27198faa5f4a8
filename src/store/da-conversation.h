/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DA_TYPE_CONVERSATION (da_conversation_get_type ())

G_DECLARE_FINAL_TYPE (DaConversation, da_conversation, DA, CONVERSATION, GObject)

DaConversation *da_conversation_new               (gint64          id,
                                                   const char     *title,
                                                   const char     *team_name);
gint64          da_conversation_get_id            (DaConversation *self);
void            da_conversation_set_id            (DaConversation *self,
                                                   gint64          id);
const char     *da_conversation_get_title         (DaConversation *self);
void            da_conversation_set_title         (DaConversation *self,
                                                   const char     *title);
const char     *da_conversation_get_team_name     (DaConversation *self);
void            da_conversation_set_team_name     (DaConversation *self,
                                                   const char     *team_name);
gint64          da_conversation_get_created_at    (DaConversation *self);
void            da_conversation_set_created_at    (DaConversation *self,
                                                   gint64          created_at_us);
gint64          da_conversation_get_updated_at    (DaConversation *self);
void            da_conversation_set_updated_at    (DaConversation *self,
                                                   gint64          updated_at_us);
gboolean        da_conversation_get_pinned        (DaConversation *self);
void            da_conversation_set_pinned        (DaConversation *self,
                                                   gboolean        pinned);
gint64          da_conversation_get_message_count (DaConversation *self);
void            da_conversation_set_message_count (DaConversation *self,
                                                   gint64          message_count);

G_END_DECLS
