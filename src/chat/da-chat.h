/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-agent.h"

G_BEGIN_DECLS

#define DA_TYPE_CHAT (da_chat_get_type ())

G_DECLARE_FINAL_TYPE (DaChat, da_chat, DA, CHAT, GObject)

DaChat     *da_chat_new             (DaAgent              *initiator,
                                     DaAgent              *recipient);
DaAgent    *da_chat_get_initiator   (DaChat               *self);
DaAgent    *da_chat_get_recipient   (DaChat               *self);
guint       da_chat_get_max_turns   (DaChat               *self);
void        da_chat_set_max_turns   (DaChat               *self,
                                     guint                 max_turns);
guint       da_chat_get_n_turns     (DaChat               *self);
gboolean    da_chat_get_running     (DaChat               *self);
void        da_chat_run_async       (DaChat               *self,
                                     const char           *message,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean    da_chat_run_finish      (DaChat               *self,
                                     GAsyncResult         *result,
                                     GError              **error);
const char *da_chat_get_stop_reason (DaChat               *self);
GPtrArray  *da_chat_get_messages    (DaChat               *self);

G_END_DECLS
