/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "da-tool-call.h"

G_BEGIN_DECLS

typedef enum
{
  DA_ROLE_SYSTEM,
  DA_ROLE_USER,
  DA_ROLE_ASSISTANT,
  DA_ROLE_TOOL,
} DaRole;

typedef enum
{
  DA_MESSAGE_STATE_STREAMING,
  DA_MESSAGE_STATE_COMPLETE,
  DA_MESSAGE_STATE_INCOMPLETE,
  DA_MESSAGE_STATE_ERROR,
} DaMessageState;

#define DA_TYPE_MESSAGE (da_message_get_type ())

G_DECLARE_FINAL_TYPE (DaMessage, da_message, DA, MESSAGE, GObject)

DaMessage      *da_message_new                 (DaRole            role,
                                                const char       *sender,
                                                const char       *content);
DaMessage      *da_message_new_streaming       (const char       *sender);
DaMessage      *da_message_copy                (DaMessage        *self);

gint64          da_message_get_id              (DaMessage        *self);
void            da_message_set_id              (DaMessage        *self,
                                                gint64            id);
DaRole          da_message_get_role            (DaMessage        *self);
void            da_message_set_role            (DaMessage        *self,
                                                DaRole            role);
const char     *da_message_get_sender          (DaMessage        *self);
void            da_message_set_sender          (DaMessage        *self,
                                                const char       *sender);
const char     *da_message_get_content         (DaMessage        *self);
void            da_message_set_content         (DaMessage        *self,
                                                const char       *content);
void            da_message_append_text         (DaMessage        *self,
                                                const char       *text,
                                                gssize            len);
DaMessageState  da_message_get_state           (DaMessage        *self);
void            da_message_set_state           (DaMessage        *self,
                                                DaMessageState    state);
const char     *da_message_get_tool_call_id    (DaMessage        *self);
void            da_message_set_tool_call_id    (DaMessage        *self,
                                                const char       *tool_call_id);
GPtrArray      *da_message_get_tool_calls      (DaMessage        *self);
void            da_message_add_tool_call       (DaMessage        *self,
                                                const DaToolCall *call);
void            da_message_emit_tool_call_delta (DaMessage       *self,
                                                guint             index,
                                                const char       *id,
                                                const char       *name,
                                                const char       *arguments_fragment);
gint64          da_message_get_prompt_tokens   (DaMessage        *self);
gint64          da_message_get_completion_tokens (DaMessage      *self);
void            da_message_set_usage           (DaMessage        *self,
                                                gint64            prompt_tokens,
                                                gint64            completion_tokens);
const char     *da_message_get_finish_reason   (DaMessage        *self);
void            da_message_set_finish_reason   (DaMessage        *self,
                                                const char       *finish_reason);
const char     *da_message_get_error_message   (DaMessage        *self);
void            da_message_set_error_message   (DaMessage        *self,
                                                const char       *error_message);
gint64          da_message_get_created_at      (DaMessage        *self);
void            da_message_set_created_at      (DaMessage        *self,
                                                gint64            created_at_us);

const char     *da_role_to_string              (DaRole            role);
gboolean        da_role_from_string            (const char       *str,
                                                DaRole           *role);
const char     *da_message_state_to_string     (DaMessageState    state);
gboolean        da_message_state_from_string   (const char       *str,
                                                DaMessageState   *state);

G_END_DECLS
