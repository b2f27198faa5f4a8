/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "da-message.h"
#include "da-team-config.h"

G_BEGIN_DECLS

/* DaTerminationKind, the kinds of condition, is the team file's: see
 * da-team-config.h. */

#define DA_HANDOFF_TOOL_PREFIX "transfer_to_"

#define DA_TYPE_TERMINATION (da_termination_get_type ())

G_DECLARE_FINAL_TYPE (DaTermination, da_termination, DA, TERMINATION, GObject)

DaTermination     *da_termination_max_messages_new  (guint                max_messages);
DaTermination     *da_termination_text_mention_new  (const char          *text,
                                                     const char * const  *sources);
DaTermination     *da_termination_token_usage_new   (gint64               max_total_tokens,
                                                     gint64               max_prompt_tokens,
                                                     gint64               max_completion_tokens);
DaTermination     *da_termination_timeout_new       (double               seconds);
DaTermination     *da_termination_handoff_new       (const char          *target);
DaTermination     *da_termination_external_new      (void);
DaTermination     *da_termination_source_match_new  (const char * const  *sources);
DaTermination     *da_termination_all_new           (DaTermination       *first,
                                                     ...) G_GNUC_NULL_TERMINATED;
DaTermination     *da_termination_any_new           (DaTermination       *first,
                                                     ...) G_GNUC_NULL_TERMINATED;
DaTermination     *da_termination_new_from_json     (JsonNode            *node,
                                                     GError             **error);
DaTermination     *da_termination_new_from_config   (const DaTerminationConfig *config);

DaTerminationKind  da_termination_get_kind          (DaTermination       *self);
GPtrArray         *da_termination_get_children      (DaTermination       *self);
gboolean           da_termination_check             (DaTermination       *self,
                                                     GPtrArray           *messages);
gboolean           da_termination_check_message     (DaTermination       *self,
                                                     DaMessage           *message);
gboolean           da_termination_add_usage         (DaTermination       *self,
                                                     gint64               prompt_tokens,
                                                     gint64               completion_tokens);
void               da_termination_external_set      (DaTermination       *self);
gboolean           da_termination_get_terminated    (DaTermination       *self);
const char        *da_termination_get_reason        (DaTermination       *self);
void               da_termination_reset             (DaTermination       *self);
JsonNode          *da_termination_to_json           (DaTermination       *self);
JsonNode          *da_termination_save_state        (DaTermination       *self);
gboolean           da_termination_load_state        (DaTermination       *self,
                                                     JsonNode            *state,
                                                     GError             **error);

char              *da_handoff_dup_target            (DaMessage           *message);

G_END_DECLS
