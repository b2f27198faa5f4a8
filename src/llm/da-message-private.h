/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-message.h"

G_BEGIN_DECLS

/* A provider's wire form of one message, as it appears when the message
 * is sent in @role (an agent sends its peers' messages as "user"). */
typedef char *(*DaMessageEncodeFunc) (DaMessage *message,
                                      DaRole     role,
                                      gsize     *len);

const char *_da_message_get_encoded (DaMessage           *self,
                                     DaRole               role,
                                     DaMessageEncodeFunc  encode,
                                     gsize               *len);

G_END_DECLS
