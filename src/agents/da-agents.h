/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The agents layer of libdenoagents. */

#include "da-agents-enums.h"
#include "da-agent-error.h"
#include "da-agent.h"
#include "da-assistant-agent.h"
#include "da-conversable-agent.h"
#include "da-human-input-request.h"
#include "da-user-proxy-agent.h"
#include "da-team-config.h"
