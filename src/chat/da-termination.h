/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "da-message.h"

G_BEGIN_DECLS

/**
 * DaTerminationKind:
 * @DA_TERMINATION_MAX_MESSAGES: stops once N messages were seen
 * @DA_TERMINATION_TEXT_MENTION: stops when a message contains a text,
 *   optionally only from some senders
 * @DA_TERMINATION_TOKEN_USAGE: stops once the tokens used reach a limit
 * @DA_TERMINATION_TIMEOUT: stops once a duration of running time has passed
 * @DA_TERMINATION_HANDOFF: stops when an agent hands over to a target
 * @DA_TERMINATION_EXTERNAL: stops at the first check after
 *   da_termination_external_set()
 * @DA_TERMINATION_SOURCE_MATCH: stops when one of some senders speaks
 * @DA_TERMINATION_ALL: stops once every child has fired
 * @DA_TERMINATION_ANY: stops as soon as one child fires
 */
typedef enum
{
  DA_TERMINATION_MAX_MESSAGES,
  DA_TERMINATION_TEXT_MENTION,
  DA_TERMINATION_TOKEN_USAGE,
  DA_TERMINATION_TIMEOUT,
  DA_TERMINATION_HANDOFF,
  DA_TERMINATION_EXTERNAL,
  DA_TERMINATION_SOURCE_MATCH,
  DA_TERMINATION_ALL,
  DA_TERMINATION_ANY,
} DaTerminationKind;

#define DA_HANDOFF_TOOL_PREFIX "transfer_to_"
/* The person, as a swarm handoff target (AutoGen's spelling), unless a
 * participant is so named */
#define DA_HANDOFF_PERSON "user"

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
void               da_termination_start_clock       (DaTermination       *self);
void               da_termination_pause_clock       (DaTermination       *self);
gint64             da_termination_get_time_left     (DaTermination       *self);
JsonNode          *da_termination_to_json           (DaTermination       *self);
JsonNode          *da_termination_save_state        (DaTermination       *self);
gboolean           da_termination_load_state        (DaTermination       *self,
                                                     JsonNode            *state,
                                                     GError             **error);

char              *da_handoff_dup_target            (DaMessage           *message);
const char        *da_termination_kind_to_string    (DaTerminationKind    kind);

G_END_DECLS
