/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public surface of libdenoagents. */

#include "da-llm-enums.h"
#include "da-llm-error.h"
#include "da-message.h"
#include "da-anthropic-provider.h"
#include "da-openai-provider.h"
#include "da-provider.h"
#include "da-provider-factory.h"
#include "da-request.h"
#include "da-tool-call.h"
#include "da-agents.h"
#include "da-chat.h"
