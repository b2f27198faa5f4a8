/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-builtin-tool.h"
#include "da-sandbox-runner.h"

G_BEGIN_DECLS

/* What a built-in tool runs inside the sandbox for one call. */
typedef struct
{
  GPtrArray        *argv;           /* char*, NULL-terminated when used */
  GBytes           *input;
  gboolean          network;        /* moderate isolation, through the proxy */
  gboolean          temp;           /* a private writable /tmp */
  gboolean          agent_fs;       /* the agent's own fs rules apply (a
                                     * command may touch any path they
                                     * allow); otherwise only the call's
                                     * granted paths are in the sandbox */
  GPtrArray        *extra_read;     /* paths the program itself needs */
  GPtrArray        *extra_write;
} DaBuiltinPlan;

typedef struct
{
  const char   *name;
  const char   *description;
  const char   *parameters;      /* JSON schema */
  GPtrArray  *(*permissions)     (DaToolContext  *context,
                                  JsonObject     *args,
                                  GError        **error);
  gboolean    (*plan)            (DaToolContext  *context,
                                  JsonObject     *args,
                                  DaBuiltinPlan  *plan,
                                  GError        **error);
  DaToolResult *(*result)        (JsonObject     *args,
                                  DaSandboxRun   *run);
} DaBuiltinSpec;

const DaBuiltinSpec *_da_builtin_specs      (guint         *n_specs);
void                 _da_builtin_plan_clear (DaBuiltinPlan *plan);
char                *_da_builtin_output     (GBytes        *bytes,
                                             gboolean       truncated);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DaBuiltinPlan, _da_builtin_plan_clear)

G_END_DECLS
