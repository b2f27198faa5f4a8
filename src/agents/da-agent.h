/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-message.h"

G_BEGIN_DECLS

#define DA_TYPE_AGENT (da_agent_get_type ())

G_DECLARE_DERIVABLE_TYPE (DaAgent, da_agent, DA, AGENT, GObject)

/**
 * DaAgentClass:
 * @generate_reply_async: produce this agent's reply to @sender, given
 *   @messages, this agent's history with @sender (oldest first, the
 *   message to answer last). A streamed reply is announced with
 *   da_agent_emit_reply_started() before its first delta.
 * @generate_reply_finish: the reply, or %NULL without error when the
 *   agent ends the conversation (after da_agent_set_stop_reason()), or
 *   %NULL with an error
 * @prepare_chat: forget what belongs to the previous chat with @peer
 *   (history, counters); chain up
 *
 * The base of every agent: a name, a description and one history per
 * peer, kept by peer name (names are unique within a team). The history
 * holds the shared #DaMessage objects of the chat, so a message streamed
 * by one agent is the very object its peer receives.
 */
struct _DaAgentClass
{
  GObjectClass parent_class;

  void       (*generate_reply_async)  (DaAgent             *self,
                                       GPtrArray           *messages,
                                       DaAgent             *sender,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
  DaMessage *(*generate_reply_finish) (DaAgent             *self,
                                       GAsyncResult        *result,
                                       GError             **error);
  void       (*prepare_chat)          (DaAgent             *self,
                                       DaAgent             *peer);

  /*< private >*/
  gpointer _reserved[8];
};

const char *da_agent_get_name              (DaAgent              *self);
const char *da_agent_get_description       (DaAgent              *self);
void        da_agent_set_description       (DaAgent              *self,
                                            const char           *description);
GPtrArray  *da_agent_get_history           (DaAgent              *self,
                                            DaAgent              *peer);
void        da_agent_clear_history         (DaAgent              *self,
                                            DaAgent              *peer);
void        da_agent_send                  (DaAgent              *self,
                                            DaMessage            *message,
                                            DaAgent              *recipient);
void        da_agent_receive               (DaAgent              *self,
                                            DaMessage            *message,
                                            DaAgent              *sender);
void        da_agent_prepare_chat          (DaAgent              *self,
                                            DaAgent              *peer);
void        da_agent_generate_reply_async  (DaAgent              *self,
                                            GPtrArray            *messages,
                                            DaAgent              *sender,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
DaMessage  *da_agent_generate_reply_finish (DaAgent              *self,
                                            GAsyncResult         *result,
                                            GError              **error);
const char *da_agent_get_stop_reason       (DaAgent              *self);

/* For implementations of generate_reply_async. */
void        da_agent_set_stop_reason       (DaAgent              *self,
                                            const char           *reason);
void        da_agent_emit_reply_started    (DaAgent              *self,
                                            DaMessage            *reply);
void        da_agent_emit_reply_completed  (DaAgent              *self,
                                            DaMessage            *reply);

G_END_DECLS
