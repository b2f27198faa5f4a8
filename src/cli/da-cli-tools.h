/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-cli-printer.h"
#include "da-store.h"
#include "da-team-config.h"

G_BEGIN_DECLS

typedef struct _DaCliTools DaCliTools;

DaCliTools *da_cli_tools_setup (const DaTeamConfig  *team,
                                GPtrArray           *agents,
                                GPtrArray           *flags,
                                DaStore             *store,
                                gint64               conversation_id,
                                gboolean             prompt,
                                DaCliPrinter        *printer,
                                GError             **error);
void        da_cli_tools_free  (DaCliTools          *tools);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaCliTools, da_cli_tools_free)

G_END_DECLS
