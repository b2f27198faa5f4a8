/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A 200-turn chat through the real denoagents-cli against the loopback
 * OpenAI-compatible server (model "instant": one short streamed reply per
 * call). Prints the CLI's CPU time per LLM call and its peak RSS, measured
 * by the kernel for the child process (wait4 rusage). Asserts nothing.
 *
 *   bench-cli-chat [TURNS]
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static double
tv_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  const char *cli = g_getenv ("DA_CLI_PATH");
  const char *server_path = g_getenv ("DA_OPENAI_TEST_SERVER");
  guint turns = argc > 1 ? (guint)atoi (argv[1]) : 200;
  g_autofree char *tmpdir = g_dir_make_tmp ("da-bench-chat-XXXXXX", NULL);
  g_autofree char *team_path = g_build_filename (tmpdir, "team.json", NULL);
  g_autofree char *db_path = g_build_filename (tmpdir, "history.sqlite3", NULL);
  g_autofree char *team = NULL;
  g_autofree char *turns_str = g_strdup_printf ("%u", turns);
  g_autoptr(GError) error = NULL;
  const char *server_argv[] = { server_path, NULL };
  GPid server_pid;
  int server_in, server_out;
  char port_buf[16] = { 0 };
  struct rusage usage;
  gint64 start, end;
  int status;
  pid_t child;

  if (cli == NULL || server_path == NULL)
    {
      g_printerr ("DA_CLI_PATH and DA_OPENAI_TEST_SERVER must be set (meson does this)\n");
      return 1;
    }

  if (!g_spawn_async_with_pipes (NULL, (char **)server_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &server_pid, &server_in, &server_out, NULL, &error))
    g_error ("%s", error->message);
  for (gsize n = 0; n < sizeof port_buf - 1 && strchr (port_buf, '\n') == NULL; n++)
    if (read (server_out, port_buf + n, 1) != 1)
      g_error ("the loopback server did not start");

  team = g_strdup_printf (
    "{ \"name\": \"bench\", \"agents\": [\n"
    "  { \"name\": \"user\", \"kind\": \"user_proxy\", \"human_input\": \"never\",\n"
    "    \"default_auto_reply\": \"Please continue.\" },\n"
    "  { \"name\": \"assistant\", \"kind\": \"assistant\", \"system_message\": \"You help.\",\n"
    "    \"provider\": { \"kind\": \"openai\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"model\": \"instant\" } } ],\n"
    "  \"team\": { \"kind\": \"direct\" } }\n", atoi (port_buf));
  g_file_set_contents (team_path, team, -1, NULL);

  start = g_get_monotonic_time ();
  child = fork ();
  if (child == 0)
    {
      int devnull = open ("/dev/null", O_WRONLY);

      dup2 (devnull, STDOUT_FILENO);
      execl (cli, cli, "run", team_path, "--task", "Start.", "--json", "--no-prompt",
             "--max-turns", turns_str, "--db", db_path, (char *)NULL);
      _exit (127);
    }
  if (wait4 (child, &status, 0, &usage) != child)
    g_error ("wait4 failed");
  end = g_get_monotonic_time ();

  close (server_in);
  kill (server_pid, SIGTERM);
  g_spawn_close_pid (server_pid);

  {
    double cpu = tv_seconds (usage.ru_utime) + tv_seconds (usage.ru_stime);

    g_print ("# %u-turn chat through denoagents-cli against the loopback server\n", turns);
    g_print ("# exit status %d, wall %.2f s\n", WIFEXITED (status) ? WEXITSTATUS (status) : -1,
             (end - start) / 1e6);
    g_print ("# CLI CPU time: %.3f s in all, %.2f ms per LLM call\n", cpu, cpu * 1000.0 / turns);
    g_print ("# CLI peak RSS: %.1f MiB\n", usage.ru_maxrss / 1024.0);
  }

  g_unlink (team_path);
  g_unlink (db_path);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
    g_autofree char *lock = g_strconcat (db_path, ".lock", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (lock);
  }
  g_rmdir (tmpdir);

  g_print ("1..1\nok 1 - measured\n");
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : 1;
}
