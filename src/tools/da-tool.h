/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "da-json-schema.h"
#include "da-permissions.h"
#include "da-tool-context.h"
#include "da-tool-result.h"

G_BEGIN_DECLS

/**
 * DaToolPermission:
 * @kind: what the call needs
 * @target: the exact path, host:port, variable or program
 * @detail: (nullable): what the person should see besides the target
 *   (the command line of run_shell_command, the URL of fetch_url)
 */
typedef struct
{
  DaPermissionKind  kind;
  char             *target;
  char             *detail;
} DaToolPermission;

#define DA_TYPE_TOOL_PERMISSION (da_tool_permission_get_type ())
GType             da_tool_permission_get_type (void) G_GNUC_CONST;
DaToolPermission *da_tool_permission_new      (DaPermissionKind        kind,
                                               const char             *target,
                                               const char             *detail);
DaToolPermission *da_tool_permission_copy     (const DaToolPermission *self);
void              da_tool_permission_free     (DaToolPermission       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaToolPermission, da_tool_permission_free)

#define DA_TYPE_TOOL (da_tool_get_type ())

G_DECLARE_DERIVABLE_TYPE (DaTool, da_tool, DA, TOOL, GObject)

/**
 * DaToolClass:
 * @permissions_for: the permissions a call with @args (already valid
 *   against the tool's schema) needs, as a #GPtrArray of
 *   #DaToolPermission; %NULL with an error when the arguments make no
 *   sense (a relative path that escapes, an unsupported URL scheme)
 * @run_async: run the call; every permission returned by
 *   @permissions_for has been granted when this is called
 * @run_finish: the result (a failing command is a result with ok=FALSE,
 *   not an error), or %NULL with a #DaToolError
 */
struct _DaToolClass
{
  GObjectClass parent_class;

  GPtrArray    *(*permissions_for) (DaTool               *self,
                                    DaToolContext        *context,
                                    JsonObject           *args,
                                    GError              **error);
  void          (*run_async)       (DaTool               *self,
                                    DaToolContext        *context,
                                    JsonObject           *args,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  DaToolResult *(*run_finish)      (DaTool               *self,
                                    GAsyncResult         *result,
                                    GError              **error);

  /*< private >*/
  gpointer _reserved[8];
};

const char    *da_tool_get_name         (DaTool               *self);
const char    *da_tool_get_description  (DaTool               *self);
JsonNode      *da_tool_get_parameters   (DaTool               *self);
DaJsonSchema  *da_tool_get_schema       (DaTool               *self);
JsonNode      *da_tool_to_openai        (DaTool               *self);
JsonObject    *da_tool_parse_arguments  (DaTool               *self,
                                         const char           *arguments,
                                         GError              **error);
GPtrArray     *da_tool_permissions_for  (DaTool               *self,
                                         DaToolContext        *context,
                                         JsonObject           *args,
                                         GError              **error);
void           da_tool_run_async        (DaTool               *self,
                                         DaToolContext        *context,
                                         JsonObject           *args,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
DaToolResult  *da_tool_run_finish       (DaTool               *self,
                                         GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
