/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The chat layer of libdenoagents. */

#include "da-chat-error.h"
#include "da-chat.h"
#include "da-group-chat.h"
#include "da-message-router.h"
#include "da-sequential-chats.h"
#include "da-team-agent.h"
#include "da-termination.h"
