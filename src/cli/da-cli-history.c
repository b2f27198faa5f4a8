/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-cli.h"
#include "da-cli-history.h"
#include "da-cli-util.h"
#include "da-store.h"

#define DEFAULT_SEARCH_LIMIT 20

/* Opens the history. *out_store stays NULL when the default database does
 * not exist yet: that is an empty history, not an error. A missing file
 * named with --db is an error (a typo should not create a database). */
static gboolean
open_store (const char  *db_path,
            DaStore    **out_store,
            int         *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  *out_store = NULL;
  *exit_status = DA_CLI_EXIT_OK;

  path = db_path != NULL ? g_strdup (db_path) : da_store_default_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (db_path == NULL)
        return TRUE;

      da_cli_printerr ("no history database at %s", path);
      *exit_status = DA_CLI_EXIT_FAILURE;
      return FALSE;
    }

  *out_store = da_store_new (path, &error);
  if (*out_store == NULL)
    {
      *exit_status = da_cli_report_error (error);
      return FALSE;
    }

  return TRUE;
}

static int
report_conversation_error (const GError *error,
                           gint64        id)
{
  if (g_error_matches (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND))
    {
      da_cli_printerr ("no conversation with id %" G_GINT64_FORMAT, id);
      return DA_CLI_EXIT_FAILURE;
    }

  return da_cli_report_error (error);
}

static char *
format_local_time (gint64 unix_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static char *
format_utc_time (gint64 unix_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("");
}

static const char *
display_title (const char *title)
{
  return title != NULL && title[0] != '\0' ? title : "(untitled)";
}

/* Titles and snippets are one line in a listing. */
static char *
one_line (const char *text)
{
  char *line = g_strdup (text != NULL ? text : "");

  for (char *p = line; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';

  return line;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
print_conversations_json (GPtrArray *conversations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      DaConversation *conversation = g_ptr_array_index (conversations, i);
      g_autofree char *created = format_utc_time (da_conversation_get_created_at (conversation));
      g_autofree char *updated = format_utc_time (da_conversation_get_updated_at (conversation));

      json_builder_begin_object (builder);
      add_int (builder, "id", da_conversation_get_id (conversation));
      add_string (builder, "title", da_conversation_get_title (conversation));
      add_string (builder, "team_name", da_conversation_get_team_name (conversation));
      add_string (builder, "created_at", created);
      add_string (builder, "updated_at", updated);
      json_builder_set_member_name (builder, "pinned");
      json_builder_add_boolean_value (builder, da_conversation_get_pinned (conversation));
      add_int (builder, "message_count", da_conversation_get_message_count (conversation));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  print_json (builder);
}

static int
history_list (int   argc,
              char *argv[])
{
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database (default: the application's)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };
  int status;

  if (!da_cli_parse_options ("history list", NULL,
                             "Lists the conversations, pinned first, then the newest:\n"
                             "id, last update, number of messages and title.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return da_cli_usage_error ("history list", "too many arguments");

  if (!open_store (db_path, &store, &status))
    return status;

  if (store != NULL)
    {
      conversations = da_store_list_conversations (store, &error);
      if (conversations == NULL)
        return da_cli_report_error (error);
    }

  if (json)
    {
      print_conversations_json (conversations);
      return DA_CLI_EXIT_OK;
    }

  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      DaConversation *conversation = g_ptr_array_index (conversations, i);
      g_autofree char *updated = format_local_time (da_conversation_get_updated_at (conversation));
      g_autofree char *title = one_line (display_title (da_conversation_get_title (conversation)));

      g_print ("%" G_GINT64_FORMAT "\t%s\t%" G_GINT64_FORMAT "\t%s\n",
               da_conversation_get_id (conversation), updated,
               da_conversation_get_message_count (conversation), title);
    }

  return DA_CLI_EXIT_OK;
}

/* Parses the ID argument of show and export. */
static gboolean
parse_id_argument (const char *command,
                   const char *text,
                   gint64     *id,
                   int        *exit_status)
{
  if (!da_cli_parse_id (text, id))
    {
      *exit_status = da_cli_usage_error (command, "invalid conversation id '%s' (expected a positive number)", text);
      return FALSE;
    }

  return TRUE;
}

static int
history_show (int   argc,
              char *argv[])
{
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *text = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database (default: the application's)", "PATH" },
    { NULL }
  };
  gint64 id;
  int status;

  if (!da_cli_parse_options ("history show", "ID",
                             "Prints conversation ID as a readable transcript.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return da_cli_usage_error ("history show", argc < 2 ? "missing ID" : "too many arguments");

  if (!parse_id_argument ("history show", argv[1], &id, &status))
    return status;

  if (!open_store (db_path, &store, &status))
    return status;

  if (store == NULL)
    {
      da_cli_printerr ("no conversation with id %" G_GINT64_FORMAT, id);
      return DA_CLI_EXIT_FAILURE;
    }

  text = da_store_export_conversation (store, id, DA_EXPORT_FORMAT_MARKDOWN, &error);
  if (text == NULL)
    return report_conversation_error (error, id);

  g_print ("%s", text);

  return DA_CLI_EXIT_OK;
}

static void
print_hits_json (GPtrArray *hits)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      DaSearchHit *hit = g_ptr_array_index (hits, i);

      json_builder_begin_object (builder);
      add_int (builder, "conversation_id", hit->conversation_id);
      add_int (builder, "message_id", hit->message_id);
      add_string (builder, "conversation_title", hit->conversation_title);
      add_string (builder, "agent", hit->agent);
      add_string (builder, "snippet", hit->snippet);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  print_json (builder);
}

static int
history_search (int   argc,
                char *argv[])
{
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *query = NULL;
  gboolean json = FALSE;
  int limit = DEFAULT_SEARCH_LIMIT;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database (default: the application's)", "PATH" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "Show at most N hits (default: 20)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };
  int status;

  if (!da_cli_parse_options ("history search", "TEXT…",
                             "Searches the text of every message, best matches first:\n"
                             "conversation id, title, who wrote it and the matching words.\n"
                             "Words, \"quoted phrases\"; the last word also matches as a prefix.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc < 2)
    return da_cli_usage_error ("history search", "missing TEXT");

  if (limit < 1)
    return da_cli_usage_error ("history search", "--limit must be at least 1");

  query = g_strjoinv (" ", argv + 1);
  if (g_strstrip (query)[0] == '\0')
    return da_cli_usage_error ("history search", "the search text is empty");

  if (!open_store (db_path, &store, &status))
    return status;

  if (store != NULL)
    {
      hits = da_store_search (store, query, (guint) limit, &error);
      if (hits == NULL)
        return da_cli_report_error (error);
    }

  if (json)
    {
      print_hits_json (hits);
      return DA_CLI_EXIT_OK;
    }

  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      DaSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *title = one_line (display_title (hit->conversation_title));
      g_autofree char *snippet = one_line (hit->snippet);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s: %s\n", hit->conversation_id, title,
               hit->agent != NULL && hit->agent[0] != '\0' ? hit->agent : "?", snippet);
    }

  return DA_CLI_EXIT_OK;
}

static int
history_export (int   argc,
                char *argv[])
{
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "markdown or json (default: markdown)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database (default: the application's)", "PATH" },
    { NULL }
  };
  DaExportFormat format = DA_EXPORT_FORMAT_MARKDOWN;
  gint64 id;
  int status;

  if (!da_cli_parse_options ("history export", "ID",
                             "Exports conversation ID with every message, tool call and\n"
                             "token count, as Markdown or JSON.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return da_cli_usage_error ("history export", argc < 2 ? "missing ID" : "too many arguments");

  if (!parse_id_argument ("history export", argv[1], &id, &status))
    return status;

  if (format_name != NULL && !da_export_format_from_string (format_name, &format))
    return da_cli_usage_error ("history export", "unknown format '%s' (expected markdown or json)",
                               format_name);

  if (!open_store (db_path, &store, &status))
    return status;

  if (store == NULL)
    {
      da_cli_printerr ("no conversation with id %" G_GINT64_FORMAT, id);
      return DA_CLI_EXIT_FAILURE;
    }

  text = da_store_export_conversation (store, id, format, &error);
  if (text == NULL)
    return report_conversation_error (error, id);

  if (output == NULL)
    {
      g_print ("%s", text);
      return DA_CLI_EXIT_OK;
    }

  /* A transcript is private: readable by its owner only. */
  if (!g_file_set_contents_full (output, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    return da_cli_report_error (error);

  return DA_CLI_EXIT_OK;
}

static const DaCliCommand history_commands[] = {
  { "list", "List the conversations", history_list },
  { "show", "Print one conversation", history_show },
  { "search", "Search the text of every message", history_search },
  { "export", "Export one conversation as Markdown or JSON", history_export },
  { NULL }
};

int
da_cli_history_main (int   argc,
                     char *argv[])
{
  return da_cli_dispatch ("history",
                          "The conversation history: one SQLite file under $XDG_DATA_HOME/denoagents/.",
                          history_commands, argc, argv);
}
