/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-sandbox-runner.h"

G_BEGIN_DECLS

DaSandboxReport *_da_sandbox_report_parse (const char  *line,
                                           gsize        len,
                                           GError     **error);

G_END_DECLS
