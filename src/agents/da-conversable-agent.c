/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include <string.h>

#include "da-util.h"
#include "da-agent-error.h"
#include "da-agents-enums.h"
#include "da-conversable-agent-private.h"

/**
 * DaConversableAgent:
 *
 * AutoGen's ConversableAgent: answers its peer through its provider when
 * it has one, else with its default auto reply; asks its human according
 * to #DaConversableAgent:human-input-mode; ends the conversation on a
 * termination message or when its consecutive auto replies to one
 * sender reach #DaConversableAgent:max-consecutive-auto-reply.
 *
 * The context sent to the provider is the system message followed by
 * the history with the sender. When #DaConversableAgent:context-max-tokens
 * is set, the oldest non-system messages are dropped until the estimate
 * fits; the estimate is bytes / 4, rounded up, over the content and tool
 * calls of each message (see da_estimate_tokens()). The newest message is
 * always kept.
 */

G_DEFINE_TYPE_WITH_PRIVATE (DaConversableAgent, da_conversable_agent, DA_TYPE_AGENT)

enum {
  PROP_0,
  PROP_SYSTEM_MESSAGE,
  PROP_DEFAULT_AUTO_REPLY,
  PROP_MAX_CONSECUTIVE_AUTO_REPLY,
  PROP_TERMINATION_MODE,
  PROP_TERMINATION_PATTERN,
  PROP_HUMAN_INPUT_MODE,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_TEMPERATURE,
  PROP_MAX_TOKENS,
  PROP_CONTEXT_MAX_TOKENS,
  PROP_TOOLBOX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DaConversableAgentPrivate *
_da_conversable_agent_get_private (DaConversableAgent *self)
{
  return da_conversable_agent_get_instance_private (self);
}

static gboolean
compile_termination (DaConversableAgentPrivate  *priv,
                     GError                    **error)
{
  g_clear_pointer (&priv->termination_regex, g_regex_unref);

  if (priv->termination_mode != DA_TERMINATION_MODE_REGEX)
    return TRUE;

  priv->termination_regex = g_regex_new (priv->termination_pattern,
                                         G_REGEX_OPTIMIZE, 0, error);
  return priv->termination_regex != NULL;
}

static void
recompile_or_warn (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  if (!compile_termination (priv, &error))
    g_warning ("Agent %s: invalid termination regex, no message will match: %s",
               da_agent_get_name (DA_AGENT (self)), error->message);
}

static void
da_conversable_agent_prepare_chat (DaAgent *agent,
                                   DaAgent *peer)
{
  DaConversableAgent *self = DA_CONVERSABLE_AGENT (agent);

  da_conversable_agent_reset_consecutive_auto_reply_counter (self, peer);

  DA_AGENT_CLASS (da_conversable_agent_parent_class)->prepare_chat (agent, peer);
}

static void
da_conversable_agent_dispose (GObject *object)
{
  DaConversableAgent *self = (DaConversableAgent *)object;
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  da_conversable_agent_set_human_input_handler (self, NULL, NULL, NULL);
  g_clear_object (&priv->provider);
  g_clear_object (&priv->toolbox);
  g_clear_pointer (&priv->handoffs, g_strfreev);
  g_clear_pointer (&priv->last_request, da_request_unref);

  G_OBJECT_CLASS (da_conversable_agent_parent_class)->dispose (object);
}

static void
da_conversable_agent_finalize (GObject *object)
{
  DaConversableAgent *self = (DaConversableAgent *)object;
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_clear_pointer (&priv->system_message, g_free);
  g_clear_pointer (&priv->default_auto_reply, g_free);
  g_clear_pointer (&priv->auto_reply_counts, g_hash_table_unref);
  g_clear_pointer (&priv->termination_pattern, g_free);
  g_clear_pointer (&priv->termination_regex, g_regex_unref);
  g_clear_pointer (&priv->model, g_free);

  G_OBJECT_CLASS (da_conversable_agent_parent_class)->finalize (object);
}

static void
da_conversable_agent_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DaConversableAgent *self = DA_CONVERSABLE_AGENT (object);
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SYSTEM_MESSAGE:
      g_value_set_string (value, priv->system_message);
      break;
    case PROP_DEFAULT_AUTO_REPLY:
      g_value_set_string (value, priv->default_auto_reply);
      break;
    case PROP_MAX_CONSECUTIVE_AUTO_REPLY:
      g_value_set_uint (value, priv->max_consecutive_auto_reply);
      break;
    case PROP_TERMINATION_MODE:
      g_value_set_enum (value, priv->termination_mode);
      break;
    case PROP_TERMINATION_PATTERN:
      g_value_set_string (value, priv->termination_pattern);
      break;
    case PROP_HUMAN_INPUT_MODE:
      g_value_set_enum (value, priv->human_input_mode);
      break;
    case PROP_PROVIDER:
      g_value_set_object (value, priv->provider);
      break;
    case PROP_MODEL:
      g_value_set_string (value, priv->model);
      break;
    case PROP_TEMPERATURE:
      g_value_set_double (value, priv->temperature);
      break;
    case PROP_MAX_TOKENS:
      g_value_set_int64 (value, priv->max_tokens);
      break;
    case PROP_CONTEXT_MAX_TOKENS:
      g_value_set_int64 (value, priv->context_max_tokens);
      break;
    case PROP_TOOLBOX:
      g_value_set_object (value, priv->toolbox);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_conversable_agent_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DaConversableAgent *self = DA_CONVERSABLE_AGENT (object);
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SYSTEM_MESSAGE:
      da_conversable_agent_set_system_message (self, g_value_get_string (value));
      break;
    case PROP_DEFAULT_AUTO_REPLY:
      da_conversable_agent_set_default_auto_reply (self, g_value_get_string (value));
      break;
    case PROP_MAX_CONSECUTIVE_AUTO_REPLY:
      da_conversable_agent_set_max_consecutive_auto_reply (self, g_value_get_uint (value));
      break;
    case PROP_TERMINATION_MODE:
      if (priv->termination_mode != (DaTerminationMode)g_value_get_enum (value))
        {
          priv->termination_mode = g_value_get_enum (value);
          recompile_or_warn (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_TERMINATION_PATTERN:
      if (da_set_str (&priv->termination_pattern,
                      g_value_get_string (value) != NULL ? g_value_get_string (value) : ""))
        {
          recompile_or_warn (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_HUMAN_INPUT_MODE:
      da_conversable_agent_set_human_input_mode (self, g_value_get_enum (value));
      break;
    case PROP_PROVIDER:
      da_conversable_agent_set_provider (self, g_value_get_object (value));
      break;
    case PROP_TOOLBOX:
      da_conversable_agent_set_toolbox (self, g_value_get_object (value));
      break;
    case PROP_MODEL:
      da_conversable_agent_set_model (self, g_value_get_string (value));
      break;
    case PROP_TEMPERATURE:
      da_conversable_agent_set_temperature (self, g_value_get_double (value));
      break;
    case PROP_MAX_TOKENS:
      da_conversable_agent_set_max_tokens (self, g_value_get_int64 (value));
      break;
    case PROP_CONTEXT_MAX_TOKENS:
      da_conversable_agent_set_context_max_tokens (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_conversable_agent_class_init (DaConversableAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DaAgentClass *agent_class = DA_AGENT_CLASS (klass);

  object_class->dispose = da_conversable_agent_dispose;
  object_class->finalize = da_conversable_agent_finalize;
  object_class->get_property = da_conversable_agent_get_property;
  object_class->set_property = da_conversable_agent_set_property;

  agent_class->generate_reply_async = _da_conversable_agent_generate_reply_async;
  agent_class->generate_reply_finish = _da_conversable_agent_generate_reply_finish;
  agent_class->prepare_chat = da_conversable_agent_prepare_chat;

  /* No G_PARAM_CONSTRUCT on the defaults that subclasses change in their
   * init (system message, human input mode): construction would reset
   * them. */
  properties[PROP_SYSTEM_MESSAGE] =
    g_param_spec_string ("system-message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DEFAULT_AUTO_REPLY] =
    g_param_spec_string ("default-auto-reply", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_CONSECUTIVE_AUTO_REPLY] =
    g_param_spec_uint ("max-consecutive-auto-reply", NULL, NULL,
                       0, G_MAXUINT, DA_CONVERSABLE_AGENT_DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TERMINATION_MODE] =
    g_param_spec_enum ("termination-mode", NULL, NULL,
                       DA_TYPE_TERMINATION_MODE, DA_TERMINATION_MODE_EXACT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TERMINATION_PATTERN] =
    g_param_spec_string ("termination-pattern", NULL, NULL, "TERMINATE",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HUMAN_INPUT_MODE] =
    g_param_spec_enum ("human-input-mode", NULL, NULL,
                       DA_TYPE_HUMAN_INPUT_MODE, DA_HUMAN_INPUT_TERMINATE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL, DA_TYPE_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TEMPERATURE] =
    g_param_spec_double ("temperature", NULL, NULL, -1.0, 2.0, -1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MAX_TOKENS] =
    g_param_spec_int64 ("max-tokens", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTEXT_MAX_TOKENS] =
    g_param_spec_int64 ("context-max-tokens", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The tools the model may call; see da-tool-loop.c. */
  properties[PROP_TOOLBOX] =
    g_param_spec_object ("toolbox", NULL, NULL, DA_TYPE_TOOLBOX,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_conversable_agent_init (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  priv->default_auto_reply = g_strdup ("");
  priv->max_consecutive_auto_reply = DA_CONVERSABLE_AGENT_DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY;
  priv->termination_mode = DA_TERMINATION_MODE_EXACT;
  priv->termination_pattern = g_strdup ("TERMINATE");
  priv->human_input_mode = DA_HUMAN_INPUT_TERMINATE;
  priv->temperature = -1.0;
}

DaConversableAgent *
da_conversable_agent_new (const char *name)
{
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  return g_object_new (DA_TYPE_CONVERSABLE_AGENT, "name", name, NULL);
}

const char *
da_conversable_agent_get_system_message (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->system_message;
}

void
da_conversable_agent_set_system_message (DaConversableAgent *self,
                                         const char         *system_message)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  if (da_set_str (&priv->system_message, system_message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYSTEM_MESSAGE]);
}

const char *
da_conversable_agent_get_default_auto_reply (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->default_auto_reply;
}

/**
 * da_conversable_agent_set_default_auto_reply:
 * @default_auto_reply: (nullable): the reply of an agent without a
 *   provider; %NULL is the empty reply, as in AutoGen
 */
void
da_conversable_agent_set_default_auto_reply (DaConversableAgent *self,
                                             const char         *default_auto_reply)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  if (da_set_str (&priv->default_auto_reply, default_auto_reply != NULL ? default_auto_reply : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_AUTO_REPLY]);
}

guint
da_conversable_agent_get_max_consecutive_auto_reply (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), 0);
  return priv->max_consecutive_auto_reply;
}

void
da_conversable_agent_set_max_consecutive_auto_reply (DaConversableAgent *self,
                                                     guint               max_replies)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  if (priv->max_consecutive_auto_reply == max_replies)
    return;
  priv->max_consecutive_auto_reply = max_replies;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONSECUTIVE_AUTO_REPLY]);
}

/**
 * da_conversable_agent_get_consecutive_auto_reply_count:
 *
 * Returns: how many auto replies in a row this agent has given @sender
 *   since a human last answered or the chat began
 */
guint
da_conversable_agent_get_consecutive_auto_reply_count (DaConversableAgent *self,
                                                       DaAgent            *sender)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), 0);
  g_return_val_if_fail (DA_IS_AGENT (sender), 0);

  if (priv->auto_reply_counts == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (priv->auto_reply_counts,
                                                da_agent_get_name (sender)));
}

void
_da_conversable_agent_count_auto_reply (DaConversableAgent *self,
                                        DaAgent            *sender)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  guint count = da_conversable_agent_get_consecutive_auto_reply_count (self, sender);

  if (priv->auto_reply_counts == NULL)
    priv->auto_reply_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (priv->auto_reply_counts,
                       g_strdup (da_agent_get_name (sender)),
                       GUINT_TO_POINTER (count + 1));
}

/**
 * da_conversable_agent_reset_consecutive_auto_reply_counter:
 * @sender: (nullable): the sender, or %NULL for all senders
 */
void
da_conversable_agent_reset_consecutive_auto_reply_counter (DaConversableAgent *self,
                                                           DaAgent            *sender)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (sender == NULL || DA_IS_AGENT (sender));

  if (priv->auto_reply_counts == NULL)
    return;
  if (sender == NULL)
    g_hash_table_remove_all (priv->auto_reply_counts);
  else
    g_hash_table_remove (priv->auto_reply_counts, da_agent_get_name (sender));
}

DaTerminationMode
da_conversable_agent_get_termination_mode (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), DA_TERMINATION_MODE_EXACT);
  return priv->termination_mode;
}

const char *
da_conversable_agent_get_termination_pattern (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->termination_pattern;
}

/**
 * da_conversable_agent_set_termination:
 * @pattern: the text (or regular expression) of a termination message
 *
 * Sets how termination messages are recognised. An invalid regular
 * expression is refused with %DA_AGENT_ERROR_INVALID_ARGUMENTS and leaves
 * the agent unchanged.
 */
gboolean
da_conversable_agent_set_termination (DaConversableAgent  *self,
                                      DaTerminationMode    mode,
                                      const char          *pattern,
                                      GError             **error)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (mode <= DA_TERMINATION_MODE_REGEX, FALSE);

  if (mode == DA_TERMINATION_MODE_REGEX &&
      !(regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &local_error)))
    {
      g_set_error (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_ARGUMENTS,
                   "Invalid termination regex: %s", local_error->message);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (priv->termination_mode != mode)
    {
      priv->termination_mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMINATION_MODE]);
    }
  if (da_set_str (&priv->termination_pattern, pattern))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMINATION_PATTERN]);
  g_clear_pointer (&priv->termination_regex, g_regex_unref);
  priv->termination_regex = g_steal_pointer (&regex);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * da_conversable_agent_is_termination_message:
 * @message: (nullable): a message received by this agent
 *
 * Returns: whether @message asks to end the conversation. EXACT compares
 *   the whole content with the pattern, byte for byte, as AutoGen's
 *   default does.
 */
gboolean
da_conversable_agent_is_termination_message (DaConversableAgent *self,
                                             DaMessage          *message)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  const char *content;

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), FALSE);
  g_return_val_if_fail (message == NULL || DA_IS_MESSAGE (message), FALSE);

  if (message == NULL)
    return FALSE;

  content = da_message_get_content (message);

  switch (priv->termination_mode)
    {
    case DA_TERMINATION_MODE_EXACT:
      return g_strcmp0 (content, priv->termination_pattern) == 0;
    case DA_TERMINATION_MODE_CONTAINS:
      return priv->termination_pattern[0] != '\0' && strstr (content, priv->termination_pattern) != NULL;
    case DA_TERMINATION_MODE_REGEX:
      return priv->termination_regex != NULL && g_regex_match (priv->termination_regex, content, 0, NULL);
    default:
      g_assert_not_reached ();
    }
}

DaHumanInputMode
da_conversable_agent_get_human_input_mode (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), DA_HUMAN_INPUT_NEVER);
  return priv->human_input_mode;
}

void
da_conversable_agent_set_human_input_mode (DaConversableAgent *self,
                                           DaHumanInputMode    mode)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (mode <= DA_HUMAN_INPUT_NEVER);

  if (priv->human_input_mode == mode)
    return;
  priv->human_input_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HUMAN_INPUT_MODE]);
}

/**
 * da_conversable_agent_set_human_input_handler:
 * @handler: (nullable): who answers for the human; %NULL means nobody
 *
 * Without a handler the human is absent: where the agent would ask, the
 * conversation ends with a stop reason that starts with "human_absent".
 */
void
da_conversable_agent_set_human_input_handler (DaConversableAgent  *self,
                                              DaHumanInputHandler  handler,
                                              gpointer             user_data,
                                              GDestroyNotify       destroy)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  old_destroy = priv->human_input_destroy;
  old_data = priv->human_input_data;

  priv->human_input_handler = handler;
  priv->human_input_data = user_data;
  priv->human_input_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);
}

/**
 * da_conversable_agent_get_provider:
 *
 * Returns: (transfer none) (nullable): the provider
 */
DaProvider *
da_conversable_agent_get_provider (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->provider;
}

void
da_conversable_agent_set_provider (DaConversableAgent *self,
                                   DaProvider         *provider)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (provider == NULL || DA_IS_PROVIDER (provider));

  if (g_set_object (&priv->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

/**
 * da_conversable_agent_get_toolbox:
 *
 * Returns: (transfer none) (nullable): the tools the model may call
 */
DaToolbox *
da_conversable_agent_get_toolbox (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->toolbox;
}

void
da_conversable_agent_set_toolbox (DaConversableAgent *self,
                                  DaToolbox          *toolbox)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (toolbox == NULL || DA_IS_TOOLBOX (toolbox));

  if (g_set_object (&priv->toolbox, toolbox))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOLBOX]);
}

const char *
da_conversable_agent_get_model (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return priv->model;
}

/**
 * da_conversable_agent_set_model:
 * @model: (nullable): the model; %NULL uses the provider's default
 */
void
da_conversable_agent_set_model (DaConversableAgent *self,
                                const char         *model)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  if (da_set_str (&priv->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

double
da_conversable_agent_get_temperature (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), -1.0);
  return priv->temperature;
}

/**
 * da_conversable_agent_set_temperature:
 * @temperature: 0 to 2, or a negative value for the server's default
 */
void
da_conversable_agent_set_temperature (DaConversableAgent *self,
                                      double              temperature)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  if (temperature < 0)
    temperature = -1.0;
  temperature = MIN (temperature, 2.0);
  if (priv->temperature == temperature)
    return;
  priv->temperature = temperature;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPERATURE]);
}

gint64
da_conversable_agent_get_max_tokens (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), 0);
  return priv->max_tokens;
}

/**
 * da_conversable_agent_set_max_tokens:
 * @max_tokens: the most completion tokens per reply, 0 for the server's
 *   default
 */
void
da_conversable_agent_set_max_tokens (DaConversableAgent *self,
                                     gint64              max_tokens)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (max_tokens >= 0);

  if (priv->max_tokens == max_tokens)
    return;
  priv->max_tokens = max_tokens;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TOKENS]);
}

gint64
da_conversable_agent_get_context_max_tokens (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), 0);
  return priv->context_max_tokens;
}

/**
 * da_conversable_agent_set_context_max_tokens:
 * @max_tokens: the token budget of the context sent to the provider,
 *   estimated as bytes / 4; 0 means no limit
 */
void
da_conversable_agent_set_context_max_tokens (DaConversableAgent *self,
                                             gint64              max_tokens)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));
  g_return_if_fail (max_tokens >= 0);

  if (priv->context_max_tokens == max_tokens)
    return;
  priv->context_max_tokens = max_tokens;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT_MAX_TOKENS]);
}

static gint64
estimate_text_tokens (gsize bytes)
{
  return (gint64)((bytes + 3) / 4);
}

/**
 * da_estimate_tokens:
 *
 * Returns: the token estimate used for context budgets: the bytes of the
 *   content, tool names and tool arguments, divided by 4, rounded up
 */
gint64
da_estimate_tokens (DaMessage *message)
{
  GPtrArray *calls;
  gsize bytes;

  g_return_val_if_fail (DA_IS_MESSAGE (message), 0);

  bytes = strlen (da_message_get_content (message));
  calls = da_message_get_tool_calls (message);
  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      bytes += call->name != NULL ? strlen (call->name) : 0;
      bytes += call->arguments != NULL ? strlen (call->arguments) : 0;
    }

  return estimate_text_tokens (bytes);
}

/* The history holds shared messages; the role depends on who reads it:
 * its own messages as assistant, its peers' as user. */
static DaRole
role_for_context (const char *name,
                  DaMessage  *message)
{
  DaRole role = da_message_get_role (message);

  if (role == DA_ROLE_TOOL || role == DA_ROLE_SYSTEM)
    return role;
  if (g_strcmp0 (da_message_get_sender (message), name) == 0)
    return DA_ROLE_ASSISTANT;
  return DA_ROLE_USER;
}

/* A swarm agent hands over by calling transfer_to_NAME; the group chat
 * acts on the call, so the tools have no parameters and never run. */
static void
add_handoff_tools (JsonArray          *tools,
                   const char * const *targets)
{
  for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
    {
      JsonObject *tool = json_object_new ();
      JsonObject *function = json_object_new ();
      JsonObject *parameters = json_object_new ();
      g_autofree char *name = g_strconcat ("transfer_to_", targets[i], NULL);
      g_autofree char *description = g_strdup_printf ("Hand the conversation over to %s.", targets[i]);

      json_object_set_string_member (parameters, "type", "object");
      json_object_set_object_member (parameters, "properties", json_object_new ());
      json_object_set_string_member (function, "name", name);
      json_object_set_string_member (function, "description", description);
      json_object_set_object_member (function, "parameters", parameters);
      json_object_set_string_member (tool, "type", "function");
      json_object_set_object_member (tool, "function", function);
      json_array_add_object_element (tools, tool);
    }
}

const char * const *
da_conversable_agent_get_handoffs (DaConversableAgent *self)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  return (const char * const *)priv->handoffs;
}

/**
 * da_conversable_agent_set_handoffs:
 * @targets: (nullable) (array zero-terminated=1): the agents this one may
 *   hand over to in a swarm; each is offered to the model as a
 *   transfer_to_NAME tool
 */
void
da_conversable_agent_set_handoffs (DaConversableAgent *self,
                                   const char * const *targets)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);

  g_return_if_fail (DA_IS_CONVERSABLE_AGENT (self));

  g_clear_pointer (&priv->handoffs, g_strfreev);
  if (targets != NULL && targets[0] != NULL)
    priv->handoffs = g_strdupv ((char **)targets);
}

/* The previous request can be extended into this one when nobody else
 * holds it and the history has only grown since: the messages already in
 * it keep their references, and only new ones are added. (Taking and
 * dropping a reference per message per call was a fifth of the CPU time
 * of a long team run.) */
static gboolean
can_extend (DaConversableAgent *self,
            GPtrArray          *messages,
            guint               first,
            gboolean            has_system)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  DaRequest *last = priv->last_request;
  guint offset = has_system ? 1 : 0;
  guint n;

  if (last == NULL || da_request_is_shared (last) || priv->last_request_first != first ||
      last->messages->len < offset)
    return FALSE;

  if (has_system)
    {
      DaMessage *system = g_ptr_array_index (last->messages, 0);

      if (da_message_get_role (system) != DA_ROLE_SYSTEM ||
          g_strcmp0 (da_message_get_content (system), priv->system_message) != 0 ||
          g_strcmp0 (da_message_get_sender (system), da_agent_get_name (DA_AGENT (self))) != 0)
        return FALSE;
    }

  n = last->messages->len - offset;
  if (n > messages->len - first)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (g_ptr_array_index (last->messages, offset + i) != g_ptr_array_index (messages, first + i))
        return FALSE;
    }
  return TRUE;
}

/**
 * da_conversable_agent_build_request:
 * @messages: (element-type DaMessage): the history with the sender
 *
 * Builds the request this agent sends to its provider for @messages:
 * the system message, then the history seen from this agent (its own
 * messages as assistant, its peer's as user), trimmed to
 * #DaConversableAgent:context-max-tokens.
 *
 * Returns: (transfer full): the request; the agent keeps a reference and
 *   changes it for a later call only once the caller has dropped theirs
 */
DaRequest *
da_conversable_agent_build_request (DaConversableAgent *self,
                                    GPtrArray          *messages)
{
  DaConversableAgentPrivate *priv = da_conversable_agent_get_instance_private (self);
  g_autoptr(JsonNode) tools = NULL;
  DaRequest *request;
  const char *name;
  gboolean has_system;
  guint offset;
  guint first = 0;

  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (self), NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  name = da_agent_get_name (DA_AGENT (self));
  has_system = priv->system_message != NULL && priv->system_message[0] != '\0';
  offset = has_system ? 1 : 0;

  if (priv->context_max_tokens > 0)
    {
      gint64 total = has_system ? estimate_text_tokens (strlen (priv->system_message)) : 0;

      for (guint i = 0; i < messages->len; i++)
        total += da_estimate_tokens (g_ptr_array_index (messages, i));

      while (total > priv->context_max_tokens && first + 1 < messages->len)
        total -= da_estimate_tokens (g_ptr_array_index (messages, first++));

      /* A tool result whose call was dropped would be rejected. */
      while (first + 1 < messages->len &&
             da_message_get_role (g_ptr_array_index (messages, first)) == DA_ROLE_TOOL)
        first++;
    }

  if (can_extend (self, messages, first, has_system))
    {
      request = da_request_ref (priv->last_request);
      /* Roles depend on senders, which may have changed. */
      for (guint i = offset; i < request->messages->len; i++)
        da_request_set_role (request, i,
                             role_for_context (name, g_ptr_array_index (request->messages, i)));
    }
  else
    {
      request = da_request_new (NULL);
      if (has_system)
        {
          g_autoptr(DaMessage) system = da_message_new (DA_ROLE_SYSTEM, name, priv->system_message);

          da_request_add_message (request, system);
        }
      g_clear_pointer (&priv->last_request, da_request_unref);
      priv->last_request = da_request_ref (request);
      priv->last_request_first = first;
    }

  for (guint i = first + request->messages->len - offset; i < messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (messages, i);

      da_request_add_message_as (request, message, role_for_context (name, message));
    }

  g_free (request->model);
  request->model = g_strdup (priv->model);
  request->temperature = priv->temperature;
  request->max_tokens = priv->max_tokens;
  if (priv->toolbox != NULL || priv->handoffs != NULL)
    {
      if (priv->toolbox != NULL)
        tools = da_tool_registry_to_openai (da_toolbox_get_registry (priv->toolbox));
      else
        tools = json_node_init_array (json_node_alloc (), json_array_new ());
      add_handoff_tools (json_node_get_array (tools), (const char * const *)priv->handoffs);
    }
  da_request_set_tools (request, tools);

  return request;
}

static const char * const termination_mode_names[] = { "exact", "contains", "regex" };
static const char * const human_input_mode_names[] = { "always", "terminate", "never" };

const char *
da_termination_mode_to_string (DaTerminationMode mode)
{
  if ((guint)mode < G_N_ELEMENTS (termination_mode_names))
    return termination_mode_names[mode];
  return "exact";
}

gboolean
da_termination_mode_from_string (const char        *str,
                                 DaTerminationMode *mode)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (termination_mode_names); i++)
    {
      if (g_str_equal (str, termination_mode_names[i]))
        {
          *mode = (DaTerminationMode)i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
da_human_input_mode_to_string (DaHumanInputMode mode)
{
  if ((guint)mode < G_N_ELEMENTS (human_input_mode_names))
    return human_input_mode_names[mode];
  return "never";
}

gboolean
da_human_input_mode_from_string (const char       *str,
                                 DaHumanInputMode *mode)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (human_input_mode_names); i++)
    {
      if (g_str_equal (str, human_input_mode_names[i]))
        {
          *mode = (DaHumanInputMode)i;
          return TRUE;
        }
    }
  return FALSE;
}
