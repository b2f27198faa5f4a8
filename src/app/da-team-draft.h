/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "da-team-config.h"

G_BEGIN_DECLS

/**
 * DaTeamDraft:
 * @name: the team name
 * @description: (nullable): what the team is for
 * @agents: (element-type JsonObject): the agents' team-file objects, as
 *   written (keys the editor does not show are kept)
 * @kind: how the next speaker is chosen
 * @max_round: the most messages of a run, 0 for the default
 * @transitions: (element-type utf8 GHashTable): from → the set of names
 *   allowed to speak next;
 *   empty when anyone may follow anyone
 * @max_messages: termination after this many messages, 0 for none
 * @mention: (nullable): termination when a message contains this text
 * @mention_sources: (nullable): only from these agents (%NULL: anyone)
 * @max_tokens: termination after this many tokens in all, 0 for none
 * @timeout: termination after this many seconds, 0 for none
 * @all: the conditions must all hold (else any one stops the team)
 * @custom_termination: (nullable): a termination the fields above cannot
 *   say, kept as written; when set, the fields above are unused
 * @allow_repeat_speaker: whether the last speaker may be picked again
 *   (random, manual and selector teams; written for those kinds only)
 * @selector_provider: (nullable): the selector team's "selector"
 *   provider object, kept as written (without one the group-chat window
 *   asks the first participant's model)
 * @selector_prompt: (nullable): the selector's prompt, %NULL for the
 *   default
 * @selector_max_attempts: attempts at a valid name, 0 for the default
 *
 * A team as the editor shows it. It turns into a team file with
 * da_team_draft_to_json() and back with da_team_draft_new_from_json().
 */
typedef struct
{
  char        *name;
  char        *description;
  GPtrArray   *agents;
  DaTeamKind   kind;
  gint64       max_round;
  GHashTable  *transitions;
  gint64       max_messages;
  char        *mention;
  GStrv        mention_sources;
  gint64       max_tokens;
  gint64       timeout;
  gboolean     all;
  JsonNode    *custom_termination;
  gboolean     allow_repeat_speaker;
  JsonNode    *selector_provider;
  char        *selector_prompt;
  gint64       selector_max_attempts;
} DaTeamDraft;

DaTeamDraft *da_team_draft_new            (const char         *name);
DaTeamDraft *da_team_draft_new_from_json  (const char         *data,
                                           gssize              len,
                                           GError            **error);
void         da_team_draft_free           (DaTeamDraft        *self);
char        *da_team_draft_to_json        (const DaTeamDraft  *self);
const char  *da_team_draft_agent_name     (const DaTeamDraft  *self,
                                           guint               i);
gboolean     da_team_draft_add_agent      (DaTeamDraft        *self,
                                           JsonObject         *agent,
                                           GError            **error);
void         da_team_draft_remove_agent   (DaTeamDraft        *self,
                                           guint               i);
gboolean     da_team_draft_get_transition (const DaTeamDraft  *self,
                                           const char         *from,
                                           const char         *to);
void         da_team_draft_set_transition (DaTeamDraft        *self,
                                           const char         *from,
                                           const char         *to,
                                           gboolean            allowed);
char        *da_team_draft_user_dir       (void);
gboolean     da_team_kind_has_repeat_speaker (DaTeamKind       kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaTeamDraft, da_team_draft_free)

G_END_DECLS
