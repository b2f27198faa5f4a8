/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "da-conversation.h"

G_BEGIN_DECLS

typedef enum
{
  DA_EXPORT_FORMAT_MARKDOWN,
  DA_EXPORT_FORMAT_JSON,
} DaExportFormat;

char     *da_export_format              (DaConversation  *conversation,
                                         GPtrArray       *messages,
                                         DaExportFormat   format,
                                         GError         **error);
gboolean  da_export_format_from_string  (const char      *str,
                                         DaExportFormat  *format);

G_END_DECLS
