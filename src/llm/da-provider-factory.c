/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-anthropic-provider.h"
#include "da-llm-error.h"
#include "da-openai-provider.h"
#include "da-provider-factory.h"

typedef struct
{
  const char *kind;
  const char *default_base_url;
  gboolean    supported;
} KindInfo;

static const KindInfo kinds[] = {
  { "openai", "https://api.openai.com/v1", TRUE },
  { "ollama", "http://127.0.0.1:11434/v1", TRUE },
  { "anthropic", "https://api.anthropic.com/v1", TRUE },
  { "gemini", "https://generativelanguage.googleapis.com/v1beta", FALSE },
};

static const KindInfo *
find_kind (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (kinds[i].kind, kind))
        return &kinds[i];
    }
  return NULL;
}

/**
 * da_provider_get_kinds:
 *
 * Returns: (transfer none): the provider kinds this build can create,
 *   %NULL-terminated
 */
const char * const *
da_provider_get_kinds (void)
{
  static const char * const supported[] = { "openai", "ollama", "anthropic", NULL };

  return supported;
}

/**
 * da_provider_get_default_base_url:
 *
 * Returns: (nullable): the base URL used for @kind when none is given
 */
const char *
da_provider_get_default_base_url (const char *kind)
{
  const KindInfo *info = find_kind (kind);

  return info != NULL ? info->default_base_url : NULL;
}

/**
 * da_provider_new_for_kind:
 * @kind: a provider kind as written in team files
 * @base_url: (nullable): the API root; %NULL or "" for the kind's default
 *
 * "ollama" is an OpenAI-compatible server: it gets a #DaOpenaiProvider,
 * whose kind reads "openai". "anthropic" gets a #DaAnthropicProvider.
 *
 * Returns: (transfer full): a new provider, or %NULL with
 *   %DA_LLM_ERROR_INVALID_REQUEST for a kind this build cannot create
 */
DaProvider *
da_provider_new_for_kind (const char  *kind,
                          const char  *base_url,
                          GError     **error)
{
  const KindInfo *info;

  g_return_val_if_fail (kind != NULL, NULL);

  info = find_kind (kind);
  if (info == NULL)
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_INVALID_REQUEST, 0, -1,
                                           "unknown provider kind '%s'", kind));
      return NULL;
    }
  if (!info->supported)
    {
      g_propagate_error (error,
                         da_llm_error_new (DA_LLM_ERROR_INVALID_REQUEST, 0, -1,
                                           "provider kind '%s' is not supported yet", kind));
      return NULL;
    }

  if (base_url == NULL || *base_url == '\0')
    base_url = info->default_base_url;

  if (g_str_equal (info->kind, "anthropic"))
    return da_anthropic_provider_new (base_url);
  return da_openai_provider_new (base_url);
}
