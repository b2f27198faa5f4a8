/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-agents.h"
#include "da-chat.h"
#include "da-llm-error.h"

G_BEGIN_DECLS

/* An agent whose replies are a fixed list, then the end of the
 * conversation with the stop reason "script_ended". It implements the
 * DaAgent extension point the way other agent kinds will. Two replies are
 * special: "@hang" streams "partial " and waits until cancelled, and
 * "@transfer_to_NAME" answers with that handoff tool call. */
#define DA_TYPE_TEST_SCRIPT_AGENT (da_test_script_agent_get_type ())
G_DECLARE_FINAL_TYPE (DaTestScriptAgent, da_test_script_agent, DA, TEST_SCRIPT_AGENT, DaAgent)

DaAgent    *da_test_script_agent_new      (const char *name,
                                           const char * const *replies);

/* A provider that streams a fixed list of chunks, one per main-loop
 * timeout, then usage; or fails after @fail_after chunks with a
 * DA_LLM_ERROR_SERVER. It keeps the last request so tests can check the
 * context an agent built. Cancellation is noticed at the next tick and
 * reported as DA_LLM_ERROR_CANCELLED, as providers do. */
#define DA_TYPE_TEST_SCRIPT_PROVIDER (da_test_script_provider_get_type ())
G_DECLARE_FINAL_TYPE (DaTestScriptProvider, da_test_script_provider, DA, TEST_SCRIPT_PROVIDER, DaProvider)

DaTestScriptProvider *da_test_script_provider_new          (const char * const   *chunks,
                                                            guint                 interval_ms,
                                                            gint                  fail_after);
DaRequest            *da_test_script_provider_get_request  (DaTestScriptProvider *self);
guint                 da_test_script_provider_get_n_calls  (DaTestScriptProvider *self);

/* Runs @chat to its end on the default main context. */
gboolean    da_test_run_chat              (DaChat       *chat,
                                           const char   *message,
                                           GCancellable *cancellable,
                                           GError      **error);
/* "sender: content" lines of the chat, joined by '\n'. */
char       *da_test_chat_transcript       (DaChat       *chat);

G_END_DECLS
