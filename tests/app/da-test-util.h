/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*DaTestCondition) (gpointer data);

gboolean  da_test_wait_for      (DaTestCondition  condition,
                                 gpointer         data,
                                 guint            timeout_ms);
void      da_test_wait_ms       (guint            ms);
void      da_test_wait_drawn    (GtkWidget       *widget);
char     *da_test_screenshot    (GtkWidget       *widget,
                                 const char      *name);
GtkWidget *da_test_find_widget  (GtkWidget       *root,
                                 GType            type,
                                 const char      *css_class_or_null);

typedef struct _DaApplication DaApplication;

void       da_test_add_app_func (const char      *path,
                                 void           (*func) (DaApplication *app,
                                                         GtkWindow     *window));
void       da_test_quit_app     (DaApplication   *app);

const char *da_test_server_start (const char     *required_key);
void        da_test_server_stop  (void);

G_END_DECLS
