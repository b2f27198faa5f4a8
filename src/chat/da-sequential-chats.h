/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-chat.h"
#include "da-provider.h"

G_BEGIN_DECLS

/**
 * DaSummaryMethod:
 * @DA_SUMMARY_LAST_MESSAGE: the chat's last message, without "TERMINATE"
 * @DA_SUMMARY_REFLECTION: an LLM summarises the chat
 */
typedef enum
{
  DA_SUMMARY_LAST_MESSAGE,
  DA_SUMMARY_REFLECTION,
} DaSummaryMethod;

#define DA_SEQUENTIAL_CHATS_REFLECTION_PROMPT \
  "Summarize the takeaway from the conversation. Do not add any introductory phrases."

#define DA_TYPE_SEQUENTIAL_CHATS (da_sequential_chats_get_type ())

G_DECLARE_FINAL_TYPE (DaSequentialChats, da_sequential_chats, DA, SEQUENTIAL_CHATS, GObject)

DaSequentialChats *da_sequential_chats_new                    (void);
void               da_sequential_chats_add                    (DaSequentialChats    *self,
                                                               DaAgent              *initiator,
                                                               DaAgent              *recipient,
                                                               const char           *message,
                                                               guint                 max_turns,
                                                               DaSummaryMethod       method);
void               da_sequential_chats_set_reflection_provider (DaSequentialChats   *self,
                                                               DaProvider           *provider,
                                                               const char           *model);
guint              da_sequential_chats_get_n_chats            (DaSequentialChats    *self);
DaChat            *da_sequential_chats_get_chat               (DaSequentialChats    *self,
                                                               guint                 index);
void               da_sequential_chats_run_async              (DaSequentialChats    *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GStrv              da_sequential_chats_run_finish             (DaSequentialChats    *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

G_END_DECLS
