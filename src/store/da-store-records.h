/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Plain rows of the configuration and security tables. */

#include <glib-object.h>

G_BEGIN_DECLS

#define DA_TYPE_STORED_AGENT    (da_stored_agent_get_type ())
#define DA_TYPE_STORED_PROVIDER (da_stored_provider_get_type ())
#define DA_TYPE_AUDIT_ENTRY     (da_audit_entry_get_type ())
#define DA_TYPE_GRANT           (da_grant_get_type ())

/* An agent of the library; config_json is the agent's team-file object. */
typedef struct
{
  gint64  id;
  char   *name;
  char   *config_json;
  gint64  created_at;
  gint64  updated_at;
} DaStoredAgent;

/* A configured provider endpoint. Its key lives in the keyring, never here. */
typedef struct
{
  gint64  id;
  char   *kind;
  char   *base_url;
  char   *default_model;
  char   *label;
} DaStoredProvider;

/* One permission decision; conversation_id is -1 when there was none. */
typedef struct
{
  gint64  id;
  gint64  time;
  char   *agent;
  char   *tool;
  char   *kind;
  char   *target;
  char   *decision;
  char   *reason;
  gint64  conversation_id;
} DaAuditEntry;

/* An "always allow" decision; sha256 pins the target's content when set;
 * detail_sha256, when set, binds the grant to one input of the program
 * (the exact command line, the script), whose text is detail. */
typedef struct
{
  gint64  id;
  char   *agent;
  char   *kind;
  char   *target;
  char   *sha256;
  gint64  created_at;
  char   *detail;
  char   *detail_sha256;
} DaGrant;

GType             da_stored_agent_get_type    (void) G_GNUC_CONST;
DaStoredAgent    *da_stored_agent_copy        (const DaStoredAgent    *self);
void              da_stored_agent_free        (DaStoredAgent          *self);
GType             da_stored_provider_get_type (void) G_GNUC_CONST;
DaStoredProvider *da_stored_provider_copy     (const DaStoredProvider *self);
void              da_stored_provider_free     (DaStoredProvider       *self);
GType             da_audit_entry_get_type     (void) G_GNUC_CONST;
DaAuditEntry     *da_audit_entry_copy         (const DaAuditEntry     *self);
void              da_audit_entry_free         (DaAuditEntry           *self);
GType             da_grant_get_type           (void) G_GNUC_CONST;
DaGrant          *da_grant_copy               (const DaGrant          *self);
void              da_grant_free               (DaGrant                *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaStoredAgent, da_stored_agent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaStoredProvider, da_stored_provider_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaAuditEntry, da_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaGrant, da_grant_free)

G_END_DECLS
