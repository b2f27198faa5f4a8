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

/* One conversation: the messages the chat view shows, the agent that
 * answers, and its place in the history database. The agent
 * (libdenoagents) builds the request from the history and streams its
 * reply into a DaMessage; the store follows a streaming message by itself,
 * so every message is saved as it happens. Messages of a stored
 * conversation are loaded off the main loop the first time it is shown:
 * the newest page first, so the end of a long conversation is on screen
 * at once ("latest-loaded"), then everything before it ("loaded"; only
 * then can the person send, as the model is sent the whole history).
 * The API key is looked up in the keyring when the first message is sent
 * and handed to the provider, nowhere else. */

struct _DaChatSession
{
  GObject           parent_instance;

  DaStore          *store;
  gint64            conversation_id;
  char             *title;
  char             *agent_name;
  DaAgentSpec      *spec;
  gboolean          pinned;
  gboolean          loaded;
  gboolean          latest_loaded;
  gint64            earliest_loaded_id;
  char             *pending_send;
  gint64            updated_at;
  GCancellable     *load_cancellable;

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
  PROP_LOADED,
  PROP_LATEST_LOADED,
  PROP_PINNED,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  STORE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DaChatSession, da_chat_session, G_TYPE_OBJECT)

static void
report (DaChatSession *self,
        const GError  *error)
{
  g_warning ("History: %s", error->message);
  g_signal_emit (self, signals[STORE_ERROR], 0, error->message);
}

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

/* Creates the conversation's row on its first message. */
static gboolean
ensure_stored (DaChatSession *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (self->store == NULL)
    return FALSE;
  if (self->conversation_id >= 0)
    return TRUE;

  id = da_store_create_conversation (self->store, da_chat_session_get_title (self),
                                     self->agent_name, &error);
  if (id < 0)
    {
      report (self, error);
      return FALSE;
    }

  self->conversation_id = id;
  if (self->pinned)
    da_store_set_pinned (self->store, id, TRUE, NULL);

  return TRUE;
}

static void
append_message (DaChatSession *self,
                DaMessage     *message)
{
  g_autoptr(GError) error = NULL;

  g_list_store_append (self->messages, message);
  if (ensure_stored (self) && da_message_get_id (message) < 0 &&
      !da_store_add_message (self->store, self->conversation_id, message, &error))
    report (self, error);
}

static void
reply_started_cb (DaChatSession *self,
                  DaMessage     *reply,
                  DaAgent       *agent)
{
  g_set_object (&self->reply, reply);
  append_message (self, reply);
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
record_usage (DaChatSession *self,
              DaMessage     *reply)
{
  g_autoptr(GError) error = NULL;
  gint64 prompt = da_message_get_prompt_tokens (reply);
  gint64 completion = da_message_get_completion_tokens (reply);

  if ((prompt <= 0 && completion <= 0) || self->conversation_id < 0 ||
      da_message_get_id (reply) < 0)
    return;

  if (!da_store_add_usage (self->store, self->conversation_id, da_message_get_id (reply),
                           self->agent_name, self->spec ? self->spec->provider_kind : NULL,
                           self->spec ? self->spec->model : NULL, prompt, completion, &error))
    report (self, error);
}

static void
fail_before_reply (DaChatSession *self,
                   const char    *message)
{
  g_autoptr(DaMessage) failed = da_message_new (DA_ROLE_ASSISTANT, self->agent_name, "");

  da_message_set_error_message (failed, message);
  da_message_set_state (failed, DA_MESSAGE_STATE_ERROR);
  append_message (self, failed);
  set_busy (self, NULL);
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
    append_message (self, reply);
  if (reply != NULL)
    record_usage (self, reply);

  if (error != NULL && self->reply == NULL)
    {
      /* Nothing streamed (e.g. no provider could be made): show why. */
      g_clear_object (&self->reply);
      fail_before_reply (self, error->message);
      touch (self);
      return;
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
key_lookup_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DaChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaProvider) provider = g_object_steal_data (G_OBJECT (self), "pending-provider");
  g_autoptr(JsonObject) tool_config = NULL;
  char *key;

  key = da_keyring_lookup_finish (result, &error);
  if (error != NULL)
    {
      da_keyring_secret_free (key);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_busy (self, NULL);
      else
        fail_before_reply (self, error->message);
      return;
    }

  if (key != NULL)
    da_provider_set_api_key (provider, key);
  da_keyring_secret_free (key);

  self->agent = da_assistant_agent_new (self->agent_name, provider);
  if (self->spec->system_message != NULL && *self->spec->system_message != '\0')
    da_conversable_agent_set_system_message (DA_CONVERSABLE_AGENT (self->agent),
                                             self->spec->system_message);
  if (self->spec->temperature >= 0)
    da_conversable_agent_set_temperature (DA_CONVERSABLE_AGENT (self->agent), self->spec->temperature);
  if (self->spec->max_tokens > 0)
    da_conversable_agent_set_max_tokens (DA_CONVERSABLE_AGENT (self->agent), self->spec->max_tokens);
  g_signal_connect_object (self->agent, "reply-started", G_CALLBACK (reply_started_cb),
                           self, G_CONNECT_SWAPPED);
  /* The agent's own tools and permissions, unless a caller set others. */
  if (self->tool_config != NULL)
    tool_config = json_object_ref (self->tool_config);
  else if (self->spec->tools != NULL && self->spec->tools[0] != NULL)
    tool_config = da_agent_spec_to_object (self->spec);
  if (tool_config != NULL &&
      !da_app_security_equip_agent (da_app_security_get_default (), DA_CONVERSABLE_AGENT (self->agent),
                                    tool_config, &error))
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
  g_autoptr(DaProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  set_busy (self, cancellable);

  if (self->agent != NULL)
    {
      generate (self);
      return;
    }

  if (self->spec == NULL || self->spec->provider_kind == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The agent “%s” is no longer in the agent library."),
                                               self->agent_name);

      fail_before_reply (self, text);
      return;
    }

  provider = da_provider_new_for_kind (self->spec->provider_kind, self->spec->base_url, &error);
  if (provider == NULL)
    {
      fail_before_reply (self, error->message);
      return;
    }
  if (self->spec->model != NULL && *self->spec->model != '\0')
    da_provider_set_default_model (provider, self->spec->model);

  da_keyring_lookup_async (self->spec->provider_kind, da_provider_get_base_url (provider),
                           cancellable, key_lookup_cb, g_object_ref (self));
  g_object_set_data_full (G_OBJECT (self), "pending-provider",
                          g_steal_pointer (&provider), g_object_unref);
}

static void
da_chat_session_dispose (GObject *object)
{
  DaChatSession *self = DA_CHAT_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
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
  g_clear_object (&self->store);
  g_clear_pointer (&self->spec, da_agent_spec_free);
  g_free (self->title);
  g_free (self->agent_name);
  g_free (self->pending_send);

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
      g_value_set_string (value, da_chat_session_get_title (self));
      break;

    case PROP_AGENT_NAME:
      g_value_set_string (value, self->agent_name);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, da_chat_session_get_busy (self));
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    case PROP_LATEST_LOADED:
      g_value_set_boolean (value, self->latest_loaded);
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
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LATEST_LOADED] =
    g_param_spec_boolean ("latest-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The history could not be written; the conversation goes on in memory. */
  signals[STORE_ERROR] = g_signal_new ("store-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
da_chat_session_init (DaChatSession *self)
{
  self->messages = g_list_store_new (DA_TYPE_MESSAGE);
  self->user = da_user_proxy_agent_new ("user");
  self->updated_at = g_get_real_time ();
  self->conversation_id = -1;
}

/* A new conversation; it is stored when its first message is sent. */
DaChatSession *
da_chat_session_new (DaStore           *store,
                     const DaAgentSpec *agent)
{
  DaChatSession *self;

  g_return_val_if_fail (store == NULL || DA_IS_STORE (store), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  self = g_object_new (DA_TYPE_CHAT_SESSION, NULL);
  self->store = store ? g_object_ref (store) : NULL;
  self->agent_name = g_strdup (agent->name);
  self->spec = da_agent_spec_copy (agent);
  self->loaded = TRUE;
  self->latest_loaded = TRUE;

  return self;
}

/* A stored conversation; @agent is NULL when its agent was deleted. */
DaChatSession *
da_chat_session_new_for_conversation (DaStore           *store,
                                      DaConversation    *conversation,
                                      const DaAgentSpec *agent)
{
  DaChatSession *self;
  const char *agent_name;

  g_return_val_if_fail (DA_IS_STORE (store), NULL);
  g_return_val_if_fail (DA_IS_CONVERSATION (conversation), NULL);

  agent_name = da_conversation_get_team_name (conversation);
  self = g_object_new (DA_TYPE_CHAT_SESSION, NULL);
  self->store = g_object_ref (store);
  self->conversation_id = da_conversation_get_id (conversation);
  self->title = g_strdup (da_conversation_get_title (conversation));
  self->pinned = da_conversation_get_pinned (conversation);
  self->updated_at = da_conversation_get_updated_at (conversation);
  self->agent_name = g_strdup (agent ? agent->name : agent_name ? agent_name : _("Assistant"));
  self->spec = agent ? da_agent_spec_copy (agent) : NULL;

  return self;
}

gint64
da_chat_session_get_conversation_id (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), -1);

  return self->conversation_id;
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
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (!da_set_str (&self->title, title))
    return;

  if (self->conversation_id >= 0 &&
      !da_store_rename_conversation (self->store, self->conversation_id, da_chat_session_get_title (self), &error))
    report (self, error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
da_chat_session_get_agent_name (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), NULL);

  return self->agent_name;
}

/* The agent was edited in the library: the next reply uses the new
 * settings. */
void
da_chat_session_set_agent (DaChatSession     *self,
                           const DaAgentSpec *agent)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  g_clear_pointer (&self->spec, da_agent_spec_free);
  self->spec = agent ? da_agent_spec_copy (agent) : NULL;
  if (!da_chat_session_get_busy (self))
    g_clear_object (&self->agent);
}

gboolean
da_chat_session_get_busy (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
da_chat_session_get_loaded (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  return self->loaded;
}

/* The first page: what a long conversation shows when it opens. */
#define LATEST_PAGE 40

static void
set_loaded (DaChatSession *self,
            gboolean       latest,
            gboolean       all)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (latest && !self->latest_loaded)
    {
      self->latest_loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST_LOADED]);
    }
  if (all && !self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  /* What the person sent while the history was still coming goes now. */
  if (self->loaded && self->pending_send != NULL)
    {
      g_autofree char *text = g_steal_pointer (&self->pending_send);

      da_chat_session_send (self, text);
    }
}

static void
earlier_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DaChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = da_store_load_messages_before_finish (DA_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  if (messages == NULL)
    report (self, error);
  else
    g_list_store_splice (self->messages, 0, 0, messages->pdata, messages->len);

  set_loaded (self, TRUE, TRUE);
}

static gboolean
load_earlier_cb (gpointer user_data)
{
  DaChatSession *self = user_data;

  if (self->load_cancellable == NULL || g_cancellable_is_cancelled (self->load_cancellable))
    return G_SOURCE_REMOVE;

  da_store_load_messages_before_async (self->store, self->conversation_id, self->earliest_loaded_id, 0,
                                       self->load_cancellable, earlier_loaded_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
latest_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DaChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = da_store_load_messages_before_finish (DA_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (messages == NULL)
    {
      g_clear_object (&self->load_cancellable);
      report (self, error);
      set_loaded (self, TRUE, TRUE);
      return;
    }

  g_list_store_splice (self->messages, 0, 0, messages->pdata, messages->len);
  if (messages->len < LATEST_PAGE)
    {
      g_clear_object (&self->load_cancellable);
      set_loaded (self, TRUE, TRUE);
      return;
    }

  /* The rest in one go, read in a worker thread (the chat view only makes
   * rows for what is in view), once the main loop is idle: on a small
   * machine the thread would otherwise take a core from the first frame
   * that shows the newest page. */
  self->earliest_loaded_id = da_message_get_id (g_ptr_array_index (messages, 0));
  g_idle_add_full (G_PRIORITY_LOW, load_earlier_cb, g_object_ref (self), g_object_unref);
  set_loaded (self, TRUE, FALSE);
}

/* Loads the messages of a stored conversation, once, off the main loop:
 * the newest first. */
void
da_chat_session_load (DaChatSession *self)
{
  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  if (self->loaded || self->load_cancellable != NULL)
    return;

  self->load_cancellable = g_cancellable_new ();
  da_store_load_messages_before_async (self->store, self->conversation_id, 0, LATEST_PAGE,
                                       self->load_cancellable, latest_loaded_cb, g_object_ref (self));
}

/* The newest messages are in; earlier ones may still be on their way. */
gboolean
da_chat_session_get_latest_loaded (DaChatSession *self)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  return self->latest_loaded;
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
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  pinned = !!pinned;
  if (self->pinned == pinned)
    return;

  self->pinned = pinned;
  if (self->conversation_id >= 0 &&
      !da_store_set_pinned (self->store, self->conversation_id, pinned, &error))
    report (self, error);
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

/* The position of a stored message, or G_MAXUINT. */
guint
da_chat_session_find_message (DaChatSession *self,
                              gint64         message_id)
{
  guint n;

  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), G_MAXUINT);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DaMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (da_message_get_id (message) == message_id)
        return i;
    }

  return G_MAXUINT;
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

  /* The model is sent the whole history: a message written while it is
   * still being read waits for it (a fraction of a second). */
  if (!self->loaded)
    {
      if (self->load_cancellable != NULL && self->pending_send == NULL)
        self->pending_send = g_strdup (text);
      return;
    }

  if (self->title == NULL)
    {
      /* The first line of the first message names the conversation. */
      g_autofree char *first = g_strndup (text, strcspn (text, "\n"));
      g_autofree char *title = g_utf8_substring (g_strstrip (first), 0,
                                                 MIN (48, g_utf8_strlen (first, -1)));

      da_chat_session_set_title (self, title);
    }

  message = da_message_new (DA_ROLE_USER, "user", text);
  append_message (self, message);
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

/* Drops the last reply if it failed or was cut short, from the list and
 * from the history database, and asks again. */
void
da_chat_session_retry (DaChatSession *self)
{
  guint n;

  g_return_if_fail (DA_IS_CHAT_SESSION (self));

  /* Like sending, only with the whole history in. */
  if (da_chat_session_get_busy (self) || !self->loaded)
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

      if (self->store != NULL && da_message_get_id (last) >= 0)
        {
          g_autoptr(GError) error = NULL;

          /* Already gone is as good as deleted; anything else is reported
           * and the failed reply stays where the person can see it. */
          if (!da_store_delete_message (self->store, da_message_get_id (last), &error) &&
              !g_error_matches (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND))
            {
              report (self, error);
              return;
            }
          da_message_set_id (last, -1);
        }
      g_list_store_remove (self->messages, n - 1);
      touch (self);
      start_reply (self);
    }
}

/* Removes the conversation from the history database for good. */
gboolean
da_chat_session_delete_stored (DaChatSession  *self,
                               GError        **error)
{
  g_return_val_if_fail (DA_IS_CHAT_SESSION (self), FALSE);

  da_chat_session_stop (self);
  if (self->conversation_id < 0)
    return TRUE;

  if (!da_store_delete_conversation (self->store, self->conversation_id, error))
    return FALSE;

  self->conversation_id = -1;
  return TRUE;
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
