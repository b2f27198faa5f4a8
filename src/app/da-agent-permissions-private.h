/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-agent-permissions.h"

G_BEGIN_DECLS

const char *_da_agent_permissions_tool_label       (const char             *name);
const char *_da_agent_permissions_isolation_text   (DaIsolationLevel        level);
void        _da_agent_permissions_quota_text       (DaPermissionQuota       quota,
                                                    const char            **title,
                                                    const char            **unit);
const char *_da_agent_permissions_net_problem_text (DaNetRuleProblem        problem);
char       *_da_agent_permissions_rule_error_text  (const GError           *error,
                                                    const char             *value);
GtkWidget  *_da_agent_permissions_item_row         (DaPermissionsDraftList  list,
                                                    const char             *value,
                                                    const char             *sha256,
                                                    const char             *workspace);
GtkWidget  *_da_agent_permissions_all_row          (DaPermissionsDraftList  list);
GtkWidget  *_da_agent_permissions_empty_row        (DaPermissionsDraftList  list);

G_END_DECLS
