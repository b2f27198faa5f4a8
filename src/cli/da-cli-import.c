/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `denoagents-cli import AUTOGEN.json [-o TEAM.json]`: converts a team
 * exported from AutoGen (AutoGen Studio's component JSON) into our team
 * file format. What could not be mapped is printed on stderr, one
 * "warning: JSON.path: …" line each. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <stdio.h>

#include "da-autogen-import.h"
#include "da-cli.h"
#include "da-cli-import.h"
#include "da-cli-util.h"

int
da_cli_import_main (int   argc,
                    char *argv[])
{
  g_autofree char *output = NULL;
  int status = DA_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the team file here (default: standard output)", "TEAM.json" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *team = NULL;
  g_auto(GStrv) warnings = NULL;
  gsize len = 0;

  if (!da_cli_parse_options ("import", "AUTOGEN.json",
                             "Convert a team exported from AutoGen into a DenoAgents team file.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return da_cli_usage_error ("import", "expected exactly one AutoGen file");

  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    return da_cli_report_error (error);

  team = da_autogen_convert (contents, len, &warnings, &error);
  if (team == NULL)
    {
      da_cli_printerr ("%s: %s", argv[1], error->message);
      return DA_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; warnings[i] != NULL; i++)
    da_cli_printerr ("warning: %s", warnings[i]);

  if (output == NULL)
    {
      g_print ("%s\n", team);
      return fflush (stdout) == 0 ? DA_CLI_EXIT_OK : DA_CLI_EXIT_FAILURE;
    }

  {
    g_autofree char *text = g_strconcat (team, "\n", NULL);

    if (!g_file_set_contents (output, text, -1, &error))
      return da_cli_report_error (error);
  }

  return DA_CLI_EXIT_OK;
}
