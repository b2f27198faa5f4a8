/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-store-records.h"

G_DEFINE_BOXED_TYPE (DaStoredAgent, da_stored_agent, da_stored_agent_copy, da_stored_agent_free)
G_DEFINE_BOXED_TYPE (DaStoredProvider, da_stored_provider, da_stored_provider_copy, da_stored_provider_free)
G_DEFINE_BOXED_TYPE (DaAuditEntry, da_audit_entry, da_audit_entry_copy, da_audit_entry_free)
G_DEFINE_BOXED_TYPE (DaGrant, da_grant, da_grant_copy, da_grant_free)

DaStoredAgent *
da_stored_agent_copy (const DaStoredAgent *self)
{
  DaStoredAgent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->config_json = g_strdup (self->config_json);
  return copy;
}

void
da_stored_agent_free (DaStoredAgent *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->config_json);
  g_free (self);
}

DaStoredProvider *
da_stored_provider_copy (const DaStoredProvider *self)
{
  DaStoredProvider *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->kind = g_strdup (self->kind);
  copy->base_url = g_strdup (self->base_url);
  copy->default_model = g_strdup (self->default_model);
  copy->label = g_strdup (self->label);
  return copy;
}

void
da_stored_provider_free (DaStoredProvider *self)
{
  if (self == NULL)
    return;
  g_free (self->kind);
  g_free (self->base_url);
  g_free (self->default_model);
  g_free (self->label);
  g_free (self);
}

DaAuditEntry *
da_audit_entry_copy (const DaAuditEntry *self)
{
  DaAuditEntry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->agent = g_strdup (self->agent);
  copy->tool = g_strdup (self->tool);
  copy->kind = g_strdup (self->kind);
  copy->target = g_strdup (self->target);
  copy->decision = g_strdup (self->decision);
  copy->reason = g_strdup (self->reason);
  return copy;
}

void
da_audit_entry_free (DaAuditEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->agent);
  g_free (self->tool);
  g_free (self->kind);
  g_free (self->target);
  g_free (self->decision);
  g_free (self->reason);
  g_free (self);
}

DaGrant *
da_grant_copy (const DaGrant *self)
{
  DaGrant *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->agent = g_strdup (self->agent);
  copy->kind = g_strdup (self->kind);
  copy->target = g_strdup (self->target);
  copy->sha256 = g_strdup (self->sha256);
  copy->detail = g_strdup (self->detail);
  copy->detail_sha256 = g_strdup (self->detail_sha256);
  return copy;
}

void
da_grant_free (DaGrant *self)
{
  if (self == NULL)
    return;
  g_free (self->agent);
  g_free (self->kind);
  g_free (self->target);
  g_free (self->sha256);
  g_free (self->detail);
  g_free (self->detail_sha256);
  g_free (self);
}
