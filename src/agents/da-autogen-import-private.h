/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "da-autogen-import.h"
#include "da-team-config.h"

G_BEGIN_DECLS

/* Pure: converts an AutoGen AgentChat team component (as AutoGen Studio
 * exports it) into a team file in our format. What is broken (not JSON,
 * not a team, a component without "provider" or "config", …) is an error
 * (DA_AGENT_ERROR_INVALID_TEAM, starting with the JSON path); what is
 * well formed but has no equivalent here (Python tool code, an Azure
 * client, …) is left out and reported in @warnings as
 * "JSON.path: what could not be mapped and why" (char *, owned by the
 * array, which must free with g_free). The result has not been checked
 * with the team file parser; da_autogen_convert() does that. */
JsonNode     *_da_autogen_import         (const char   *data,
                                          gsize         len,
                                          GPtrArray    *warnings,
                                          GError      **error);

/* Parses a team file in our format or, when it is an AutoGen component,
 * converts it first and keeps the warnings on the result
 * (da_team_config_get_warnings()). */
DaTeamConfig *_da_team_config_load_data  (const char   *data,
                                          gssize        len,
                                          GError      **error);

/* Between the parts of the importer. */
typedef struct
{
  GPtrArray   *warnings;
  GError     **error;
  /* Names of the agents imported so far, for conditions that name them. */
  GHashTable  *agent_names;
} DaAutogenImport;

typedef struct
{
  const char *provider;        /* as written */
  const char *name;            /* the class name: the last dotted part */
  JsonObject *config;
} DaAutogenComponent;

void      _da_autogen_warn            (DaAutogenImport     *im,
                                       const char          *path,
                                       const char          *format,
                                       ...) G_GNUC_PRINTF (3, 4);
gboolean  _da_autogen_fail            (DaAutogenImport     *im,
                                       const char          *path,
                                       const char          *format,
                                       ...) G_GNUC_PRINTF (3, 4);
char     *_da_autogen_path_member     (const char          *parent,
                                       const char          *key);
char     *_da_autogen_path_index      (const char          *parent,
                                       guint                index);
char     *_da_autogen_quote           (const char          *text);
gboolean  _da_autogen_component       (DaAutogenImport     *im,
                                       JsonNode            *node,
                                       const char          *path,
                                       const char          *component_type,
                                       DaAutogenComponent  *out);
void      _da_autogen_check_keys      (DaAutogenImport     *im,
                                       JsonObject          *config,
                                       const char          *path,
                                       const char * const  *handled);
const char *_da_autogen_get_string    (JsonObject          *object,
                                       const char          *key);

JsonNode *_da_autogen_import_model      (DaAutogenImport   *im,
                                         JsonNode          *node,
                                         const char        *path);
JsonNode *_da_autogen_import_termination (DaAutogenImport  *im,
                                          JsonNode         *node,
                                          const char       *path);

/* Whether the importer has hit an error (as opposed to warnings). */
#define DA_AUTOGEN_FAILED(im) (*(im)->error != NULL)

G_END_DECLS
