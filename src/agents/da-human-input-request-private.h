/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-human-input-request.h"

G_BEGIN_DECLS

DaHumanInputRequest *_da_human_input_request_new    (DaAgent              *agent,
                                                     const char           *prompt,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char                *_da_human_input_request_finish (DaHumanInputRequest  *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
