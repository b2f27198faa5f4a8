/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include <string.h>

#include "da-util.h"
#include "da-provider-private.h"

#define DEFAULT_TIMEOUT_SECONDS 60
#define DEFAULT_MAX_RETRIES     3

typedef struct
{
  char  *base_url;
  char  *default_model;
  char  *api_key;
  guint  timeout;
  guint  max_retries;
} DaProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DaProvider, da_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_BASE_URL,
  PROP_DEFAULT_MODEL,
  PROP_API_KEY,
  PROP_TIMEOUT,
  PROP_MAX_RETRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
da_provider_finalize (GObject *object)
{
  DaProvider *self = (DaProvider *)object;
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_clear_pointer (&priv->base_url, g_free);
  g_clear_pointer (&priv->default_model, g_free);
  if (priv->api_key != NULL)
    {
      explicit_bzero (priv->api_key, strlen (priv->api_key));
      g_clear_pointer (&priv->api_key, g_free);
    }

  G_OBJECT_CLASS (da_provider_parent_class)->finalize (object);
}

static void
da_provider_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DaProvider *self = DA_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, da_provider_get_kind (self));
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, da_provider_get_base_url (self));
      break;
    case PROP_DEFAULT_MODEL:
      g_value_set_string (value, da_provider_get_default_model (self));
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, da_provider_get_timeout (self));
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, da_provider_get_max_retries (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_provider_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DaProvider *self = DA_PROVIDER (object);
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = g_strdup (g_value_get_string (value));
      /* Normalise: no trailing slash, so paths can be appended. */
      while (priv->base_url != NULL && g_str_has_suffix (priv->base_url, "/"))
        priv->base_url[strlen (priv->base_url) - 1] = '\0';
      break;
    case PROP_DEFAULT_MODEL:
      da_provider_set_default_model (self, g_value_get_string (value));
      break;
    case PROP_API_KEY:
      da_provider_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      da_provider_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      da_provider_set_max_retries (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_provider_class_init (DaProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = da_provider_finalize;
  object_class->get_property = da_provider_get_property;
  object_class->set_property = da_provider_set_property;

  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_MODEL] =
    g_param_spec_string ("default-model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, 3600, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL, 0, 20, DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_provider_init (DaProvider *self)
{
}

const char *
da_provider_get_kind (DaProvider *self)
{
  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);
  return DA_PROVIDER_GET_CLASS (self)->kind;
}

const char *
da_provider_get_base_url (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);
  return priv->base_url;
}

const char *
da_provider_get_default_model (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);
  return priv->default_model;
}

void
da_provider_set_default_model (DaProvider *self,
                               const char *model)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_if_fail (DA_IS_PROVIDER (self));

  if (da_set_str (&priv->default_model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_MODEL]);
}

void
da_provider_set_api_key (DaProvider *self,
                         const char *api_key)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_if_fail (DA_IS_PROVIDER (self));

  if (priv->api_key != NULL)
    explicit_bzero (priv->api_key, strlen (priv->api_key));
  g_clear_pointer (&priv->api_key, g_free);
  if (api_key != NULL && api_key[0] != '\0')
    priv->api_key = g_strdup (api_key);
}

gboolean
da_provider_has_api_key (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), FALSE);
  return priv->api_key != NULL;
}

const char *
_da_provider_get_api_key (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);
  return priv->api_key;
}

guint
da_provider_get_timeout (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), DEFAULT_TIMEOUT_SECONDS);
  return priv->timeout;
}

void
da_provider_set_timeout (DaProvider *self,
                         guint       timeout_seconds)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_if_fail (DA_IS_PROVIDER (self));

  if (priv->timeout == timeout_seconds)
    return;
  priv->timeout = timeout_seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
da_provider_get_max_retries (DaProvider *self)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_val_if_fail (DA_IS_PROVIDER (self), DEFAULT_MAX_RETRIES);
  return priv->max_retries;
}

void
da_provider_set_max_retries (DaProvider *self,
                             guint       max_retries)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);

  g_return_if_fail (DA_IS_PROVIDER (self));

  if (priv->max_retries == max_retries)
    return;
  priv->max_retries = max_retries;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RETRIES]);
}

/**
 * da_provider_redact:
 * @text: (nullable): text that may echo the key (a server error, a URL)
 *
 * Returns: (transfer full): @text with every occurrence of this
 *   provider's API key replaced by "[REDACTED]". Provider implementations
 *   also remove anything shaped like a key or a bearer token from the
 *   server errors they report (see _da_llm_redact()).
 */
char *
da_provider_redact (DaProvider *self,
                    const char *text)
{
  DaProviderPrivate *priv = da_provider_get_instance_private (self);
  GString *out;

  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);

  if (text == NULL)
    return NULL;

  out = g_string_new (text);
  if (priv->api_key != NULL && strlen (priv->api_key) >= 4)
    g_string_replace (out, priv->api_key, "[REDACTED]", 0);

  return g_string_free (out, FALSE);
}

void
da_provider_stream_async (DaProvider          *self,
                          DaRequest           *request,
                          DaMessage           *reply,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (DA_IS_PROVIDER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (DA_IS_MESSAGE (reply));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  DA_PROVIDER_GET_CLASS (self)->stream_async (self, request, reply, cancellable, callback, user_data);
}

gboolean
da_provider_stream_finish (DaProvider    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DA_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return DA_PROVIDER_GET_CLASS (self)->stream_finish (self, result, error);
}

void
da_provider_list_models_async (DaProvider          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (DA_IS_PROVIDER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  DA_PROVIDER_GET_CLASS (self)->list_models_async (self, cancellable, callback, user_data);
}

GStrv
da_provider_list_models_finish (DaProvider    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (DA_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return DA_PROVIDER_GET_CLASS (self)->list_models_finish (self, result, error);
}
