/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"

G_DEFINE_QUARK (da-chat-error-quark, da_chat_error)
