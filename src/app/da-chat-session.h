/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "da-agent-spec.h"
#include "da-store.h"

G_BEGIN_DECLS

#define DA_TYPE_CHAT_SESSION (da_chat_session_get_type ())

G_DECLARE_FINAL_TYPE (DaChatSession, da_chat_session, DA, CHAT_SESSION, GObject)

DaChatSession *da_chat_session_new                  (DaStore           *store,
                                                     const DaAgentSpec *agent);
DaChatSession *da_chat_session_new_for_conversation (DaStore           *store,
                                                     DaConversation    *conversation,
                                                     const DaAgentSpec *agent);
gint64         da_chat_session_get_conversation_id  (DaChatSession     *self);
const char    *da_chat_session_get_title            (DaChatSession     *self);
void           da_chat_session_set_title            (DaChatSession     *self,
                                                     const char        *title);
const char    *da_chat_session_get_agent_name       (DaChatSession     *self);
void           da_chat_session_set_agent            (DaChatSession     *self,
                                                     const DaAgentSpec *agent);
gboolean       da_chat_session_get_busy             (DaChatSession     *self);
gboolean       da_chat_session_get_loaded           (DaChatSession     *self);
gboolean       da_chat_session_get_latest_loaded    (DaChatSession     *self);
void           da_chat_session_load                 (DaChatSession     *self);
gboolean       da_chat_session_get_pinned           (DaChatSession     *self);
void           da_chat_session_set_pinned           (DaChatSession     *self,
                                                     gboolean           pinned);
gint64         da_chat_session_get_updated_at       (DaChatSession     *self);
GListModel    *da_chat_session_get_messages         (DaChatSession     *self);
guint          da_chat_session_find_message         (DaChatSession     *self,
                                                     gint64             message_id);
void           da_chat_session_send                 (DaChatSession     *self,
                                                     const char        *text);
void           da_chat_session_stop                 (DaChatSession     *self);
void           da_chat_session_retry                (DaChatSession     *self);
gboolean       da_chat_session_delete_stored        (DaChatSession     *self,
                                                     GError           **error);
void           da_chat_session_set_tool_config      (DaChatSession     *self,
                                                     JsonObject        *config);

G_END_DECLS
