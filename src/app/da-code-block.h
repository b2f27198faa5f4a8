/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DA_TYPE_CODE_BLOCK (da_code_block_get_type ())

G_DECLARE_FINAL_TYPE (DaCodeBlock, da_code_block, DA, CODE_BLOCK, GtkWidget)

GtkWidget  *da_code_block_new          (const char  *language);
const char *da_code_block_get_language (DaCodeBlock *self);
void        da_code_block_set_code     (DaCodeBlock *self,
                                        const char  *code);
char       *da_code_block_get_code     (DaCodeBlock *self);
void        da_code_block_copy         (DaCodeBlock *self);

void        da_code_block_warm_up (void);

G_END_DECLS
