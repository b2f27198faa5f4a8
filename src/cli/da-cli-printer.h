/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "da-chat.h"

G_BEGIN_DECLS

#define DA_TYPE_CLI_PRINTER (da_cli_printer_get_type ())

G_DECLARE_FINAL_TYPE (DaCliPrinter, da_cli_printer, DA, CLI_PRINTER, GObject)

DaCliPrinter *da_cli_printer_new              (gboolean      json,
                                               FILE         *out,
                                               FILE         *err);
void          da_cli_printer_attach           (DaCliPrinter *self,
                                               GObject      *chat);
void          da_cli_printer_print_error      (DaCliPrinter *self,
                                               const char   *agent,
                                               const GError *error);
void          da_cli_printer_print_permission (DaCliPrinter *self,
                                               const char   *agent,
                                               const char   *kind,
                                               const char   *target,
                                               const char   *decision);
void          da_cli_printer_print_tool_result (DaCliPrinter *self,
                                               const char   *agent,
                                               const char   *id,
                                               gboolean      ok,
                                               const char   *content);
void          da_cli_printer_print_stop       (DaCliPrinter *self,
                                               const char   *reason);

const char   *da_cli_error_code               (const GError *error);

G_END_DECLS
