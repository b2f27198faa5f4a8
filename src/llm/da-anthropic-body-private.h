/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "da-request.h"

G_BEGIN_DECLS

/* The JSON bodies of the Anthropic Messages API other than the stream. */

#define DA_ANTHROPIC_DEFAULT_MAX_TOKENS 4096

JsonNode *_da_anthropic_build_request (DaRequest   *request,
                                       const char  *model,
                                       GError     **error);
gboolean  _da_anthropic_parse_error   (const char  *data,
                                       gsize        len,
                                       char       **message,
                                       char       **type,
                                       char       **code);

G_END_DECLS
