/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "da-message.h"

G_BEGIN_DECLS

#define DA_TYPE_REQUEST (da_request_get_type ())

/**
 * DaRequest:
 * @model: (nullable): the model; %NULL uses the provider's default model
 * @messages: (element-type DaMessage): the context, oldest first, with
 *   the system message (if any) first; add them with
 *   da_request_add_message() or da_request_add_message_as()
 * @roles: (element-type gint): the role each message is sent in, or -1
 *   for the message's own role; read it with da_request_get_role()
 * @tools: (nullable): a JSON array of tool definitions in the OpenAI
 *   "function" form; providers translate it to their own form
 * @temperature: sampling temperature, or a negative value for the
 *   server's default
 * @max_tokens: maximum completion tokens, or 0 for the server's default
 *
 * One completion request. Reference counted; shared between an agent
 * and its provider.
 */
typedef struct
{
  char      *model;
  GPtrArray *messages;
  GArray    *roles;
  JsonNode  *tools;
  double     temperature;
  gint64     max_tokens;

  /*< private >*/
  gatomicrefcount ref_count;
} DaRequest;

GType      da_request_get_type       (void) G_GNUC_CONST;
DaRequest *da_request_new            (const char *model);
DaRequest *da_request_ref            (DaRequest  *self);
void       da_request_unref          (DaRequest  *self);
gboolean   da_request_is_shared      (DaRequest  *self);
void       da_request_add_message    (DaRequest  *self,
                                      DaMessage  *message);
void       da_request_add_message_as (DaRequest  *self,
                                      DaMessage  *message,
                                      DaRole      role);
DaRole     da_request_get_role       (DaRequest  *self,
                                      guint       index);
void       da_request_set_role       (DaRequest  *self,
                                      guint       index,
                                      DaRole      role);
void       da_request_set_tools      (DaRequest  *self,
                                      JsonNode   *tools);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaRequest, da_request_unref)

G_END_DECLS
