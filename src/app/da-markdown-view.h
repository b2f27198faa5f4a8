/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DA_TYPE_MARKDOWN_VIEW (da_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (DaMarkdownView, da_markdown_view, DA, MARKDOWN_VIEW, GtkWidget)

GtkWidget  *da_markdown_view_new        (void);
const char *da_markdown_view_get_text   (DaMarkdownView *self);
void        da_markdown_view_set_text   (DaMarkdownView *self,
                                         const char     *text);
void        da_markdown_view_flush      (DaMarkdownView *self);
guint       da_markdown_view_get_n_renders (DaMarkdownView *self);

void        da_confirm_open_link        (GtkWidget      *from,
                                         const char     *uri);

G_END_DECLS
