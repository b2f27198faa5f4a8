/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-util.h"
#include "da-agent.h"

typedef struct
{
  char       *name;
  char       *description;
  char       *stop_reason;
  /* peer name → GPtrArray of DaMessage; created on first use so that an
   * idle agent costs no table. */
  GHashTable *histories;
} DaAgentPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DaAgent, da_agent, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_STOP_REASON,
  N_PROPS
};

enum {
  REPLY_STARTED,
  REPLY_COMPLETED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
da_agent_real_prepare_chat (DaAgent *self,
                            DaAgent *peer)
{
  da_agent_clear_history (self, peer);
}

static void
da_agent_constructed (GObject *object)
{
  DaAgent *self = DA_AGENT (object);
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  G_OBJECT_CLASS (da_agent_parent_class)->constructed (object);

  if (priv->name == NULL || priv->name[0] == '\0')
    {
      g_critical ("%s created without a name", G_OBJECT_TYPE_NAME (object));
      da_set_str (&priv->name, "agent");
    }
}

static void
da_agent_finalize (GObject *object)
{
  DaAgent *self = (DaAgent *)object;
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->description, g_free);
  g_clear_pointer (&priv->stop_reason, g_free);
  g_clear_pointer (&priv->histories, g_hash_table_unref);

  G_OBJECT_CLASS (da_agent_parent_class)->finalize (object);
}

static void
da_agent_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  DaAgent *self = DA_AGENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, da_agent_get_name (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, da_agent_get_description (self));
      break;
    case PROP_STOP_REASON:
      g_value_set_string (value, da_agent_get_stop_reason (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_agent_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  DaAgent *self = DA_AGENT (object);
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      da_set_str (&priv->name, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      da_agent_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_agent_class_init (DaAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = da_agent_constructed;
  object_class->finalize = da_agent_finalize;
  object_class->get_property = da_agent_get_property;
  object_class->set_property = da_agent_set_property;

  klass->prepare_chat = da_agent_real_prepare_chat;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STOP_REASON] =
    g_param_spec_string ("stop-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaAgent::reply-started:
   * @reply: the reply being streamed
   *
   * Emitted before the first delta of a streamed reply, so that
   * listeners can connect to its #DaMessage::delta signal.
   */
  signals[REPLY_STARTED] =
    g_signal_new ("reply-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DA_TYPE_MESSAGE);

  /**
   * DaAgent::reply-completed:
   * @reply: a streamed reply that is final
   *
   * Emitted when a streamed reply is final before the agent's turn ends:
   * a reply that asks for tools, before the tools run. Chats announce it
   * then, so that its tool calls come before their results.
   */
  signals[REPLY_COMPLETED] =
    g_signal_new ("reply-completed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DA_TYPE_MESSAGE);
}

static void
da_agent_init (DaAgent *self)
{
}

const char *
da_agent_get_name (DaAgent *self)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_AGENT (self), NULL);
  return priv->name;
}

const char *
da_agent_get_description (DaAgent *self)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_AGENT (self), NULL);
  return priv->description;
}

void
da_agent_set_description (DaAgent    *self,
                          const char *description)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_AGENT (self));

  if (da_set_str (&priv->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/**
 * da_agent_get_history:
 * @peer: the other agent
 *
 * Returns: (transfer none) (element-type DaMessage): the messages this
 *   agent sent to or received from @peer, oldest first
 */
GPtrArray *
da_agent_get_history (DaAgent *self,
                      DaAgent *peer)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);
  const char *peer_name;
  GPtrArray *history;

  g_return_val_if_fail (DA_IS_AGENT (self), NULL);
  g_return_val_if_fail (DA_IS_AGENT (peer), NULL);

  peer_name = da_agent_get_name (peer);

  if (priv->histories == NULL)
    priv->histories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_ptr_array_unref);

  history = g_hash_table_lookup (priv->histories, peer_name);
  if (history == NULL)
    {
      history = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (priv->histories, g_strdup (peer_name), history);
    }

  return history;
}

/**
 * da_agent_clear_history:
 * @peer: (nullable): the peer whose history to forget, or %NULL for all
 */
void
da_agent_clear_history (DaAgent *self,
                        DaAgent *peer)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (peer == NULL || DA_IS_AGENT (peer));

  if (priv->histories == NULL)
    return;

  if (peer == NULL)
    g_hash_table_remove_all (priv->histories);
  else
    g_hash_table_remove (priv->histories, da_agent_get_name (peer));
}

/**
 * da_agent_receive:
 *
 * Records @message, from @sender, in this agent's history with @sender.
 * It does not ask for a reply: the chat does that with
 * da_agent_generate_reply_async().
 */
void
da_agent_receive (DaAgent   *self,
                  DaMessage *message,
                  DaAgent   *sender)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (DA_IS_MESSAGE (message));
  g_return_if_fail (DA_IS_AGENT (sender));

  g_ptr_array_add (da_agent_get_history (self, sender), g_object_ref (message));
}

/**
 * da_agent_send:
 *
 * Records @message in this agent's history with @recipient and delivers
 * it to @recipient (da_agent_receive()).
 */
void
da_agent_send (DaAgent   *self,
               DaMessage *message,
               DaAgent   *recipient)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (DA_IS_MESSAGE (message));
  g_return_if_fail (DA_IS_AGENT (recipient));

  g_ptr_array_add (da_agent_get_history (self, recipient), g_object_ref (message));
  da_agent_receive (recipient, message, self);
}

/**
 * da_agent_prepare_chat:
 *
 * Starts afresh with @peer, as AutoGen's initiate_chat() does with
 * clear_history: the history with @peer is dropped and per-peer
 * counters are reset.
 */
void
da_agent_prepare_chat (DaAgent *self,
                       DaAgent *peer)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (DA_IS_AGENT (peer));

  DA_AGENT_GET_CLASS (self)->prepare_chat (self, peer);
}

/**
 * da_agent_generate_reply_async:
 * @messages: (element-type DaMessage): this agent's history with @sender
 * @sender: the agent to answer
 *
 * Asks the agent for its next message to @sender.
 */
void
da_agent_generate_reply_async (DaAgent             *self,
                               GPtrArray           *messages,
                               DaAgent             *sender,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (DA_IS_AGENT (sender));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  da_agent_set_stop_reason (self, NULL);
  DA_AGENT_GET_CLASS (self)->generate_reply_async (self, messages, sender, cancellable,
                                                   callback, user_data);
}

/**
 * da_agent_generate_reply_finish:
 *
 * Returns: (transfer full) (nullable): the reply; %NULL without an error
 *   when the agent ends the conversation (see da_agent_get_stop_reason())
 */
DaMessage *
da_agent_generate_reply_finish (DaAgent       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (DA_IS_AGENT (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return DA_AGENT_GET_CLASS (self)->generate_reply_finish (self, result, error);
}

/**
 * da_agent_get_stop_reason:
 *
 * Returns: (nullable): why the last reply request ended the conversation,
 *   e.g. "max_consecutive_auto_reply"
 */
const char *
da_agent_get_stop_reason (DaAgent *self)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_AGENT (self), NULL);
  return priv->stop_reason;
}

void
da_agent_set_stop_reason (DaAgent    *self,
                          const char *reason)
{
  DaAgentPrivate *priv = da_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_AGENT (self));

  if (da_set_str (&priv->stop_reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_REASON]);
}

void
da_agent_emit_reply_started (DaAgent   *self,
                             DaMessage *reply)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (DA_IS_MESSAGE (reply));

  g_signal_emit (self, signals[REPLY_STARTED], 0, reply);
}

void
da_agent_emit_reply_completed (DaAgent   *self,
                               DaMessage *reply)
{
  g_return_if_fail (DA_IS_AGENT (self));
  g_return_if_fail (DA_IS_MESSAGE (reply));

  g_signal_emit (self, signals[REPLY_COMPLETED], 0, reply);
}
