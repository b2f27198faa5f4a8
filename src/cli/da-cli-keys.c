/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <unistd.h>

#include <json-glib/json-glib.h>

#include "da-cli.h"
#include "da-cli-keys.h"
#include "da-cli-secret.h"
#include "da-cli-util.h"
#include "da-keyring.h"
#include "da-provider-factory.h"
#include "da-security-error.h"

/* "openai, ollama, anthropic or gemini" */
static char *
kinds_text (void)
{
  const char * const *kinds = da_provider_get_kinds ();
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (text, kinds[i + 1] != NULL ? ", " : " or ");
      g_string_append (text, kinds[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Checks PROVIDER and picks the base URL; returns the normalised URL or
 * NULL after printing a usage error into *exit_status. */
static char *
resolve_provider (const char  *command,
                  const char  *kind,
                  const char  *base_url,
                  int         *exit_status)
{
  g_autoptr(GError) error = NULL;
  const char *default_url = da_provider_get_default_base_url (kind);
  char *normalized;

  if (default_url == NULL)
    {
      g_autofree char *kinds = kinds_text ();

      *exit_status = da_cli_usage_error (command, "unknown provider kind '%s' (expected %s)",
                                         kind, kinds);
      return NULL;
    }

  normalized = da_keyring_normalize_base_url (base_url ? base_url : default_url, &error);
  if (normalized == NULL)
    {
      *exit_status = da_cli_usage_error (command, "%s", error->message);
      return NULL;
    }

  return normalized;
}

static int
keys_set (int   argc,
          char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *prompt = NULL;
  const GOptionEntry entries[] = {
    { "base-url", 'u', 0, G_OPTION_ARG_STRING, &base_url,
      "The provider's base URL (default: the provider's own)", "URL" },
    { NULL }
  };
  char *secret;
  gboolean stored;
  int status;

  if (!da_cli_parse_options ("keys set", "PROVIDER",
                             "Stores the API key for PROVIDER (openai, ollama, anthropic, gemini)\n"
                             "in the keyring. On a terminal the key is read without echo;\n"
                             "otherwise the first line of standard input is the key.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return da_cli_usage_error ("keys set", argc < 2 ? "missing PROVIDER" : "too many arguments");

  normalized = resolve_provider ("keys set", argv[1], base_url, &status);
  if (normalized == NULL)
    return status;

  prompt = g_strdup_printf ("API key for %s at %s: ", argv[1], normalized);
  secret = da_cli_read_secret (STDIN_FILENO, prompt, &error);
  if (secret == NULL)
    return da_cli_report_error (error);

  stored = da_keyring_store_sync (argv[1], normalized, secret, NULL, &error);
  da_cli_secret_free (secret);

  if (!stored)
    return da_cli_report_error (error);

  g_print ("Stored the API key for %s at %s\n", argv[1], normalized);

  return DA_CLI_EXIT_OK;
}

static void
print_entries_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      DaKeyringEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, da_keyring_entry_get_kind (entry));
      json_builder_set_member_name (builder, "base_url");
      json_builder_add_string_value (builder, da_keyring_entry_get_base_url (entry));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
keys_list (int   argc,
           char *argv[])
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print a JSON array of {\"kind\", \"base_url\"} objects", NULL },
    { NULL }
  };
  int status;

  if (!da_cli_parse_options ("keys list", NULL,
                             "Lists the providers and base URLs that have an API key in the\n"
                             "keyring, one per line. The keys themselves are never shown.",
                             entries_options, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return da_cli_usage_error ("keys list", "too many arguments");

  entries = da_keyring_list_sync (NULL, &error);
  if (entries == NULL)
    return da_cli_report_error (error);

  if (json)
    {
      print_entries_json (entries);
      return DA_CLI_EXIT_OK;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      DaKeyringEntry *entry = g_ptr_array_index (entries, i);

      g_print ("%-10s %s\n", da_keyring_entry_get_kind (entry),
               da_keyring_entry_get_base_url (entry));
    }

  return DA_CLI_EXIT_OK;
}

static int
keys_delete (int   argc,
             char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *normalized = NULL;
  const GOptionEntry entries[] = {
    { "base-url", 'u', 0, G_OPTION_ARG_STRING, &base_url,
      "The provider's base URL (default: the provider's own)", "URL" },
    { NULL }
  };
  int status;

  if (!da_cli_parse_options ("keys delete", "PROVIDER",
                             "Removes the API key for PROVIDER from the keyring.",
                             entries, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return da_cli_usage_error ("keys delete", argc < 2 ? "missing PROVIDER" : "too many arguments");

  normalized = resolve_provider ("keys delete", argv[1], base_url, &status);
  if (normalized == NULL)
    return status;

  if (!da_keyring_delete_sync (argv[1], normalized, NULL, &error))
    return da_cli_report_error (error);

  g_print ("Deleted the API key for %s at %s\n", argv[1], normalized);

  return DA_CLI_EXIT_OK;
}

static const DaCliCommand keys_commands[] = {
  { "set", "Store the API key for a provider", keys_set },
  { "list", "List the providers that have a key (never the keys)", keys_list },
  { "delete", "Remove the API key for a provider", keys_delete },
  { NULL }
};

int
da_cli_keys_main (int   argc,
                  char *argv[])
{
  return da_cli_dispatch ("keys",
                          "API keys live in the system keyring, one per provider and base URL.",
                          keys_commands, argc, argv);
}
