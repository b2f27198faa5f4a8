/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DenoAgents' side of the 800-call team benchmark, as its own process so
 * that it is measured the way its peers in peers/ are (the kernel's
 * rusage of the whole process, start-up included):
 *
 *   bench-team-client BASE_URL
 *
 * A 4-agent, 200-round round robin against an OpenAI-compatible server
 * (model "instant"): 800 streamed calls, each carrying the system message
 * and the whole shared history. Prints one JSON line: the replies made,
 * the last reply, the deltas seen and the CPU seconds of the run alone. */
#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>

#include "da-agents.h"
#include "da-group-chat.h"
#include "da-provider-factory.h"

#define N_AGENTS 4
#define N_ROUNDS 200

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
delta_cb (DaMessage  *message,
          const char *text,
          guint      *deltas)
{
  (*deltas)++;
}

static void
started_cb (DaGroupChat *chat,
            DaAgent     *sender,
            DaMessage   *message,
            guint       *deltas)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_signal_connect (message, "delta", G_CALLBACK (delta_cb), deltas);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &error))
    g_error ("the team run failed: %s", error->message);
  *done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = NULL;
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaGroupChat) chat = NULL;
  g_autoptr(JsonNode) line = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *json = NULL;
  GPtrArray *messages;
  gboolean done = FALSE;
  guint deltas = 0;
  double start;

  if (argc != 2)
    {
      g_printerr ("usage: %s BASE_URL   (such as http://127.0.0.1:PORT/v1)\n", argv[0]);
      return 2;
    }

  provider = da_provider_new_for_kind ("openai", argv[1], &error);
  if (provider == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("agent%u", i);
      DaAssistantAgent *agent = da_assistant_agent_new (name, provider);

      da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (agent), "instant");
      da_conversable_agent_set_max_consecutive_auto_reply (DA_CONVERSABLE_AGENT (agent), G_MAXUINT);
      g_ptr_array_add (agents, agent);
    }
  chat = da_group_chat_new (agents);
  /* The task, then 200 rounds of 4 speakers. */
  da_group_chat_set_max_round (chat, N_AGENTS * N_ROUNDS + 1);
  g_signal_connect (chat, "message-started", G_CALLBACK (started_cb), &deltas);

  start = cpu_seconds ();
  da_group_chat_run_async (chat, "Begin.", NULL, run_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  messages = da_group_chat_get_messages (chat);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "replies");
  json_builder_add_int_value (builder, messages->len - 1);
  json_builder_set_member_name (builder, "last_reply");
  json_builder_add_string_value (builder, da_message_get_content (g_ptr_array_index (messages, messages->len - 1)));
  json_builder_set_member_name (builder, "deltas");
  json_builder_add_int_value (builder, deltas);
  json_builder_set_member_name (builder, "run_cpu_s");
  json_builder_add_double_value (builder, cpu_seconds () - start);
  json_builder_end_object (builder);
  line = json_builder_get_root (builder);
  json = json_to_string (line, FALSE);
  g_print ("%s\n", json);

  return 0;
}
