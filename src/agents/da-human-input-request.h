/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-agent.h"

G_BEGIN_DECLS

#define DA_TYPE_HUMAN_INPUT_REQUEST (da_human_input_request_get_type ())

G_DECLARE_FINAL_TYPE (DaHumanInputRequest, da_human_input_request, DA, HUMAN_INPUT_REQUEST, GObject)

DaAgent    *da_human_input_request_get_agent     (DaHumanInputRequest *self);
const char *da_human_input_request_get_prompt    (DaHumanInputRequest *self);
gboolean    da_human_input_request_get_completed (DaHumanInputRequest *self);
void        da_human_input_request_reply         (DaHumanInputRequest *self,
                                                  const char          *text);
void        da_human_input_request_cancel        (DaHumanInputRequest *self);

G_END_DECLS
