/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `denoagents-cli run TEAM.json --task TEXT`: runs a team headless, streams
 * the conversation to the terminal (or as JSON lines) and records it in the
 * history as it happens. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "da-chat.h"
#include "da-cli.h"
#include "da-cli-printer.h"
#include "da-cli-tools.h"
#include "da-cli-run.h"
#include "da-cli-util.h"
#include "da-group-chat.h"
#include "da-keyring.h"
#include "da-llm-error.h"
#include "da-permissions.h"
#include "da-provider-factory.h"
#include "da-store.h"
#include "da-team-config.h"
#include "da-user-proxy-agent.h"

typedef struct
{
  GMainLoop       *loop;
  GCancellable    *cancellable;
  DaStore         *store;
  DaCliPrinter    *printer;
  GDataInputStream *stdin_lines;
  gint64           conversation_id;
  gboolean         done;
  gboolean         cancelled;
  gboolean         failed;
  guint            n_interrupts;
} RunContext;

static GPtrArray *permission_flags;  /* "allow-read=…" pairs, in order */

static gboolean
permission_flag_cb (const char  *option_name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  /* "--allow-net" alone means every host, as in Deno. */
  g_ptr_array_add (permission_flags, g_strdup (option_name + 2));
  g_ptr_array_add (permission_flags, g_strdup (value ? value : ""));
  return TRUE;
}

static gboolean
is_loopback_url (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;
  g_autoptr(GInetAddress) address = NULL;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Turns a team file's provider entry into a provider with its key: from the
 * variable named in api_key_env, else from the keyring entry for this kind
 * and base URL. Servers on loopback need no key. */
static DaProvider *
resolve_provider (const DaProviderConfig  *config,
                  const DaAgentConfig     *agent,
                  gpointer                 user_data,
                  GError                 **error)
{
  g_autoptr(DaProvider) provider = NULL;
  const char *base_url;
  g_autofree char *key = NULL;
  g_autoptr(GError) keyring_error = NULL;

  provider = da_provider_new_for_kind (config->kind, config->base_url, error);
  if (provider == NULL)
    {
      g_prefix_error (error, "agent '%s': ", agent->name);
      return NULL;
    }
  base_url = da_provider_get_base_url (provider);

  if (config->model != NULL)
    da_provider_set_default_model (provider, config->model);
  if (config->timeout > 0)
    da_provider_set_timeout (provider, config->timeout);
  if (config->max_retries >= 0)
    da_provider_set_max_retries (provider, config->max_retries);

  if (config->api_key_env != NULL)
    {
      const char *value = g_getenv (config->api_key_env);

      if (value == NULL || value[0] == '\0')
        {
          g_set_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION,
                       "agent '%s': the environment variable %s named in api_key_env is not set",
                       agent->name, config->api_key_env);
          return NULL;
        }
      da_provider_set_api_key (provider, value);
      return g_steal_pointer (&provider);
    }

  key = da_keyring_lookup_sync (da_provider_get_kind (provider), base_url, NULL, &keyring_error);
  if (key != NULL)
    {
      da_provider_set_api_key (provider, key);
      da_keyring_secret_free (g_steal_pointer (&key));
      return g_steal_pointer (&provider);
    }

  if (is_loopback_url (base_url))
    return g_steal_pointer (&provider);

  {
    g_autofree char *note =
      keyring_error ? g_strdup_printf (" (keyring: %s)", keyring_error->message) : g_strdup ("");

    g_set_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION,
                 "agent '%s': no API key for %s at %s%s; store one with "
                 "'denoagents-cli keys set %s --base-url %s' or name a variable in api_key_env",
                 agent->name, config->kind, base_url, note, config->kind, base_url);
  }
  return NULL;
}

/* Human input from the terminal */

typedef struct
{
  RunContext          *ctx;
  DaHumanInputRequest *request;
} PendingInput;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PendingInput *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, &len, &error);
  if (line == NULL)
    da_human_input_request_cancel (pending->request);
  else
    da_human_input_request_reply (pending->request, g_strchomp (line));

  g_object_unref (pending->request);
  g_free (pending);
}

static void
terminal_input_cb (DaConversableAgent  *agent,
                   const char          *prompt,
                   GCancellable        *cancellable,
                   DaHumanInputRequest *request,
                   gpointer             user_data)
{
  RunContext *ctx = user_data;
  PendingInput *pending = g_new0 (PendingInput, 1);

  pending->ctx = ctx;
  pending->request = g_object_ref (request);
  fprintf (stderr, "\n%s ", prompt ? prompt : "Your answer (empty for an automatic reply, 'exit' to end):");
  fflush (stderr);
  g_data_input_stream_read_line_async (ctx->stdin_lines, G_PRIORITY_DEFAULT, cancellable,
                                       line_read_cb, pending);
}

static void
terminal_speaker_cb (DaGroupChat         *chat,
                     const char          *prompt,
                     GPtrArray           *candidates,
                     GCancellable        *cancellable,
                     DaHumanInputRequest *request,
                     gpointer             user_data)
{
  RunContext *ctx = user_data;
  PendingInput *pending = g_new0 (PendingInput, 1);

  pending->ctx = ctx;
  pending->request = g_object_ref (request);
  fprintf (stderr, "\n%s\nWho speaks next? ", prompt);
  fflush (stderr);
  g_data_input_stream_read_line_async (ctx->stdin_lines, G_PRIORITY_DEFAULT, cancellable,
                                       line_read_cb, pending);
}

/* The selector of a selector team is a provider like any agent's. */
static DaProvider *
resolve_selector_provider (DaTeamConfig  *team,
                           GError       **error)
{
  DaAgentConfig selector = { 0 };

  selector.name = (char *)"selector";
  return resolve_provider (team->selector_provider, &selector, NULL, error);
}

/* History */

static void
message_started_cb (RunContext *ctx,
                    DaAgent    *sender,
                    DaMessage  *message,
                    GObject    *chat)
{
  g_autoptr(GError) error = NULL;

  if (!da_store_add_message (ctx->store, ctx->conversation_id, message, &error))
    g_warning ("Could not record a message in the history: %s", error->message);
}

static void
usage_cb (RunContext *ctx,
          DaAgent    *agent,
          DaMessage  *message,
          GObject    *chat)
{
  g_autoptr(GError) error = NULL;
  DaProvider *provider = NULL;
  const char *model = NULL;

  if (DA_IS_CONVERSABLE_AGENT (agent))
    {
      provider = da_conversable_agent_get_provider (DA_CONVERSABLE_AGENT (agent));
      model = da_conversable_agent_get_model (DA_CONVERSABLE_AGENT (agent));
      if (model == NULL && provider != NULL)
        model = da_provider_get_default_model (provider);
    }

  if (!da_store_add_usage (ctx->store, ctx->conversation_id, da_message_get_id (message),
                           da_agent_get_name (agent),
                           provider ? da_provider_get_kind (provider) : NULL, model,
                           da_message_get_prompt_tokens (message),
                           da_message_get_completion_tokens (message), &error))
    g_warning ("Could not record token usage: %s", error->message);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  RunContext *ctx = user_data;

  ctx->n_interrupts++;
  if (ctx->n_interrupts == 1)
    {
      ctx->cancelled = TRUE;
      g_cancellable_cancel (ctx->cancellable);
      return G_SOURCE_CONTINUE;
    }

  /* A second Ctrl-C: keep what was streamed and leave now. */
  da_store_flush (ctx->store);
  _exit (130);
}

static void
chat_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RunContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  gboolean ok = DA_IS_GROUP_CHAT (object)
    ? da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &error)
    : da_chat_run_finish (DA_CHAT (object), result, &error);

  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ctx->cancelled = TRUE;
      else
        ctx->failed = TRUE;
    }
  ctx->done = TRUE;
  g_main_loop_quit (ctx->loop);
}

/* Swarm: an agent handed over to the person. Their answer, read at the
 * terminal, is the next run's task; nothing (or end of input) stops. */
typedef struct
{
  GMainLoop *loop;
  char      *line;
  gboolean   done;
} AnswerRead;

static void
answer_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AnswerRead *read = user_data;
  gsize len;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, &len, NULL);
  read->done = TRUE;
  g_main_loop_quit (read->loop);
}

static char *
ask_person_answer (RunContext *ctx,
                   DaAgent    *agent)
{
  AnswerRead read = { ctx->loop, NULL, FALSE };

  fprintf (stderr, "\n%s handed the conversation to you. Your answer (empty to stop): ",
           da_agent_get_name (agent));
  fflush (stderr);
  g_data_input_stream_read_line_async (ctx->stdin_lines, G_PRIORITY_DEFAULT, ctx->cancellable,
                                       answer_read_cb, &read);
  while (!read.done)
    g_main_loop_run (ctx->loop);
  if (read.line != NULL)
    g_strchomp (read.line);
  return read.line;
}

static char *
conversation_title (const char *task)
{
  g_autofree char *flat = g_strdup (task);
  glong n;

  g_strdelimit (flat, "\r\n\t", ' ');
  g_strstrip (flat);
  n = g_utf8_strlen (flat, -1);
  if (n <= 80)
    return g_steal_pointer (&flat);
  return g_strdup_printf ("%.*s…", (int)(g_utf8_offset_to_pointer (flat, 79) - flat), flat);
}

int
da_cli_run_main (int   argc,
                 char *argv[])
{
  g_autofree char *task = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  gboolean no_prompt = FALSE;
  int max_turns = -1;
  int max_round = -1;
  int status = DA_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "task", 't', 0, G_OPTION_ARG_STRING, &task, "The opening message", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per event and line", NULL },
    { "no-prompt", 0, 0, G_OPTION_ARG_NONE, &no_prompt, "Never ask: deny permissions and treat the human as absent", NULL },
    { "max-turns", 0, 0, G_OPTION_ARG_INT, &max_turns, "Direct chats: stop after this many exchanges (default: the team file's, else 10)", "N" },
    { "max-round", 0, 0, G_OPTION_ARG_INT, &max_round, "Group chats: stop after this many messages, the task included (default: the team file's, else 10)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "History database (default: the user's)", "PATH" },
    { "allow-read", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Allow tools to read these paths", "P,…" },
    { "allow-write", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Allow tools to write these paths", "P,…" },
    { "allow-net", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Allow tools to reach these hosts", "H,…" },
    { "allow-env", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Allow tools to read these variables", "V,…" },
    { "allow-run", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Allow tools to run these programs", "CMD,…" },
    { "deny-read", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Deny reading these paths", "P,…" },
    { "deny-write", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Deny writing these paths", "P,…" },
    { "deny-net", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Deny these hosts", "H,…" },
    { "deny-env", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Deny these variables", "V,…" },
    { "deny-run", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, permission_flag_cb, "Deny running these programs", "CMD,…" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) team = NULL;
  g_autoptr(DaPermissions) permissions = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GObject) chat = NULL;
  g_autoptr(DaCliPrinter) printer = NULL;
  g_autoptr(DaCliTools) tools = NULL;
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GDataInputStream) stdin_lines = NULL;
  g_autofree char *title = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  DaAgent *initiator = NULL;
  DaAgent *recipient = NULL;
  RunContext ctx = { 0 };
  guint sigint_id, sigterm_id;
  gboolean interactive;

  permission_flags = g_ptr_array_new_with_free_func (g_free);

  if (!da_cli_parse_options ("run", "TEAM.json", "Run a team from a team file, headless.",
                             entries, &argc, &argv, &status))
    goto out;

  if (argc != 2)
    {
      status = da_cli_usage_error ("run", "expected exactly one team file");
      goto out;
    }
  if (task == NULL || task[0] == '\0')
    {
      status = da_cli_usage_error ("run", "--task is required");
      goto out;
    }

  permissions = da_permissions_new (cwd);
  for (guint i = 0; i + 1 < permission_flags->len; i += 2)
    if (!da_permissions_add_flag (permissions, g_ptr_array_index (permission_flags, i),
                                  g_ptr_array_index (permission_flags, i + 1), &error))
      {
        status = da_cli_usage_error ("run", "--%s: %s",
                                     (char *)g_ptr_array_index (permission_flags, i), error->message);
        goto out;
      }

  team = da_team_config_new_from_file (argv[1], &error);
  if (team == NULL)
    {
      da_cli_printerr ("%s: %s", argv[1], error->message);
      status = DA_CLI_EXIT_FAILURE;
      goto out;
    }
  for (const char * const *w = da_team_config_get_warnings (team); *w != NULL; w++)
    da_cli_printerr ("warning: %s", *w);

  agents = da_team_config_create_agents (team, resolve_provider, NULL, &error);
  if (agents == NULL ||
      (team->team_kind == DA_TEAM_KIND_DIRECT &&
       !da_team_pick_direct_pair (agents, &initiator, &recipient, &error)))
    {
      da_cli_printerr ("%s", error->message);
      status = DA_CLI_EXIT_FAILURE;
      goto out;
    }

  if (db_path == NULL)
    db_path = da_store_default_path ();
  store = da_store_new (db_path, &error);
  if (store == NULL)
    {
      da_cli_printerr ("cannot open the history at %s: %s", db_path, error->message);
      status = DA_CLI_EXIT_FAILURE;
      goto out;
    }

  title = conversation_title (task);
  ctx.conversation_id = da_store_create_conversation (store, title, team->name, &error);
  if (ctx.conversation_id < 0)
    {
      da_cli_printerr ("cannot record the conversation: %s", error->message);
      status = DA_CLI_EXIT_FAILURE;
      goto out;
    }

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  printer = da_cli_printer_new (json, stdout, stderr);
  ctx.loop = loop;
  ctx.cancellable = cancellable;
  ctx.store = store;
  ctx.printer = printer;

  tools = da_cli_tools_setup (team, agents, permission_flags, store, ctx.conversation_id,
                              !no_prompt, printer, &error);
  if (tools == NULL)
    {
      da_cli_printerr ("%s: %s", argv[1], error->message);
      status = DA_CLI_EXIT_FAILURE;
      goto out;
    }

  /* A person can answer for a user proxy only at a terminal, and not under
   * --no-prompt; otherwise the human is absent and the chat says so. */
  interactive = !no_prompt && isatty (STDIN_FILENO);
  if (interactive)
    {
      stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      stdin_lines = g_data_input_stream_new (stdin_stream);
      ctx.stdin_lines = stdin_lines;
      for (guint i = 0; i < agents->len; i++)
        if (DA_IS_CONVERSABLE_AGENT (g_ptr_array_index (agents, i)))
          da_conversable_agent_set_human_input_handler (g_ptr_array_index (agents, i),
                                                        terminal_input_cb, &ctx, NULL);
    }

  if (team->team_kind == DA_TEAM_KIND_DIRECT)
    {
      DaChat *direct = da_chat_new (initiator, recipient);

      chat = G_OBJECT (direct);
      if (max_turns >= 0)
        da_chat_set_max_turns (direct, max_turns);
      else if (team->max_turns > 0)
        da_chat_set_max_turns (direct, team->max_turns);
      else if (team->max_round > 0)
        da_chat_set_max_turns (direct, (team->max_round + 1) / 2);
      else
        da_chat_set_max_turns (direct, 10);
    }
  else
    {
      DaGroupChat *group = da_group_chat_new_from_config (team, agents, &error);

      if (group == NULL)
        {
          da_cli_printerr ("%s: %s", argv[1], error->message);
          status = DA_CLI_EXIT_FAILURE;
          goto out;
        }
      chat = G_OBJECT (group);
      if (max_round > 0)
        da_group_chat_set_max_round (group, max_round);
      else if (team->max_round <= 0)
        da_group_chat_set_max_round (group, 10);

      if (team->team_kind == DA_TEAM_KIND_SELECTOR)
        {
          g_autoptr(DaProvider) selector = NULL;

          if (team->selector_provider == NULL)
            {
              da_cli_printerr ("%s: $.team: a selector team needs \"selector\": {\"provider\": {…}}, "
                               "the model that picks the next speaker", argv[1]);
              status = DA_CLI_EXIT_FAILURE;
              goto out;
            }
          selector = resolve_selector_provider (team, &error);
          if (selector == NULL)
            {
              da_cli_printerr ("%s", error->message);
              status = DA_CLI_EXIT_FAILURE;
              goto out;
            }
          da_group_chat_set_selector_provider (group, selector);
          if (team->selector_provider->model != NULL)
            da_group_chat_set_selector_model (group, team->selector_provider->model);
        }

      if (interactive)
        da_group_chat_set_speaker_selection_handler (group, terminal_speaker_cb, &ctx, NULL);
    }

  /* The history first, so a message has its id when it is printed. */
  g_signal_connect_swapped (chat, "message-started", G_CALLBACK (message_started_cb), &ctx);
  g_signal_connect_swapped (chat, "usage", G_CALLBACK (usage_cb), &ctx);
  da_cli_printer_attach (printer, chat);

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &ctx);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &ctx);

  if (DA_IS_GROUP_CHAT (chat))
    da_group_chat_run_async (DA_GROUP_CHAT (chat), task, cancellable, chat_done_cb, &ctx);
  else
    da_chat_run_async (DA_CHAT (chat), task, cancellable, chat_done_cb, &ctx);
  if (!ctx.done)
    g_main_loop_run (loop);

  /* At a terminal the conversation goes on as in AutoGen's console: the
   * person answers the agent that handed over to them. */
  while (interactive && DA_IS_GROUP_CHAT (chat) && !ctx.cancelled && !ctx.failed &&
         da_group_chat_get_person_handoff (DA_GROUP_CHAT (chat)) != NULL)
    {
      g_autofree char *answer = ask_person_answer (&ctx, da_group_chat_get_person_handoff (DA_GROUP_CHAT (chat)));

      if (answer == NULL || *g_strstrip (answer) == '\0')
        break;
      ctx.done = FALSE;
      da_group_chat_run_async (DA_GROUP_CHAT (chat), answer, cancellable, chat_done_cb, &ctx);
      if (!ctx.done)
        g_main_loop_run (loop);
    }

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (chat, &ctx);
  da_store_flush (store);

  if (!json)
    fprintf (stderr, "Saved as conversation %" G_GINT64_FORMAT " (denoagents-cli history show %" G_GINT64_FORMAT ")\n",
             ctx.conversation_id, ctx.conversation_id);

  if (ctx.cancelled)
    status = 130;
  else if (ctx.failed)
    status = DA_CLI_EXIT_FAILURE;

out:
  g_clear_pointer (&permission_flags, g_ptr_array_unref);
  return status;
}
