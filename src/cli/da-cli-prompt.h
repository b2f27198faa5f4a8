/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-permission-broker.h"

G_BEGIN_DECLS

#define DA_TYPE_CLI_PROMPT (da_cli_prompt_get_type ())

G_DECLARE_FINAL_TYPE (DaCliPrompt, da_cli_prompt, DA, CLI_PROMPT, GObject)

DaCliPrompt *da_cli_prompt_new           (const char         *tty_path);
gboolean     da_cli_prompt_is_available  (DaCliPrompt        *self);
void         da_cli_prompt_attach        (DaCliPrompt        *self,
                                          DaPermissionBroker *broker);

G_END_DECLS
