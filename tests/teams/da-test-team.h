/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "denoagents.h"
#include "da-agents.h"
#include "da-provider-factory.h"
#include "da-chats.h"
#include "da-test-agents.h"

G_BEGIN_DECLS

/* A provider that answers the i-th call with answers[i] (the last one
 * repeated), with usage 10 prompt + 1 completion tokens. */
#define DA_TYPE_TEST_ANSWER_PROVIDER (da_test_answer_provider_get_type ())
G_DECLARE_FINAL_TYPE (DaTestAnswerProvider, da_test_answer_provider, DA, TEST_ANSWER_PROVIDER, DaProvider)

DaProvider *da_test_answer_provider_new         (const char * const   *answers);
guint       da_test_answer_provider_get_n_calls (DaTestAnswerProvider *self);

gboolean    da_test_run_team     (DaGroupChat  *chat,
                                  const char   *task,
                                  GCancellable *cancellable,
                                  GError      **error);
/* Senders of the thread joined by ',' */
char       *da_test_senders      (DaGroupChat  *chat);
DaAgent    *da_test_conversable  (const char   *name,
                                  const char   *reply);
GPtrArray  *da_test_agents       (DaAgent      *first,
                                  ...) G_GNUC_NULL_TERMINATED;

/* The loopback OpenAI-compatible server, started once per process. */
const char *da_test_server_url   (void);
void        da_test_server_stop  (void);

G_END_DECLS
