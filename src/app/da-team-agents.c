/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-keyring.h"
#include "da-llm-error.h"
#include "da-provider-factory.h"
#include "da-team-agents.h"

/* The agents of a team file, with their providers, and the provider of a
 * selector team's "selector". Keys come, as for a single chat, from the
 * keyring entry for the provider's kind and base URL (looked up
 * asynchronously, once per endpoint, before the agents are made) or from
 * the variable named in api_key_env. A server on loopback needs no key.
 * The keys live only in the providers. */

typedef struct
{
  DaTeamConfig *config;
  GHashTable   *keys;     /* "kind base_url" → secret (da_keyring_secret_free) */
  guint         pending;
  DaProvider   *selector;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_object (&data->selector);
  g_clear_pointer (&data->config, da_team_config_unref);
  g_clear_pointer (&data->keys, g_hash_table_unref);
  g_free (data);
}

static char *
endpoint_key (const char *kind,
              const char *base_url)
{
  return g_strdup_printf ("%s %s", kind, base_url ? base_url : "");
}

static gboolean
is_loopback_url (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static DaProvider *
resolve_provider (const DaProviderConfig  *config,
                  const DaAgentConfig     *agent,
                  gpointer                 user_data,
                  GError                 **error)
{
  CreateData *data = user_data;
  g_autoptr(DaProvider) provider = NULL;
  g_autofree char *endpoint = NULL;
  const char *base_url;
  const char *key;

  provider = da_provider_new_for_kind (config->kind, config->base_url, error);
  if (provider == NULL)
    {
      g_prefix_error (error, "%s: ", agent->name);
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

      if (value == NULL || *value == '\0')
        {
          g_set_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION,
                       _("%s: the variable %s named in api_key_env is not set"),
                       agent->name, config->api_key_env);
          return NULL;
        }
      da_provider_set_api_key (provider, value);
      return g_steal_pointer (&provider);
    }

  endpoint = endpoint_key (config->kind, base_url);
  key = g_hash_table_lookup (data->keys, endpoint);
  if (key != NULL)
    da_provider_set_api_key (provider, key);
  else if (!is_loopback_url (base_url))
    {
      g_set_error (error, DA_LLM_ERROR, DA_LLM_ERROR_AUTHENTICATION,
                   _("%s: no API key for %s at %s; add it in Preferences"),
                   agent->name, config->kind, base_url);
      return NULL;
    }

  return g_steal_pointer (&provider);
}

static void
finish (GTask *task)
{
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *agents;

  agents = da_team_config_create_agents (data->config, resolve_provider, data, &error);
  if (agents != NULL && data->config->selector_provider != NULL)
    {
      DaAgentConfig selector = { 0 };

      selector.name = (char *)_("the speaker selector");
      data->selector = resolve_provider (data->config->selector_provider, &selector, data, &error);
      if (data->selector == NULL)
        g_clear_pointer (&agents, g_ptr_array_unref);
    }
  /* The providers hold the keys they need; drop ours now. */
  g_hash_table_remove_all (data->keys);
  if (agents == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, agents, (GDestroyNotify)g_ptr_array_unref);
}

typedef struct
{
  GTask *task;
  char  *endpoint;
} Lookup;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GTask) task = lookup->task;
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *key;

  key = da_keyring_lookup_finish (result, &error);
  /* No keyring is no key: loopback servers run without one, and the
   * resolver says which agent needs one. */
  if (error != NULL)
    g_debug ("Keyring lookup for %s: %s", lookup->endpoint, error->message);
  if (key != NULL)
    g_hash_table_insert (data->keys, g_steal_pointer (&lookup->endpoint), key);

  g_free (lookup->endpoint);
  g_free (lookup);

  if (--data->pending == 0)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      finish (task);
    }
}

/* Asks the keyring for the key of @provider's endpoint, once per
 * endpoint. */
static void
look_up_key (GTask                  *task,
             GHashTable             *seen,
             const DaProviderConfig *provider,
             GCancellable           *cancellable)
{
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(DaProvider) probe = NULL;
  Lookup *lookup;

  if (provider == NULL || provider->api_key_env != NULL)
    return;
  probe = da_provider_new_for_kind (provider->kind, provider->base_url, NULL);
  if (probe == NULL)
    return;   /* the resolver reports it */

  lookup = g_new0 (Lookup, 1);
  lookup->endpoint = endpoint_key (provider->kind, da_provider_get_base_url (probe));
  if (!g_hash_table_add (seen, g_strdup (lookup->endpoint)))
    {
      g_free (lookup->endpoint);
      g_free (lookup);
      return;
    }
  lookup->task = g_object_ref (task);
  data->pending++;
  da_keyring_lookup_async (da_provider_get_kind (probe), da_provider_get_base_url (probe),
                           cancellable, lookup_cb, lookup);
}

void
da_team_agents_create_async (DaTeamConfig        *config,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = NULL;
  CreateData *data;

  g_return_if_fail (config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_team_agents_create_async);
  data = g_new0 (CreateData, 1);
  data->config = da_team_config_ref (config);
  data->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)da_keyring_secret_free);
  g_task_set_task_data (task, data, (GDestroyNotify)create_data_free);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->pending = 1;
  for (guint i = 0; i < config->agents->len; i++)
    {
      const DaAgentConfig *agent = g_ptr_array_index (config->agents, i);

      look_up_key (task, seen, agent->provider, cancellable);
    }
  look_up_key (task, seen, config->selector_provider, cancellable);

  if (--data->pending == 0)
    finish (task);
}

/**
 * da_team_agents_create_finish:
 * @selector: (out) (optional) (nullable) (transfer full): the provider of
 *   the team's speaker selector, when the team file names one
 *
 * Returns: (transfer full) (element-type DaAgent): the agents, in file
 *   order, or %NULL with the error of the first provider that could not
 *   be made
 */
GPtrArray *
da_team_agents_create_finish (GAsyncResult  *result,
                              DaProvider   **selector,
                              GError       **error)
{
  GPtrArray *agents;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  agents = g_task_propagate_pointer (G_TASK (result), error);
  if (selector != NULL)
    {
      CreateData *data = g_task_get_task_data (G_TASK (result));

      *selector = agents != NULL && data->selector != NULL ? g_object_ref (data->selector) : NULL;
    }
  return agents;
}
