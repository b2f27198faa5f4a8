/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-group-chat.h"
#include "da-message-router.h"

G_BEGIN_DECLS

typedef struct
{
  DaAgent *to;
  char    *condition;
} DaTransition;

struct _DaGroupChat
{
  GObject                    parent_instance;

  GPtrArray                 *participants;
  DaConversableAgent        *manager;
  DaAgent                   *initiator;
  DaSpeakerSelection         selection;
  guint                      max_round;
  DaTermination             *termination;
  DaProvider                *selector_provider;
  char                      *selector_model;
  char                      *selector_prompt;
  guint                      max_selector_attempts;
  GRand                     *rand;

  DaTransitionsKind          transitions_kind;
  /* from (DaAgent*) → GPtrArray of DaTransition */
  GHashTable                *transitions;

  DaSpeakerSelectionHandler  selection_handler;
  gpointer                   selection_data;
  GDestroyNotify             selection_destroy;

  DaMessageRouter           *router;
  /* Direct messages land in the pair's own histories. */
  DaMessageRouter           *direct_router;

  /* The team's state, saved and loaded */
  GPtrArray                 *messages;
  DaAgent                   *last_speaker;
  DaAgent                   *next_speaker;
  DaAgent                   *handoff_target;
  /* The agent whose handoff to the person ended the last run */
  DaAgent                   *person_handoff;
  GQueue                     graph_ready;
  char                      *stop_reason;

  /* While running */
  GTask                     *task;
  guint                      run_id;
  guint                      n_rounds;
  DaAgent                   *speaker;
  DaMessage                 *streaming;
  gulong                     reply_started_id;
  gulong                     reply_completed_id;
  gulong                     cancelled_id;
  GMainContext              *context;
  /* Cancelled when the run ends, whatever is in flight */
  GCancellable              *run_cancellable;
  /* Fires the termination's timeouts on their own */
  GSource                   *timeout_source;

  guint                      allow_repeat_speaker : 1;
  guint                      graph_started : 1;
  guint                      stop_requested : 1;
};

/* da-group-chat.c: continuations of a selection */
gboolean  _da_group_chat_is_current       (DaGroupChat  *self,
                                           guint         run_id);
void      _da_group_chat_speak            (DaGroupChat  *self,
                                           DaAgent      *speaker,
                                           const char   *reason);
void      _da_group_chat_finish           (DaGroupChat  *self,
                                           GError       *error,
                                           const char   *reason);
gboolean  _da_group_chat_selector_usage   (DaGroupChat  *self,
                                           DaMessage    *reply);
void      _da_group_chat_deliver          (DaGroupChat  *self,
                                           DaAgent      *sender,
                                           DaMessage    *message);

/* da-group-chat-select.c */
void      _da_group_chat_select           (DaGroupChat  *self);
void      _da_group_chat_graph_advance    (DaGroupChat  *self,
                                           DaAgent      *speaker,
                                           DaMessage    *message);
DaAgent  *_da_group_chat_find             (DaGroupChat  *self,
                                           const char   *name);
DaAgent  *_da_selector_parse_answer       (const char   *answer,
                                           GPtrArray    *candidates,
                                           GError      **error);

/* da-group-chat-state.c */
JsonNode *_da_message_to_json             (DaMessage    *message);
DaMessage *_da_message_from_json          (JsonNode     *node,
                                           const char   *path,
                                           GError      **error);

G_END_DECLS
