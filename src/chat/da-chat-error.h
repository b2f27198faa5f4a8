/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DA_CHAT_ERROR (da_chat_error_quark ())

/**
 * DaChatError:
 * @DA_CHAT_ERROR_INVALID_CONFIG: a team's configuration (termination
 *   object, transitions, selection) is malformed; the message starts with
 *   the JSON path of the offending value when there is one
 * @DA_CHAT_ERROR_INVALID_STATE: a saved team state cannot be loaded into
 *   this team (malformed, or naming agents the team does not have)
 * @DA_CHAT_ERROR_RUNNING: the team is already running
 * @DA_CHAT_ERROR_NOTHING_TO_RESUME: a run without a task on a team with
 *   no history
 * @DA_CHAT_ERROR_INVALID_HANDOFF: an agent handed over to a name that is
 *   not a participant
 * @DA_CHAT_ERROR_INVALID_SELECTION: the speaker selector's answer names
 *   no eligible participant, or more than one
 */
typedef enum
{
  DA_CHAT_ERROR_INVALID_CONFIG,
  DA_CHAT_ERROR_INVALID_STATE,
  DA_CHAT_ERROR_RUNNING,
  DA_CHAT_ERROR_NOTHING_TO_RESUME,
  DA_CHAT_ERROR_INVALID_HANDOFF,
  DA_CHAT_ERROR_INVALID_SELECTION,
} DaChatError;

GQuark da_chat_error_quark (void);

G_END_DECLS
