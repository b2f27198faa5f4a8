/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "da-agent.h"

G_BEGIN_DECLS

/**
 * DaMessageRouterDeliverFunc:
 * @recipient: the endpoint receiving
 * @message: the message
 * @sender: the endpoint that posted it
 * @user_data: the data given with the function
 */
typedef void (*DaMessageRouterDeliverFunc) (DaAgent   *recipient,
                                            DaMessage *message,
                                            DaAgent   *sender,
                                            gpointer   user_data);

#define DA_TYPE_MESSAGE_ROUTER (da_message_router_get_type ())

G_DECLARE_FINAL_TYPE (DaMessageRouter, da_message_router, DA, MESSAGE_ROUTER, GObject)

DaMessageRouter *da_message_router_new               (void);
void             da_message_router_set_deliver_func  (DaMessageRouter            *self,
                                                      DaMessageRouterDeliverFunc  func,
                                                      gpointer                    user_data,
                                                      GDestroyNotify              destroy);
void             da_message_router_add_endpoint      (DaMessageRouter            *self,
                                                      DaAgent                    *agent);
void             da_message_router_remove_endpoint   (DaMessageRouter            *self,
                                                      DaAgent                    *agent);
void             da_message_router_post              (DaMessageRouter            *self,
                                                      DaAgent                    *sender,
                                                      DaAgent                    *recipient,
                                                      DaMessage                  *message);
guint            da_message_router_dispatch          (DaMessageRouter            *self);
guint            da_message_router_get_n_pending     (DaMessageRouter            *self);
guint64          da_message_router_get_n_delivered   (DaMessageRouter            *self);

G_END_DECLS
