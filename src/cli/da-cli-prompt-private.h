/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DA_CLI_ANSWER_INVALID,
  DA_CLI_ANSWER_YES,
  DA_CLI_ANSWER_NO,
  DA_CLI_ANSWER_ALL,
} DaCliAnswer;

DaCliAnswer _da_cli_prompt_parse_answer  (const char *line,
                                          gsize       len);
gboolean    _da_cli_prompt_parse_confirm (const char *line,
                                          gsize       len);

G_END_DECLS
