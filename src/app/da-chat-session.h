/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DA_TYPE_CHAT_SESSION (da_chat_session_get_type ())

G_DECLARE_FINAL_TYPE (DaChatSession, da_chat_session, DA, CHAT_SESSION, GObject)

DaChatSession *da_chat_session_new            (const char    *agent_name,
                                               const char    *system_message,
                                               const char    *provider_kind,
                                               const char    *base_url,
                                               const char    *model);
const char    *da_chat_session_get_title      (DaChatSession *self);
void           da_chat_session_set_title      (DaChatSession *self,
                                               const char    *title);
const char    *da_chat_session_get_agent_name (DaChatSession *self);
gboolean       da_chat_session_get_busy       (DaChatSession *self);
gboolean       da_chat_session_get_pinned     (DaChatSession *self);
void           da_chat_session_set_pinned     (DaChatSession *self,
                                               gboolean       pinned);
gint64         da_chat_session_get_updated_at (DaChatSession *self);
GListModel    *da_chat_session_get_messages   (DaChatSession *self);
void           da_chat_session_send           (DaChatSession *self,
                                               const char    *text);
void           da_chat_session_stop           (DaChatSession *self);
void           da_chat_session_retry          (DaChatSession *self);
void           da_chat_session_set_tool_config (DaChatSession *self,
                                                JsonObject    *config);

G_END_DECLS
