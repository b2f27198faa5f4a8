/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <locale.h>

#include "da-cli.h"
#include "da-cli-history.h"
#include "da-cli-import.h"
#include "da-cli-keys.h"
#include "da-cli-permissions.h"
#include "da-cli-util.h"
#include "da-keyring.h"
#ifdef DA_CLI_HAVE_RUN
# include "da-cli-run.h"
#endif

static const DaCliCommand commands[] = {
#ifdef DA_CLI_HAVE_RUN
  { "run", "Run a team from a team file, headless", da_cli_run_main },
#endif
  { "import", "Convert a team exported from AutoGen into a team file", da_cli_import_main },
  { "keys", "Store, list and delete API keys in the keyring", da_cli_keys_main },
  { "history", "List, show, search and export conversations", da_cli_history_main },
  { "permissions", "List and revoke grants; show the audit log", da_cli_permissions_main },
  { NULL }
};

static void
print_help (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text,
                          "Usage:\n"
                          "  %s [--version] [--help] COMMAND [ARG…]\n\n"
                          "DenoAgents without a window: run teams of agents, manage API keys\n"
                          "and browse the conversation history.\n\n"
                          "Commands:\n", DA_CLI_NAME);
  for (guint i = 0; commands[i].name != NULL; i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, commands[i].summary);
  g_string_append_printf (text,
                          "\nOptions:\n"
                          "  -h, --help     Show this help\n"
                          "  --version      Show the version\n\n"
                          "Run '%s COMMAND --help' for a command's options.\n"
                          "Exit status: 0 success, 1 failure, 2 usage error.\n",
                          DA_CLI_NAME);

  g_print ("%s", text->str);
}

int
da_cli_main (int   argc,
             char *argv[])
{
  const char *name;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname (DA_CLI_NAME);

  if (argc < 2)
    return da_cli_usage_error (NULL, "missing command");

  name = argv[1];

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      g_str_equal (name, "help"))
    {
      print_help ();
      return DA_CLI_EXIT_OK;
    }

  if (g_str_equal (name, "--version"))
    {
      g_print ("%s %s\n", DA_CLI_NAME, PACKAGE_VERSION);
      return DA_CLI_EXIT_OK;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (name, commands[i].name))
        {
          status = commands[i].main (argc - 1, argv + 1);
          /* Lets go of the Secret Service connection if a command made one. */
          da_keyring_disconnect ();
          return status;
        }
    }

  if (name[0] == '-')
    return da_cli_usage_error (NULL, "unknown option '%s'", name);

  return da_cli_usage_error (NULL, "unknown command '%s'", name);
}
