/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "da-request.h"

G_BEGIN_DECLS

/* The JSON bodies of the OpenAI-compatible API other than the stream. */

char     *_da_openai_sanitize_name   (const char  *sender);
char     *_da_openai_encode_message (DaMessage   *message,
                                     DaRole       role,
                                     gsize       *len);
GBytes   *_da_openai_build_request  (DaRequest   *request,
                                     const char  *model,
                                     GError     **error);
GStrv     _da_openai_parse_models   (const char  *data,
                                     gsize        len,
                                     GError     **error);

G_END_DECLS
