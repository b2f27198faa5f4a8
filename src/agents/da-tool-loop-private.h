/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-conversable-agent.h"

G_BEGIN_DECLS

void       _da_tool_loop_run_async  (DaConversableAgent   *self,
                                     GPtrArray            *messages,
                                     DaMessage            *reply,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
DaMessage *_da_tool_loop_run_finish (DaConversableAgent   *self,
                                     GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
