/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "da-application.h"

G_BEGIN_DECLS

#define DA_TYPE_AGENT_LIBRARY (da_agent_library_get_type ())

G_DECLARE_FINAL_TYPE (DaAgentLibrary, da_agent_library, DA, AGENT_LIBRARY, AdwWindow)

GtkWidget  *da_agent_library_new          (DaApplication  *application);
const char *da_agent_library_get_problems (DaAgentLibrary *self);
GtkWidget  *da_agent_library_get_field    (DaAgentLibrary *self,
                                           const char     *name);

G_END_DECLS
