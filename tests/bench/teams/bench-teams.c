/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Team benchmarks. They print figures and assert only that the work was
 * done:
 *   routing      DaMessageRouter throughput and post→delivery latency
 *   team-100     one team of 100 agents, 2,000 rounds
 *   chats-50     50 teams of 4 agents running at once, 200 rounds each
 *   loopback-800 a 4-agent, 200-round round robin against the loopback
 *                OpenAI-compatible server (model "instant"): 800 streamed
 *                calls, each carrying the whole shared history; ours
 *                (bench-team-client) and, when node and npm are there, the
 *                peers in peers/ (a bare fetch loop, LangGraph.js, the
 *                OpenAI Agents SDK), each as its own measured process
 *   cancel       time from g_cancellable_cancel() during a streamed reply
 *                (model "endless") to the end of the run, 20 times
 * Each prints wall seconds, CPU seconds (getrusage) and peak RSS. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The 800-call team run, ours and its peers', each client in its own
 * process measured by the kernel (wait4), against one loopback server
 * whose /stats says what each client really sent. */

typedef struct
{
  guint  chat_requests;
  guint  streamed_requests;
  guint  last_request_bytes;
  guint  last_request_messages;
} ServerStats;

typedef struct
{
  const char *label;
  double      cpu_s;
  double      peak_mib;
  double      wall_s;
  ServerStats stats;
  gint64      replies;
  char       *last_reply;
  double      run_cpu_s;
  char       *failure;
} ClientRun;

static void
client_run_clear (ClientRun *run)
{
  g_clear_pointer (&run->last_reply, g_free);
  g_clear_pointer (&run->failure, g_free);
}

static ServerStats
server_stats (const char *url)
{
  static SoupSession *session;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_autofree char *stats_url = NULL;
  ServerStats stats = { 0 };
  JsonObject *object;

  g_assert_no_error (error);
  if (session == NULL)
    session = soup_session_new ();
  stats_url = g_strdup_printf ("http://127.0.0.1:%d/stats", g_uri_get_port (base));
  msg = soup_message_new ("GET", stats_url);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  node = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  stats.chat_requests = json_object_get_int_member (object, "chat_requests");
  stats.streamed_requests = json_object_get_int_member (object, "streamed_requests");
  stats.last_request_bytes = json_object_get_int_member (object, "last_request_bytes");
  stats.last_request_messages = json_object_get_int_member (object, "last_request_messages");
  return stats;
}

static double
timeval_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

/* Runs @argv with @url appended, in @cwd, and fills @run. */
static void
run_client (ClientRun          *run,
            const char * const *argv,
            const char         *cwd,
            const char         *url)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) result = NULL;
  ServerStats before = server_stats (url);
  ServerStats after;
  struct rusage usage;
  char buf[4096];
  gssize n;
  GPid pid;
  int out_fd;
  int status;
  gint64 begin;

  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer)argv[i]);
  g_ptr_array_add (args, (gpointer)url);
  g_ptr_array_add (args, NULL);

  begin = g_get_monotonic_time ();
  if (!g_spawn_async_with_pipes (cwd, (char **)args->pdata, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                 NULL, NULL, &pid, NULL, &out_fd, NULL, &error))
    {
      run->failure = g_strdup (error->message);
      return;
    }
  while ((n = read (out_fd, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (out_fd);
  if (wait4 (pid, &status, 0, &usage) != pid)
    g_error ("wait4 failed");
  g_spawn_close_pid (pid);

  run->wall_s = (g_get_monotonic_time () - begin) / 1e6;
  run->cpu_s = timeval_seconds (usage.ru_utime) + timeval_seconds (usage.ru_stime);
  run->peak_mib = usage.ru_maxrss / 1024.0;
  after = server_stats (url);
  run->stats.chat_requests = after.chat_requests - before.chat_requests;
  run->stats.streamed_requests = after.streamed_requests - before.streamed_requests;
  run->stats.last_request_bytes = after.last_request_bytes;
  run->stats.last_request_messages = after.last_request_messages;

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      run->failure = g_strdup_printf ("exited with status %d", WIFEXITED (status) ? WEXITSTATUS (status) : -1);
      return;
    }

  /* The last line of its output: {"replies", "last_reply", …}. */
  lines = g_strsplit (g_strstrip (out->str), "\n", -1);
  result = json_from_string (lines[0] != NULL ? lines[g_strv_length (lines) - 1] : "", &error);
  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      run->failure = g_strdup ("printed no result line");
      return;
    }
  run->replies = json_object_get_int_member_with_default (json_node_get_object (result), "replies", 0);
  run->last_reply = g_strdup (json_object_get_string_member_with_default (json_node_get_object (result),
                                                                          "last_reply", ""));
  run->run_cpu_s = json_object_get_double_member_with_default (json_node_get_object (result),
                                                               "run_cpu_s", -1);
  if (run->replies != 800 || run->stats.chat_requests != 800 || run->stats.streamed_requests != 800)
    run->failure = g_strdup_printf ("%" G_GINT64_FORMAT " replies, %u requests of which %u streamed, not 800",
                                    run->replies, run->stats.chat_requests, run->stats.streamed_requests);
}

/* Installs the peers' pinned packages unless they are there already.
 * Returns why the peers cannot run, or NULL. */
static char *
prepare_peers (const char *dir)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *npm = g_find_program_in_path ("npm");
  g_autofree char *lock = g_build_filename (dir, "package-lock.json", NULL);
  g_autofree char *installed = g_build_filename (dir, "node_modules", ".package-lock.json", NULL);
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(GError) error = NULL;
  const char *npm_argv[] = { "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", NULL };
  GStatBuf lock_stat, installed_stat;
  int status = 0;

  if (dir == NULL)
    return g_strdup ("DA_BENCH_PEERS_DIR is not set");
  if (node == NULL || npm == NULL)
    return g_strdup ("node and npm are not installed");
  if (g_stat (installed, &installed_stat) == 0 && g_stat (lock, &lock_stat) == 0 &&
      installed_stat.st_mtime >= lock_stat.st_mtime)
    return NULL;

  g_print ("# npm ci in %s\n", dir);
  if (!g_spawn_sync (dir, (char **)npm_argv, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &output, &errors, &status, &error))
    return g_strdup_printf ("npm ci could not run: %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_auto(GStrv) lines = g_strsplit (errors, "\n", 2);

      return g_strdup_printf ("npm ci failed (%s): %s", error->message,
                              lines[0] != NULL ? lines[0] : "");
    }
  return NULL;
}

static void
print_run (const ClientRun *run,
           const ClientRun *ours)
{
  if (run->failure != NULL && run->cpu_s == 0)
    {
      g_print ("# %-17s skipped: %s\n", run->label, run->failure);
      return;
    }
  g_print ("# %-17s %7.2f %8.1f %7.2f %5u/%-5u %7u B, %3u msgs",
           run->label, run->cpu_s, run->peak_mib, run->wall_s,
           run->stats.chat_requests, run->stats.streamed_requests,
           run->stats.last_request_bytes, run->stats.last_request_messages);
  if (run != ours && ours->cpu_s > 0)
    g_print ("  %6.1f x %5.1f x", run->cpu_s / ours->cpu_s, run->peak_mib / ours->peak_mib);
  else
    g_print ("  %8s %7s", "1 x", "1 x");
  if (run->failure != NULL)
    g_print ("  FAILED: %s", run->failure);
  g_print ("\n");
}

static void
bench_loopback_800 (void)
{
  const char *client = g_getenv ("DA_TEAM_CLIENT");
  const char *peers_dir = g_getenv ("DA_BENCH_PEERS_DIR");
  const char *ours_argv[] = { client, NULL };
  const char *fetch_argv[] = { "node", "fetch-loop.mjs", NULL };
  const char *langgraph_argv[] = { "node", "langgraph.mjs", NULL };
  const char *agents_argv[] = { "node", "openai-agents.mjs", NULL };
  struct { const char *label; const char * const *argv; } peers[] = {
    { "node fetch loop", fetch_argv },
    { "LangGraph.js", langgraph_argv },
    { "OpenAI Agents JS", agents_argv },
  };
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *skip = NULL;
  ClientRun ours = { "DenoAgents" };
  ClientRun runs[G_N_ELEMENTS (peers)] = { { 0 } };

  g_assert_nonnull (client);
  url = start_server (&server);

  run_client (&ours, ours_argv, NULL, url);
  g_assert_null (ours.failure);
  g_assert_cmpstr (ours.last_reply, ==, "Noted, carry on.");

  skip = prepare_peers (peers_dir);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      runs[i].label = peers[i].label;
      if (skip != NULL)
        runs[i].failure = g_strdup (skip);
      else
        run_client (&runs[i], peers[i].argv, peers_dir, url);
    }

  g_print ("# loopback-800: a 4-agent, 200-round round robin, 800 streamed calls each carrying\n"
           "# the whole history, against the loopback server (model \"instant\"); every client is\n"
           "# its own process, measured whole (start-up included) by the kernel (wait4 rusage)\n");
  g_print ("# %-17s %7s %8s %7s %11s %19s  %8s %7s\n", "client", "cpu s", "peak MiB", "wall s",
           "calls/strm", "last request", "cpu/ours", "peak");
  print_run (&ours, &ours);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    print_run (&runs[i], &ours);
  g_print ("# DenoAgents' run alone (without process start-up): %.3f s CPU\n", ours.run_cpu_s);

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);

  client_run_clear (&ours);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    client_run_clear (&runs[i]);
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
