/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures for the agents layer: the memory of idle agents (goal: at most
 * 64 KiB each above the baseline, read from /proc/self/statm), the pace
 * of a two-agent chat without a provider, and team file parsing. Prints
 * figures; asserts nothing. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "da-agents.h"
#include "da-chat.h"
#include "da-team-config-private.h"

#define GOAL_BYTES_PER_AGENT (64 * 1024)

static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0;
  unsigned long resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    g_error ("cannot read /proc/self/statm");

  return (gsize)resident * (gsize)sysconf (_SC_PAGESIZE);
}

static void
bench_idle_agents (guint n)
{
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  gsize before;
  gsize after;
  double per_agent;

  malloc_trim (0);
  before = resident_bytes ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("assistant-%u", i);

      g_ptr_array_add (agents, da_assistant_agent_new (name, NULL));
    }

  after = resident_bytes ();
  per_agent = after > before ? (double)(after - before) / n : 0.0;

  g_print ("idle DaAssistantAgent x %5u: %8.1f KiB above baseline, %7.0f bytes per agent "
           "(goal <= %d KiB: %s)\n",
           n, (after - before) / 1024.0, per_agent, GOAL_BYTES_PER_AGENT / 1024,
           per_agent <= GOAL_BYTES_PER_AGENT ? "met" : "NOT met");
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;

  da_chat_run_finish (DA_CHAT (object), result, NULL);
  *done = TRUE;
}

static void
bench_chat (guint turns)
{
  g_autoptr(DaAssistantAgent) assistant = da_assistant_agent_new ("assistant", NULL);
  g_autoptr(DaUserProxyAgent) user = da_user_proxy_agent_new ("user");
  g_autoptr(DaChat) chat = da_chat_new (DA_AGENT (user), DA_AGENT (assistant));
  gboolean done = FALSE;
  gsize before;
  gsize after;
  gint64 start;
  double seconds;
  guint n_messages;

  g_object_set (assistant,
                "default-auto-reply", "I am working on it.",
                "max-consecutive-auto-reply", G_MAXUINT,
                NULL);
  g_object_set (user,
                "default-auto-reply", "Please go on.",
                "human-input-mode", DA_HUMAN_INPUT_NEVER,
                "max-consecutive-auto-reply", G_MAXUINT,
                NULL);
  da_chat_set_max_turns (chat, turns);

  malloc_trim (0);
  before = resident_bytes ();
  start = g_get_monotonic_time ();
  da_chat_run_async (chat, "Plan a week in Lisbon.", NULL, run_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  n_messages = da_chat_get_messages (chat)->len;
  after = resident_bytes ();

  g_print ("chat without provider, %u turns: %u messages in %.3f s, %.1f us per message, "
           "%.0f bytes per message kept (stop: %s)\n",
           turns, n_messages, seconds, seconds * 1e6 / n_messages,
           after > before ? (double)(after - before) / n_messages : 0.0,
           da_chat_get_stop_reason (chat));
}

static void
bench_team_parse (const char *path,
                  guint       rounds)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  gint64 start;
  double seconds;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    g_error ("cannot read %s", path);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaTeamConfig) team = _da_team_config_parse (contents, len, &error);

      if (team == NULL)
        g_error ("%s", error->message);
    }
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;

  g_print ("team file %s (%zu bytes): %.1f us per parse over %u parses\n",
           g_path_get_basename (path), len, seconds * 1e6 / rounds, rounds);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *design = NULL;
  g_autofree char *full = NULL;

  /* Register the types first: that cost is paid once per process. */
  g_object_unref (da_assistant_agent_new ("warm-up", NULL));

  bench_idle_agents (100);
  bench_idle_agents (1000);
  bench_idle_agents (10000);
  bench_chat (1000);

  design = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "data", "agents", "valid-design-example.json", NULL);
  full = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "data", "agents", "valid-full.json", NULL);
  bench_team_parse (design, 2000);
  bench_team_parse (full, 2000);

  return 0;
}
