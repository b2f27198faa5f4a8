/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "da-message-list.h"

G_BEGIN_DECLS

#define DA_TYPE_CHAT_VIEW (da_chat_view_get_type ())

G_DECLARE_FINAL_TYPE (DaChatView, da_chat_view, DA, CHAT_VIEW, GtkWidget)

GtkWidget  *da_chat_view_new               (void);
GListModel *da_chat_view_get_model         (DaChatView *self);
void        da_chat_view_set_model         (DaChatView *self,
                                            GListModel *model);
gboolean    da_chat_view_get_busy          (DaChatView *self);
void        da_chat_view_set_busy          (DaChatView *self,
                                            gboolean    busy);
void        da_chat_view_set_needs_setup   (DaChatView *self,
                                            const char *reason);
void        da_chat_view_set_setup_action  (DaChatView *self,
                                            const char *label,
                                            const char *detailed_action);
void        da_chat_view_set_human_prompt  (DaChatView *self,
                                            const char *prompt);
char       *da_chat_view_get_draft         (DaChatView *self);
void        da_chat_view_set_draft         (DaChatView *self,
                                            const char *text);
GtkWidget  *da_chat_view_get_composer      (DaChatView *self);
DaMessageList *da_chat_view_get_message_list (DaChatView *self);
void        da_chat_view_scroll_to_end     (DaChatView *self);

G_END_DECLS
