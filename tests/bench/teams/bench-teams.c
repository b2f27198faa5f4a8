/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Team benchmarks. They print figures and assert only that the work was
 * done:
 *   routing      DaMessageRouter throughput and post→delivery latency
 *   team-100     one team of 100 agents, 2,000 rounds
 *   chats-50     50 teams of 4 agents running at once, 200 rounds each
 *   loopback-800 a 4-agent, 200-round round robin against the loopback
 *                OpenAI-compatible server (model "instant"): 800 streamed
 *                calls, each carrying the whole shared history
 *   cancel       time from g_cancellable_cancel() during a streamed reply
 *                (model "endless") to the end of the run, 20 times
 * Each prints wall seconds, CPU seconds (getrusage) and peak RSS. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "da-agents.h"
#include "da-group-chat.h"
#include "da-message-router.h"
#include "da-provider-factory.h"

typedef struct
{
  gint64 wall_us;
  double cpu_s;
} Mark;

static Mark
mark (void)
{
  struct rusage usage;
  Mark m;

  getrusage (RUSAGE_SELF, &usage);
  m.wall_us = g_get_monotonic_time ();
  m.cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
            (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return m;
}

static void
report (const char *name,
        Mark        start,
        const char *extra)
{
  Mark end = mark ();
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  g_print ("# %-13s wall %.3f s, cpu %.3f s, peak RSS %ld MiB%s%s\n", name,
           (end.wall_us - start.wall_us) / 1e6, end.cpu_s - start.cpu_s,
           usage.ru_maxrss / 1024, extra ? ", " : "", extra ? extra : "");
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* Routing */

#define N_ENDPOINTS 10
#define MAX_BATCH   1000
#define N_MESSAGES  500000

typedef struct
{
  gint64 *posted_at;
  gint64 *latency;
  guint   n_delivered;
} RouteData;

static void
route_deliver (DaAgent   *recipient,
               DaMessage *message,
               DaAgent   *sender,
               gpointer   user_data)
{
  RouteData *data = user_data;
  gint64 slot = da_message_get_id (message);

  data->latency[data->n_delivered++] = g_get_monotonic_time () - data->posted_at[slot];
}

static void
bench_routing (guint batch)
{
  g_autoptr(DaMessageRouter) router = da_message_router_new ();
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *extra = NULL;
  RouteData data = { 0 };
  Mark start;
  gint64 begin, elapsed;

  data.posted_at = g_new0 (gint64, MAX_BATCH);
  data.latency = g_new0 (gint64, N_MESSAGES);
  da_message_router_set_deliver_func (router, route_deliver, &data, NULL);

  for (guint i = 0; i < N_ENDPOINTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("agent%u", i);
      DaAgent *agent = DA_AGENT (da_conversable_agent_new (name));

      g_ptr_array_add (agents, agent);
      da_message_router_add_endpoint (router, agent);
    }
  for (guint i = 0; i < MAX_BATCH; i++)
    {
      DaMessage *message = da_message_new (DA_ROLE_ASSISTANT, "bench", "A routed message.");

      da_message_set_id (message, i);
      g_ptr_array_add (pool, message);
    }

  start = mark ();
  begin = g_get_monotonic_time ();
  for (guint sent = 0; sent < N_MESSAGES; sent += batch)
    {
      for (guint i = 0; i < batch; i++)
        {
          guint from = (sent + i) % N_ENDPOINTS;

          data.posted_at[i] = g_get_monotonic_time ();
          da_message_router_post (router, g_ptr_array_index (agents, from),
                                  g_ptr_array_index (agents, (from + 1) % N_ENDPOINTS),
                                  g_ptr_array_index (pool, i));
        }
      da_message_router_dispatch (router);
    }
  elapsed = g_get_monotonic_time () - begin;
  g_assert_cmpuint (data.n_delivered, ==, N_MESSAGES);

  qsort (data.latency, N_MESSAGES, sizeof (gint64), compare_gint64);
  extra = g_strdup_printf ("%.0f messages/s, latency p50 %" G_GINT64_FORMAT " us, p99 %"
                           G_GINT64_FORMAT " us (dispatch every %u posts)",
                           N_MESSAGES / (elapsed / 1e6), data.latency[N_MESSAGES / 2],
                           data.latency[N_MESSAGES * 99 / 100], batch);
  report (batch == 1 ? "routing-1" : "routing-1000", start, extra);

  g_free (data.posted_at);
  g_free (data.latency);
}

static void
bench_routing_cb (gconstpointer data)
{
  bench_routing (GPOINTER_TO_UINT (data));
}

/* Teams of agents answering with fixed replies */

static DaGroupChat *
fixed_team (guint       n_agents,
            guint       max_round,
            const char *prefix)
{
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  DaGroupChat *chat;

  for (guint i = 0; i < n_agents; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);
      DaConversableAgent *agent = da_conversable_agent_new (name);

      da_conversable_agent_set_default_auto_reply (agent, "Noted, carry on.");
      da_conversable_agent_set_human_input_mode (agent, DA_HUMAN_INPUT_NEVER);
      da_conversable_agent_set_max_consecutive_auto_reply (agent, G_MAXUINT);
      g_ptr_array_add (agents, agent);
    }
  chat = da_group_chat_new (agents);
  da_group_chat_set_max_round (chat, max_round);
  return chat;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  if (!da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &error))
    g_error ("run failed: %s", error->message);
  (*pending)--;
}

static void
run_all (GPtrArray *chats)
{
  guint pending = chats->len;

  for (guint i = 0; i < chats->len; i++)
    da_group_chat_run_async (g_ptr_array_index (chats, i), "Begin.", NULL, run_cb, &pending);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
bench_team_100 (void)
{
  g_autoptr(GPtrArray) chats = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *extra = NULL;
  Mark start = mark ();
  gint64 begin = g_get_monotonic_time ();
  double seconds;

  g_ptr_array_add (chats, fixed_team (100, 2000, "agent"));
  run_all (chats);
  seconds = (g_get_monotonic_time () - begin) / 1e6;
  g_assert_cmpuint (da_group_chat_get_messages (g_ptr_array_index (chats, 0))->len, ==, 2000);
  extra = g_strdup_printf ("%.0f rounds/s (each delivered to 100 histories)", 2000 / seconds);
  report ("team-100", start, extra);
}

static void
bench_chats_50 (void)
{
  g_autoptr(GPtrArray) chats = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *extra = NULL;
  Mark start = mark ();
  gint64 begin = g_get_monotonic_time ();
  double seconds;
  guint total = 0;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("team%u-agent", i);

      g_ptr_array_add (chats, fixed_team (4, 201, prefix));
    }
  run_all (chats);
  seconds = (g_get_monotonic_time () - begin) / 1e6;
  for (guint i = 0; i < chats->len; i++)
    total += da_group_chat_get_messages (g_ptr_array_index (chats, i))->len;
  g_assert_cmpuint (total, ==, 50 * 201);
  extra = g_strdup_printf ("%u messages, %.0f messages/s", total, total / seconds);
  report ("chats-50", start, extra);
}

/* Against the loopback server */

static char *
start_server (GSubprocess **server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *path = g_getenv ("DA_OPENAI_TEST_SERVER");

  g_assert_nonnull (path);
  *server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("http://127.0.0.1:%s/v1", g_strstrip (line));
}

static void
count_delta_cb (DaMessage  *message,
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
    g_signal_connect (message, "delta", G_CALLBACK (count_delta_cb), deltas);
}

static void
usage_cb (DaGroupChat *chat,
          DaAgent     *agent,
          DaMessage   *message,
          gint64      *prompt_tokens)
{
  *prompt_tokens += da_message_get_prompt_tokens (message);
}

static void
bench_loopback_800 (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = start_server (&server);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = da_provider_new_for_kind ("openai", url, &error);
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) chats = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *extra = NULL;
  struct rusage children;
  DaGroupChat *chat;
  guint deltas = 0;
  gint64 prompt_tokens = 0;
  Mark start;
  double seconds;
  gint64 begin;

  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("agent%u", i);
      DaAssistantAgent *agent = da_assistant_agent_new (name, provider);

      da_conversable_agent_set_model (DA_CONVERSABLE_AGENT (agent), "instant");
      da_conversable_agent_set_max_consecutive_auto_reply (DA_CONVERSABLE_AGENT (agent), G_MAXUINT);
      g_ptr_array_add (agents, agent);
    }
  chat = da_group_chat_new (agents);
  g_ptr_array_add (chats, chat);
  /* The task, then 200 rounds of 4 speakers. */
  da_group_chat_set_max_round (chat, 801);
  g_signal_connect (chat, "message-started", G_CALLBACK (started_cb), &deltas);
  g_signal_connect (chat, "usage", G_CALLBACK (usage_cb), &prompt_tokens);

  start = mark ();
  begin = g_get_monotonic_time ();
  run_all (chats);
  seconds = (g_get_monotonic_time () - begin) / 1e6;
  g_assert_cmpuint (da_group_chat_get_messages (chat)->len, ==, 801);
  g_assert_cmpstr (da_group_chat_get_stop_reason (chat), ==, "max_round");

  extra = g_strdup_printf ("800 calls, %.0f calls/s, %.2f ms/call, %u deltas, %" G_GINT64_FORMAT
                           " prompt tokens (server's count)",
                           800 / seconds, seconds * 1000 / 800, deltas, prompt_tokens);
  report ("loopback-800", start, extra);

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  getrusage (RUSAGE_CHILDREN, &children);
  g_print ("# %-13s server cpu %.3f s, server peak RSS %ld MiB\n", "loopback-800",
           children.ru_utime.tv_sec + children.ru_stime.tv_sec +
           (children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6,
           children.ru_maxrss / 1024);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_at;
  gboolean      done;
} CancelData;

static void
cancel_delta_cb (DaMessage  *message,
                 const char *text,
                 CancelData *data)
{
  if (data->cancelled_at == 0)
    {
      data->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (data->cancellable);
    }
}

static void
cancel_started_cb (DaGroupChat *chat,
                   DaAgent     *sender,
                   DaMessage   *message,
                   CancelData  *data)
{
  if (da_message_get_state (message) == DA_MESSAGE_STATE_STREAMING)
    g_signal_connect (message, "delta", G_CALLBACK (cancel_delta_cb), data);
}

static void
cancel_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CancelData *data = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  data->done = TRUE;
}

static void
bench_cancel (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = start_server (&server);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = da_provider_new_for_kind ("openai", url, &error);
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaGroupChat) chat = NULL;
  g_autofree char *extra = NULL;
  gint64 latency[20];
  Mark start;

  g_assert_no_error (error);
  g_ptr_array_add (agents, da_assistant_agent_new ("talker", provider));
  da_conversable_agent_set_model (g_ptr_array_index (agents, 0), "endless");
  chat = da_group_chat_new (agents);

  start = mark ();
  for (guint i = 0; i < G_N_ELEMENTS (latency); i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      CancelData data = { cancellable, 0, FALSE };

      g_signal_handlers_disconnect_matched (chat, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, cancel_started_cb, NULL);
      g_signal_connect (chat, "message-started", G_CALLBACK (cancel_started_cb), &data);
      da_group_chat_run_async (chat, i == 0 ? "Talk." : NULL, cancellable, cancel_run_cb, &data);
      while (!data.done)
        g_main_context_iteration (NULL, TRUE);
      latency[i] = g_get_monotonic_time () - data.cancelled_at;
      /* Resumable: the cut speaker is asked again next time. */
      g_assert_true (da_group_chat_get_next_speaker (chat) == g_ptr_array_index (agents, 0));
    }
  qsort (latency, G_N_ELEMENTS (latency), sizeof (gint64), compare_gint64);
  extra = g_strdup_printf ("cancel to stopped: median %" G_GINT64_FORMAT " us, max %" G_GINT64_FORMAT " us",
                           latency[G_N_ELEMENTS (latency) / 2], latency[G_N_ELEMENTS (latency) - 1]);
  report ("cancel", start, extra);

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/bench/teams/routing-1", GUINT_TO_POINTER (1), bench_routing_cb);
  g_test_add_data_func ("/bench/teams/routing-1000", GUINT_TO_POINTER (MAX_BATCH), bench_routing_cb);
  g_test_add_func ("/bench/teams/team-100", bench_team_100);
  g_test_add_func ("/bench/teams/chats-50", bench_chats_50);
  g_test_add_func ("/bench/teams/loopback-800", bench_loopback_800);
  g_test_add_func ("/bench/teams/cancel", bench_cancel);

  return g_test_run ();
}
