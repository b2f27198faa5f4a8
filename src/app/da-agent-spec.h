/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* An agent of the library as the application edits it. Stored as the
 * agent's team-file object ("name", "kind": "assistant", "description",
 * "system_message", "provider": { "kind", "base_url", "model",
 * "temperature", "max_tokens" }, "tools": [NAME…], "permissions": {…}),
 * so a library entry can be pasted into a team file as it is. */

#define DA_TYPE_AGENT_SPEC (da_agent_spec_get_type ())

typedef struct
{
  char   *name;
  char   *description;
  char   *system_message;
  char   *provider_kind;
  char   *base_url;
  char   *model;
  double  temperature;   /* negative: the server's default */
  gint64  max_tokens;    /* 0: the server's default */
  GStrv   tools;         /* built-in tool names; NULL or empty: none */
  JsonNode *permissions; /* the team file's "permissions" object, or NULL */
} DaAgentSpec;

GType        da_agent_spec_get_type  (void) G_GNUC_CONST;
DaAgentSpec *da_agent_spec_new       (const char        *name);
DaAgentSpec *da_agent_spec_copy      (const DaAgentSpec *self);
void         da_agent_spec_free      (DaAgentSpec       *self);
char        *da_agent_spec_to_json   (const DaAgentSpec *self);
JsonObject  *da_agent_spec_to_object (const DaAgentSpec *self);
DaAgentSpec *da_agent_spec_from_json (const char        *json,
                                      GError           **error);

char        *da_agent_spec_validate  (const char        *name,
                                      const char        *temperature,
                                      const char        *max_tokens,
                                      gboolean           has_provider,
                                      const char * const *taken_names,
                                      double            *temperature_out,
                                      gint64            *max_tokens_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaAgentSpec, da_agent_spec_free)

G_END_DECLS
