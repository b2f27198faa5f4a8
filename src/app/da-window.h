/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-application.h"
#include "da-chat-session.h"
#include "da-chat-view.h"

G_BEGIN_DECLS

#define DA_TYPE_WINDOW (da_window_get_type ())

G_DECLARE_FINAL_TYPE (DaWindow, da_window, DA, WINDOW, AdwApplicationWindow)

DaWindow *da_window_new        (DaApplication *application);
void      da_window_show_toast (DaWindow      *self,
                                AdwToast      *toast);
void      da_window_show_session (DaWindow    *self,
                                  DaChatSession *session);
DaChatSession *da_window_get_session (DaWindow *self);
DaChatView    *da_window_get_chat_view (DaWindow *self);
GtkListBox    *da_window_get_search_results (DaWindow *self);
void           da_window_export        (DaWindow       *self,
                                        DaExportFormat  format,
                                        GFile          *file);

G_END_DECLS
