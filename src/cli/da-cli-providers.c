/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include "da-cli-providers.h"

/* The provider kinds of team files and their default base URLs. This
 * belongs to the provider factory of the llm layer; until it offers the
 * defaults, the CLI keeps the table. */
static const struct
{
  const char *kind;
  const char *base_url;
} providers[] = {
  { "openai", "https://api.openai.com/v1" },
  { "anthropic", "https://api.anthropic.com/v1" },
  { "gemini", "https://generativelanguage.googleapis.com/v1beta" },
  { "ollama", "http://127.0.0.1:11434/v1" },
};

/* NULL for an unknown kind. */
const char *
da_cli_provider_default_base_url (const char *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      if (g_str_equal (kind, providers[i].kind))
        return providers[i].base_url;
    }

  return NULL;
}

const char *
da_cli_provider_kinds_text (void)
{
  return "openai, anthropic, gemini or ollama";
}
