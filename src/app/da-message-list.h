/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DA_TYPE_MESSAGE_LIST (da_message_list_get_type ())

G_DECLARE_FINAL_TYPE (DaMessageList, da_message_list, DA, MESSAGE_LIST, GtkWidget)

GtkWidget  *da_message_list_new           (void);
GListModel *da_message_list_get_model     (DaMessageList *self);
void        da_message_list_set_model     (DaMessageList *self,
                                           GListModel    *model);
void        da_message_list_scroll_to     (DaMessageList *self,
                                           guint          position);
void        da_message_list_scroll_to_end (DaMessageList *self);
gboolean    da_message_list_focus_item    (DaMessageList *self,
                                           guint          position);
guint       da_message_list_get_focus_position (DaMessageList *self);
guint       da_message_list_get_n_rows    (DaMessageList *self);
guint       da_message_list_get_n_binds   (DaMessageList *self);

G_END_DECLS
