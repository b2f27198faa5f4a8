/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "da-conversable-agent.h"
#include "da-human-input-request.h"
#include "da-provider.h"
#include "da-team-config.h"
#include "da-termination.h"

G_BEGIN_DECLS

/**
 * DaSpeakerSelection:
 * @DA_SPEAKER_SELECTION_ROUND_ROBIN: the participants in order
 * @DA_SPEAKER_SELECTION_RANDOM: a random eligible participant
 * @DA_SPEAKER_SELECTION_MANUAL: the person picks, through the handler
 *   set with da_group_chat_set_speaker_selection_handler()
 * @DA_SPEAKER_SELECTION_SELECTOR: an LLM picks from names and
 *   descriptions
 * @DA_SPEAKER_SELECTION_SWARM: the speaker keeps the floor until it hands
 *   over with a transfer_to_NAME tool call
 * @DA_SPEAKER_SELECTION_GRAPH: a directed graph of (conditional) edges
 *   decides who speaks; the chat ends when no edge leads on
 */
typedef enum
{
  DA_SPEAKER_SELECTION_ROUND_ROBIN,
  DA_SPEAKER_SELECTION_RANDOM,
  DA_SPEAKER_SELECTION_MANUAL,
  DA_SPEAKER_SELECTION_SELECTOR,
  DA_SPEAKER_SELECTION_SWARM,
  DA_SPEAKER_SELECTION_GRAPH,
} DaSpeakerSelection;

/**
 * DaTransitionsKind:
 * @DA_TRANSITIONS_ALLOWED: the edges say who may speak after whom
 * @DA_TRANSITIONS_DISALLOWED: the edges say who may not
 */
typedef enum
{
  DA_TRANSITIONS_ALLOWED,
  DA_TRANSITIONS_DISALLOWED,
} DaTransitionsKind;

#define DA_TYPE_SPEAKER_SELECTION (da_speaker_selection_get_type ())
#define DA_TYPE_TRANSITIONS_KIND  (da_transitions_kind_get_type ())
GType da_speaker_selection_get_type (void) G_GNUC_CONST;
GType da_transitions_kind_get_type  (void) G_GNUC_CONST;

#define DA_GROUP_CHAT_DEFAULT_MAX_ROUND              10
#define DA_GROUP_CHAT_DEFAULT_MAX_SELECTOR_ATTEMPTS  3
#define DA_GROUP_CHAT_DEFAULT_MANAGER_NAME           "chat_manager"

/* AutoGen AgentChat's selector prompt; {roles}, {participants} and
 * {history} are replaced. */
#define DA_GROUP_CHAT_DEFAULT_SELECTOR_PROMPT \
  "You are in a role play game. The following roles are available:\n" \
  "{roles}.\n" \
  "Read the following conversation. Then select the next role from {participants} to play. " \
  "Only return the role.\n\n" \
  "{history}\n\n" \
  "Read the above conversation. Then select the next role from {participants} to play. " \
  "Only return the role."

#define DA_TYPE_GROUP_CHAT (da_group_chat_get_type ())

G_DECLARE_FINAL_TYPE (DaGroupChat, da_group_chat, DA, GROUP_CHAT, GObject)

/**
 * DaSpeakerSelectionHandler:
 * @chat: the group chat asking
 * @prompt: the question, listing the candidates with numbers
 * @candidates: (element-type DaAgent): the eligible participants
 * @cancellable: (nullable): cancelled when the chat no longer waits
 * @request: answer with da_human_input_request_reply(): a number from
 *   the prompt or a name; nothing or "q" lets the chat pick in round
 *   robin order
 * @user_data: the data given with the handler
 */
typedef void (*DaSpeakerSelectionHandler) (DaGroupChat         *chat,
                                           const char          *prompt,
                                           GPtrArray           *candidates,
                                           GCancellable        *cancellable,
                                           DaHumanInputRequest *request,
                                           gpointer             user_data);

DaGroupChat        *da_group_chat_new                       (GPtrArray                 *participants);
DaGroupChat        *da_group_chat_new_from_config           (DaTeamConfig              *config,
                                                             GPtrArray                 *agents,
                                                             GError                   **error);

GPtrArray          *da_group_chat_get_participants          (DaGroupChat               *self);
DaAgent            *da_group_chat_find_participant          (DaGroupChat               *self,
                                                             const char                *name);
DaConversableAgent *da_group_chat_get_manager               (DaGroupChat               *self);
DaAgent            *da_group_chat_get_initiator             (DaGroupChat               *self);
void                da_group_chat_set_initiator             (DaGroupChat               *self,
                                                             DaAgent                   *initiator);
DaSpeakerSelection  da_group_chat_get_selection             (DaGroupChat               *self);
void                da_group_chat_set_selection             (DaGroupChat               *self,
                                                             DaSpeakerSelection         selection);
guint               da_group_chat_get_max_round             (DaGroupChat               *self);
void                da_group_chat_set_max_round             (DaGroupChat               *self,
                                                             guint                      max_round);
gboolean            da_group_chat_get_allow_repeat_speaker  (DaGroupChat               *self);
void                da_group_chat_set_allow_repeat_speaker  (DaGroupChat               *self,
                                                             gboolean                   allow);
DaTermination      *da_group_chat_get_termination           (DaGroupChat               *self);
void                da_group_chat_set_termination           (DaGroupChat               *self,
                                                             DaTermination             *termination);
DaProvider         *da_group_chat_get_selector_provider     (DaGroupChat               *self);
void                da_group_chat_set_selector_provider     (DaGroupChat               *self,
                                                             DaProvider                *provider);
const char         *da_group_chat_get_selector_model        (DaGroupChat               *self);
void                da_group_chat_set_selector_model        (DaGroupChat               *self,
                                                             const char                *model);
const char         *da_group_chat_get_selector_prompt       (DaGroupChat               *self);
void                da_group_chat_set_selector_prompt       (DaGroupChat               *self,
                                                             const char                *prompt);
guint               da_group_chat_get_max_selector_attempts (DaGroupChat               *self);
void                da_group_chat_set_max_selector_attempts (DaGroupChat               *self,
                                                             guint                      attempts);
void                da_group_chat_set_random_seed           (DaGroupChat               *self,
                                                             guint32                    seed);
DaTransitionsKind   da_group_chat_get_transitions_kind      (DaGroupChat               *self);
void                da_group_chat_set_transitions_kind      (DaGroupChat               *self,
                                                             DaTransitionsKind          kind);
gboolean            da_group_chat_add_transition            (DaGroupChat               *self,
                                                             const char                *from,
                                                             const char                *to,
                                                             const char                *condition,
                                                             GError                   **error);
void                da_group_chat_clear_transitions         (DaGroupChat               *self);
void                da_group_chat_set_speaker_selection_handler (DaGroupChat           *self,
                                                             DaSpeakerSelectionHandler  handler,
                                                             gpointer                   user_data,
                                                             GDestroyNotify             destroy);

void                da_group_chat_run_async                 (DaGroupChat               *self,
                                                             const char                *task,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
gboolean            da_group_chat_run_finish                (DaGroupChat               *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);
void                da_group_chat_stop                      (DaGroupChat               *self);
void                da_group_chat_send_direct_async         (DaGroupChat               *self,
                                                             DaAgent                   *from,
                                                             DaAgent                   *to,
                                                             const char                *text,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
DaMessage          *da_group_chat_send_direct_finish        (DaGroupChat               *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);
gboolean            da_group_chat_get_running               (DaGroupChat               *self);
const char         *da_group_chat_get_stop_reason           (DaGroupChat               *self);
GPtrArray          *da_group_chat_get_messages              (DaGroupChat               *self);
guint               da_group_chat_get_n_rounds              (DaGroupChat               *self);
DaAgent            *da_group_chat_get_last_speaker          (DaGroupChat               *self);
DaAgent            *da_group_chat_get_next_speaker          (DaGroupChat               *self);
DaAgent            *da_group_chat_get_person_handoff        (DaGroupChat               *self);

JsonNode           *da_group_chat_save_state                (DaGroupChat               *self);
gboolean            da_group_chat_load_state                (DaGroupChat               *self,
                                                             JsonNode                  *state,
                                                             GError                   **error);
void                da_group_chat_reset                     (DaGroupChat               *self);

const char         *da_speaker_selection_to_string          (DaSpeakerSelection         selection);
gboolean            da_speaker_selection_from_string        (const char                *str,
                                                             DaSpeakerSelection        *selection);

G_END_DECLS
