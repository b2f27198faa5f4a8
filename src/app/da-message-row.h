/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "da-message.h"

G_BEGIN_DECLS

#define DA_TYPE_MESSAGE_ROW (da_message_row_get_type ())

G_DECLARE_FINAL_TYPE (DaMessageRow, da_message_row, DA, MESSAGE_ROW, GtkWidget)

GtkWidget *da_message_row_new         (void);
DaMessage *da_message_row_get_message (DaMessageRow *self);
void       da_message_row_set_message (DaMessageRow *self,
                                       DaMessage    *message);
gboolean   da_message_row_has_role_style (DaMessageRow *self,
                                          DaRole        role);

G_END_DECLS
