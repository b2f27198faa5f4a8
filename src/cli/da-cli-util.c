/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "da-cli.h"
#include "da-cli-util.h"

/* Every message is exactly one line on stderr, whatever the text holds. */
static void
print_line (const char *text)
{
  g_autofree char *line = g_strdup (text);

  g_strchomp (line);
  for (char *p = line; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';

  g_printerr ("%s: %s\n", DA_CLI_NAME, line);
}

void
da_cli_printerr (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  print_line (message);
}

int
da_cli_report_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, DA_CLI_EXIT_FAILURE);

  print_line (error->message);

  return DA_CLI_EXIT_FAILURE;
}

int
da_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (command != NULL)
    line = g_strdup_printf ("%s: %s (see '%s %s --help')", command, message,
                            DA_CLI_NAME, command);
  else
    line = g_strdup_printf ("%s (see '%s --help')", message, DA_CLI_NAME);
  print_line (line);

  return DA_CLI_EXIT_USAGE;
}

/* Parses the options of @command ("keys set") from @argc/@argv, leaving
 * the positional arguments (argv[0] is the command's own name). Returns
 * FALSE when the caller should return *exit_status at once: after --help
 * (0) or on a usage error (2). */
gboolean
da_cli_parse_options (const char          *command,
                      const char          *parameters,
                      const char          *summary,
                      const GOptionEntry  *entries,
                      int                 *argc,
                      char              ***argv,
                      int                 *exit_status)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("%s %s", DA_CLI_NAME, command);
  gboolean help = FALSE;
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    { NULL }
  };

  g_set_prgname (prgname);

  context = g_option_context_new (parameters);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, help_entries, NULL);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      /* "Unknown option --foo=VALUE": the value may be a pasted key. */
      char *equals = strchr (error->message, '=');

      if (equals != NULL)
        *equals = '\0';
      *exit_status = da_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      *exit_status = DA_CLI_EXIT_OK;
      return FALSE;
    }

  *exit_status = DA_CLI_EXIT_OK;
  return TRUE;
}

static void
print_group_help (const char         *group,
                  const char         *summary,
                  const DaCliCommand *commands)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "Usage:\n  %s %s COMMAND [OPTION…]\n\n%s\n\nCommands:\n",
                          DA_CLI_NAME, group, summary);
  for (guint i = 0; commands[i].name != NULL; i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, commands[i].summary);
  g_string_append_printf (text, "\nRun '%s %s COMMAND --help' for a command's options.\n",
                          DA_CLI_NAME, group);

  g_print ("%s", text->str);
}

static char *
command_names (const DaCliCommand *commands)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (i > 0)
        g_string_append (names, commands[i + 1].name != NULL ? ", " : " or ");
      g_string_append (names, commands[i].name);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Runs the subcommand named by argv[1] of @group (argv[0]). */
int
da_cli_dispatch (const char         *group,
                 const char         *summary,
                 const DaCliCommand *commands,
                 int                 argc,
                 char               *argv[])
{
  g_autofree char *names = command_names (commands);
  const char *name;

  if (argc < 2)
    return da_cli_usage_error (group, "missing command (expected %s)", names);

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      g_str_equal (name, "help"))
    {
      print_group_help (group, summary, commands);
      return DA_CLI_EXIT_OK;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (name, commands[i].name))
        return commands[i].main (argc - 1, argv + 1);
    }

  if (name[0] == '-')
    return da_cli_usage_error (group, "unknown option '%s' (expected a command: %s)",
                               name, names);

  return da_cli_usage_error (group, "unknown command '%s' (expected %s)", name, names);
}

gboolean
da_cli_parse_id (const char *text,
                 gint64     *id)
{
  return g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, id, NULL);
}
