/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "da-app-security.h"
#include "da-tool-call.h"

G_BEGIN_DECLS

#define DA_TYPE_TOOL_CARD (da_tool_card_get_type ())

G_DECLARE_FINAL_TYPE (DaToolCard, da_tool_card, DA, TOOL_CARD, GtkWidget)

GtkWidget  *da_tool_card_new         (void);
void        da_tool_card_set_call    (DaToolCard          *self,
                                      const DaToolCall    *call);
void        da_tool_card_set_output  (DaToolCard          *self,
                                      const char          *content);
void        da_tool_card_set_outcome (DaToolCard          *self,
                                      const DaToolOutcome *outcome);
const char *da_tool_card_get_status  (DaToolCard          *self);
gboolean    da_tool_card_get_denied  (DaToolCard          *self);
void        da_tool_card_set_expanded (DaToolCard         *self,
                                       gboolean            expanded);

char       *da_tool_card_format_arguments (const char *arguments);

G_END_DECLS
