/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-termination.h"

G_BEGIN_DECLS

DaTermination *_da_termination_parse      (JsonNode    *node,
                                           const char  *path,
                                           GError     **error);
DaTermination *_da_termination_parse_data (const char  *data,
                                           gssize       length,
                                           GError     **error);
DaTermination *_da_termination_new_combination (DaTerminationKind  kind,
                                                GPtrArray         *children);

G_END_DECLS
