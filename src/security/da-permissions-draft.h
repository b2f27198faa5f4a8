/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "da-permissions.h"

G_BEGIN_DECLS

/**
 * DaPermissionsDraftList:
 * @DA_PERMISSIONS_DRAFT_READ: folders and files to read ("fs.read")
 * @DA_PERMISSIONS_DRAFT_WRITE: folders and files to write ("fs.write")
 * @DA_PERMISSIONS_DRAFT_NET_ALLOW: hosts to reach ("net.allow")
 * @DA_PERMISSIONS_DRAFT_NET_DENY: hosts never reached ("deny.net")
 * @DA_PERMISSIONS_DRAFT_ENV: variables, NAME or PREFIX* ("env.allow")
 * @DA_PERMISSIONS_DRAFT_RUN: programs to run ("run.allow"), each an
 *   absolute path bound to the SHA-256 of its content
 *
 * The lists of a `permissions` object that an editor changes.
 */
typedef enum
{
  DA_PERMISSIONS_DRAFT_READ,
  DA_PERMISSIONS_DRAFT_WRITE,
  DA_PERMISSIONS_DRAFT_NET_ALLOW,
  DA_PERMISSIONS_DRAFT_NET_DENY,
  DA_PERMISSIONS_DRAFT_ENV,
  DA_PERMISSIONS_DRAFT_RUN,
} DaPermissionsDraftList;

#define DA_PERMISSIONS_DRAFT_N_LISTS 6

#define DA_TYPE_PERMISSIONS_DRAFT (da_permissions_draft_get_type ())

G_DECLARE_FINAL_TYPE (DaPermissionsDraft, da_permissions_draft, DA, PERMISSIONS_DRAFT, GObject)

DaPermissionsDraft *da_permissions_draft_new            (const char             *workspace);
gboolean            da_permissions_draft_load_json      (DaPermissionsDraft     *self,
                                                         JsonNode               *permissions,
                                                         GError                **error);
JsonNode           *da_permissions_draft_to_json        (DaPermissionsDraft     *self);
DaPermissions      *da_permissions_draft_build          (DaPermissionsDraft     *self,
                                                         GError                **error);
const char         *da_permissions_draft_get_workspace  (DaPermissionsDraft     *self);
DaIsolationLevel    da_permissions_draft_get_isolation  (DaPermissionsDraft     *self);
void                da_permissions_draft_set_isolation  (DaPermissionsDraft     *self,
                                                         DaIsolationLevel        isolation);
guint64             da_permissions_draft_get_quota      (DaPermissionsDraft     *self,
                                                         DaPermissionQuota       quota);
void                da_permissions_draft_set_quota      (DaPermissionsDraft     *self,
                                                         DaPermissionQuota       quota,
                                                         guint64                 value);
const char * const *da_permissions_draft_get_items      (DaPermissionsDraft     *self,
                                                         DaPermissionsDraftList  list);
gboolean            da_permissions_draft_get_all        (DaPermissionsDraft     *self,
                                                         DaPermissionsDraftList  list);
void                da_permissions_draft_set_all        (DaPermissionsDraft     *self,
                                                         DaPermissionsDraftList  list,
                                                         gboolean                all);
gboolean            da_permissions_draft_add            (DaPermissionsDraft     *self,
                                                         DaPermissionsDraftList  list,
                                                         const char             *value,
                                                         GError                **error);
gboolean            da_permissions_draft_remove         (DaPermissionsDraft     *self,
                                                         DaPermissionsDraftList  list,
                                                         const char             *value);
const char         *da_permissions_draft_get_sha256     (DaPermissionsDraft     *self,
                                                         const char             *program);
DaPermissionKind    da_permissions_draft_list_get_kind  (DaPermissionsDraftList  list);

G_END_DECLS
