/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-app-security.h"
#include "da-assistant-agent.h"
#include "da-chat-session.h"
#include "da-keyring.h"
#include "da-message.h"
#include "da-provider-factory.h"
#include "da-user-proxy-agent.h"
#include "da-util.h"

/* One open conversation: the messages the chat view shows, and the agent
 * that answers. The agent (libdenoagents) builds the request from the
 * history and streams its reply into a DaMessage; this object only keeps
 * the list and the cancellable. The API key is looked up in the keyring
 * when the first message is sent and handed to the provider, nowhere else. */

struct _DaChatSession
{
  GObject           parent_instance;

  char             *title;
  char             *agent_name;
  char             *system_message;
  char             *provider_kind;
  char             *base_url;
  char             *model;
  gboolean          pinned;
  gint64            updated_at;

  GListStore       *messages;
  DaUserProxyAgent *user;
  DaAssistantAgent *agent;
  GCancellable     *cancellable;
  DaMessage        *reply;
  JsonObject       *tool_config;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_AGENT_NAME,
  PROP_BUSY,
  PROP_PINNED,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DaChatSession, da_chat_session, G_TYPE_OBJECT)

static void
touch (DaChatSession *self)
{
  self->updated_at = g_get_real_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

static void
set_busy (DaChatSession *self,
          GCancellable  *cancellable)
{
  gboolean was_busy = self->cancellable != NULL;

  g_set_object (&self->cancellable, cancellable);
  if (was_busy != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
reply_started_cb (DaChatSession *self,
                  DaMessage     *reply,
                  DaAgent       *agent)
{
  g_set_object (&self->reply, reply);
  g_list_store_append (self->messages, reply);
  touch (self);
}

static GPtrArray *
history (DaChatSession *self)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  /* Failed replies are shown to the person but not sent back to the model. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (da_message_get_state (message) == DA_MESSAGE_STATE_COMPLETE ||
          da_message_get_state (message) == DA_MESSAGE_STATE_INCOMPLETE)
        g_ptr_array_add (messages, g_steal_pointer (&message));
    }

  return messages;
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DaChatSession) self = user_data;
  g_autoptr(DaMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = da_agent_generate_reply_finish (DA_AGENT (object), result, &error);

  /* An agent without a provider answers with a finished message that
   * never went through reply-started. */
  if (reply != NULL && reply != self->reply)
    g_list_store_append (self->messages, reply);

  if (error != NULL && self->reply == NULL)
    {
      /* Nothing streamed (e.g. no provider could be made): show why. */
      g_autoptr(DaMessage) failed = da_message_new (DA_ROLE_ASSISTANT, self->agent_name, "");

      da_message_set_error_message (failed, error->message);
      da_message_set_state (failed, DA_MESSAGE_STATE_ERROR);
      g_list_store_append (self->messages, failed);
    }

  g_clear_object (&self->reply);
  touch (self);
  set_busy (self, NULL);
}

static void
generate (DaChatSession *self)
{
  g_autoptr(GPtrArray) messages = history (self);

  da_conversable_agent_reset_consecutive_auto_reply_counter (DA_CONVERSABLE_AGENT (self->agent),
                                                             DA_AGENT (self->user));
  da_agent_generate_reply_async (DA_AGENT (self->agent), messages, DA_AGENT (self->user),
                                 self->cancellable, reply_cb, g_object_ref (self));
}

static void
fail_before_reply (DaChatSession *self,
                   const char    *message)
{
  g_autoptr(DaMessage) failed = da_message_new (DA_ROLE_ASSISTANT, self->agent_name, "");

  da_message_set_error_message (failed, message);
  da_message_set_state (failed, DA_MESSAGE_STATE_ERROR);
  g_list_store_append (self->messages, failed);
  set_busy (self, NULL);
}

static void
key_lookup_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DaChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = NULL;
  char *key;

  key = da_keyring_lookup_finish (result, &error);
  if (error != NULL)
    {
      fail_before_reply (self, error->message);
      return;
    }

  provider = da_provider_new_for_kind (self->provider_kind, self->base_url, &error);
  if (provider == NULL)
    {
      da_keyring_secret_free (key);
      fail_before_reply (self, error->message);
      return;
    }

  if (key != NULL)
    da_provider_set_api_key (provider, key);
  da_keyring_secret_free (key);
  if (self->model != NULL && *self->model != '\0')
    da_provider_set_default_model (provider, self->model);

  self->agent = da_assistant_agent_new (self->agent_name, provider);
  if (self->system_message != NULL && *self->system_message != '\0')
    da_conversable_agent_set_system_message (DA_CONVERSABLE_AGENT (self->agent), self->system_message);
  g_signal_connect_object (self->agent, "reply-started", G_CALLBACK (reply_started_cb),
                           self, G_CONNECT_SWAPPED);
  if (self->tool_config != NULL &&
      !da_app_security_equip_agent (da_app_security_get_default (), DA_CONVERSABLE_AGENT (self->agent),
                                    self->tool_config, &error))
    {
      g_clear_object (&self->agent);
      fail_before_reply (self, error->message);
      return;
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      set_busy (self, NULL);
      return;
    }

  generate (self);
}

static void
start_reply (DaChatSession *self)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  set_busy (self, cancellable);

  if (self->agent != NULL)
    generate (self);
  else
    da_keyring_lookup_async (self->provider_kind, self->base_url, cancellable,
                             key_lookup_cb, g_object_ref (self));
}

static void
da_chat_session_dispose (GObject *object)
{
  DaChatSession *self = DA_CHAT_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->reply);
  g_clear_object (&self->agent);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (da_chat_session_parent_class)->dispose (object);
}

static void
da_chat_session_finalize (GObject *object)
{
  DaChatSession *self = DA_CHAT_SESSION (object);

  g_clear_object (&self->messages);
  g_clear_pointer (&self->tool_config, json_object_unref);
  g_free (self->title);
  g_free (self->agent_name);
  g_free (self->system_message);
  g_free (self->provider_kind);
  g_free (self->base_url);
  g_free (self->model);

  G_OBJECT_CLASS (da_chat_session_parent_class)->finalize (object);
}

static void
da_chat_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DaChatSession *self = DA_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_AGENT_NAME:
      g_value_set_string (value, self->agent_name);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, da_chat_session_get_busy (self));
      break;

    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_session_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DaChatSession *self = DA_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      da_chat_session_set_title (self, g_value_get_string (value));
      break;

    case PROP_PINNED:
      da_chat_session_set_pinned (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_chat_session_class_init (DaChatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_chat_session_dispose;
  object_class->finalize = da_chat_session_finalize;
  object_class->get_property = da_chat_session_get_property;
  object_class->set_property = da_chat_session_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AGENT_NAME] =
    g_param_spec_string ("agent-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_chat_session_init (DaChatSession *self)
{
  self->messages = g_list_store_new (DA_TYPE_MESSAGE);
  self->user = da_user_proxy_agent_new ("user");
  self->updated_at = g_get_real_time ();
}

DaChatSession *
da_chat_session_new (const char *agent_name,
                     const char *system_message,
                     const char *provider_kind,
                     const char *base_url,
                     const char *model)
{
  DaChatSession *self;

  g_return_val_if_fail (agent_name != NULL, NULL);
  g_return_val_if_fail (provider_kind != NULL, NULL);

  self = g_object_new (DA_TYPE_CHAT_SESSION, NULL);
  self->agent_name = g_strdup (agent_name);
  self->system_message = g_strdup (system_message);
  self->provider_kind = g_strdup (provider_kind);
  self->base_url = g_strdup (base_url);
  self->model = g_strdup (model);

  return self;
}

const char *
da_chat_session_get_title (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), NULL);

  return self->title ? self->title : _("New Chat");
}

void
da_chat_session_set_title (DaChatSession *self,
                           const char    *title)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (da_set_str (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
da_chat_session_get_agent_name (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), NULL);

  return self->agent_name;
}

gboolean
da_chat_session_get_busy (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
da_chat_session_get_pinned (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  return self->pinned;
}

void
da_chat_session_set_pinned (DaChatSession *self,
                            gboolean       pinned)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  pinned = !!pinned;
  if (self->pinned == pinned)
    return;

  self->pinned = pinned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

gint64
da_chat_session_get_updated_at (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), 0);

  return self->updated_at;
}

GListModel *
da_chat_session_get_messages (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), NULL);

  return G_LIST_MODEL (self->messages);
}

void
da_chat_session_send (DaChatSession *self,
                      const char    *text)
{
  g_autoptr(DaMessage) message = NULL;

  g_return_if_fail (DA_IS_CHAT_SESSION (self));
  g_return_if_fail (text != NULL);

  if (da_chat_session_get_busy (self))
    return;

  if (self->title == NULL)
    {
      /* The first line of the first message names the conversation. */
      g_autofree char *first = g_strndup (text, strcspn (text, "\n"));
      g_autofree char *title = g_utf8_substring (g_strstrip (first), 0,
                                                 MIN (48, g_utf8_strlen (first, -1)));

      da_chat_session_set_title (self, title);
    }

  message = da_message_new (DA_ROLE_USER, "user", text);
  g_list_store_append (self->messages, message);
  touch (self);
  start_reply (self);
}

void
da_chat_session_stop (DaChatSession *self)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* Drops the last reply if it failed or was cut short, and asks again. */
void
da_chat_session_retry (DaChatSession *self)
{
  guint n;

  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (da_chat_session_get_busy (self))
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  if (n > 0)
    {
      g_autoptr(DaMessage) last = g_list_model_get_item (G_LIST_MODEL (self->messages), n - 1);

      if (da_message_get_role (last) == DA_ROLE_USER)
        {
          start_reply (self);
          return;
        }

      if (da_message_get_state (last) != DA_MESSAGE_STATE_ERROR &&
          da_message_get_state (last) != DA_MESSAGE_STATE_INCOMPLETE)
        return;

      g_list_store_remove (self->messages, n - 1);
      start_reply (self);
    }
}

/**
 * da_chat_session_set_tool_config:
 * @config: (nullable): the agent's team-file object; its "tools" and
 *   "permissions" give the agent built-in tools, asked for through the
 *   permission dialog
 *
 * Takes effect when the agent is made, before the first reply.
 */
void
da_chat_session_set_tool_config (DaChatSession *self,
                                 JsonObject    *config)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (config != NULL)
    json_object_ref (config);
  g_clear_pointer (&self->tool_config, json_object_unref);
  self->tool_config = config;
}
