/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-group-chat.h"
#include "da-store.h"
#include "da-team-config.h"

G_BEGIN_DECLS

#define DA_TYPE_GROUP_CHAT_WINDOW (da_group_chat_window_get_type ())

G_DECLARE_FINAL_TYPE (DaGroupChatWindow, da_group_chat_window, DA, GROUP_CHAT_WINDOW, AdwApplicationWindow)

DaGroupChatWindow *da_group_chat_window_new                   (GtkApplication    *application,
                                                               DaTeamConfig      *config,
                                                               DaStore           *store);
DaTeamConfig      *da_group_chat_window_get_config            (DaGroupChatWindow *self);
DaGroupChat       *da_group_chat_window_get_chat              (DaGroupChatWindow *self);
gint64             da_group_chat_window_get_conversation_id   (DaGroupChatWindow *self);
gboolean           da_group_chat_window_get_running           (DaGroupChatWindow *self);
const char        *da_group_chat_window_get_round_text        (DaGroupChatWindow *self);
const char        *da_group_chat_window_get_banner_text       (DaGroupChatWindow *self);
const char        *da_group_chat_window_get_speaker_text      (DaGroupChatWindow *self);
const char        *da_group_chat_window_get_human_agent       (DaGroupChatWindow *self);
AdwMessageDialog  *da_group_chat_window_get_selection_dialog  (DaGroupChatWindow *self);
void               da_group_chat_window_run                   (DaGroupChatWindow *self,
                                                               const char        *task);
void               da_group_chat_window_resume                (DaGroupChatWindow *self);
void               da_group_chat_window_stop                  (DaGroupChatWindow *self);
char              *da_group_chat_describe_stop_reason         (const char        *reason,
                                                               guint              max_round);

G_END_DECLS
