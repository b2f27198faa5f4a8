/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"
#include "da-team-agent.h"

/**
 * DaTeamAgent:
 *
 * An agent that answers by running an inner team: a team as a
 * participant of another team, or AutoGen's nested chat. Asked for a
 * reply, it gives the last message it received as the inner team's task,
 * runs the team to its end, and answers with the content of the inner
 * thread's last message (not the task, not a tool result). By default
 * the inner team starts over at every turn (#DaTeamAgent:reset-each-turn);
 * otherwise it continues its own thread with the new task.
 *
 * Cancelling the outer run cancels the inner one. An inner run that
 * fails fails the reply with its error; one that produced no message
 * ends the conversation with the stop reason "inner_team_silent: REASON".
 */
struct _DaTeamAgent
{
  DaAgent      parent_instance;

  DaGroupChat *team;
  gboolean     reset_each_turn;
};

G_DEFINE_FINAL_TYPE (DaTeamAgent, da_team_agent, DA_TYPE_AGENT)

enum {
  PROP_0,
  PROP_TEAM,
  PROP_RESET_EACH_TURN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint first;
} TurnData;

static void
inner_run_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DaGroupChat *team = DA_GROUP_CHAT (object);
  g_autoptr(GTask) task = user_data;
  DaTeamAgent *self = g_task_get_source_object (task);
  TurnData *data = g_task_get_task_data (task);
  GPtrArray *messages = da_group_chat_get_messages (team);
  g_autoptr(GError) error = NULL;

  if (!da_group_chat_run_finish (team, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = messages->len; i > data->first; i--)
    {
      DaMessage *message = g_ptr_array_index (messages, i - 1);

      if (da_message_get_role (message) == DA_ROLE_TOOL)
        continue;
      g_task_return_pointer (task,
                             da_message_new (DA_ROLE_ASSISTANT, da_agent_get_name (DA_AGENT (self)),
                                             da_message_get_content (message)),
                             g_object_unref);
      return;
    }

  {
    g_autofree char *reason = g_strdup_printf ("inner_team_silent: %s",
                                               da_group_chat_get_stop_reason (team));

    da_agent_set_stop_reason (DA_AGENT (self), reason);
    g_task_return_pointer (task, NULL, NULL);
  }
}

static void
da_team_agent_generate_reply_async (DaAgent             *agent,
                                    GPtrArray           *messages,
                                    DaAgent             *sender,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  DaTeamAgent *self = DA_TEAM_AGENT (agent);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  TurnData *data = g_new0 (TurnData, 1);
  const char *text = "";

  g_task_set_source_tag (task, da_team_agent_generate_reply_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, g_free);

  if (da_group_chat_get_running (self->team))
    {
      g_task_return_new_error (task, DA_CHAT_ERROR, DA_CHAT_ERROR_RUNNING,
                               "The inner team of %s is already running",
                               da_agent_get_name (agent));
      return;
    }

  if (messages->len > 0)
    text = da_message_get_content (g_ptr_array_index (messages, messages->len - 1));

  if (self->reset_each_turn)
    da_group_chat_reset (self->team);
  /* The task itself is not an answer. */
  data->first = da_group_chat_get_messages (self->team)->len + 1;

  da_group_chat_run_async (self->team, text, cancellable, inner_run_cb, g_steal_pointer (&task));
}

static DaMessage *
da_team_agent_generate_reply_finish (DaAgent       *agent,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, agent), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
da_team_agent_dispose (GObject *object)
{
  DaTeamAgent *self = (DaTeamAgent *)object;

  g_clear_object (&self->team);
  G_OBJECT_CLASS (da_team_agent_parent_class)->dispose (object);
}

static void
da_team_agent_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DaTeamAgent *self = DA_TEAM_AGENT (object);

  switch (prop_id)
    {
    case PROP_TEAM:
      g_value_set_object (value, self->team);
      break;
    case PROP_RESET_EACH_TURN:
      g_value_set_boolean (value, self->reset_each_turn);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_team_agent_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DaTeamAgent *self = DA_TEAM_AGENT (object);

  switch (prop_id)
    {
    case PROP_TEAM:
      self->team = g_value_dup_object (value);
      break;
    case PROP_RESET_EACH_TURN:
      da_team_agent_set_reset_each_turn (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_team_agent_class_init (DaTeamAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DaAgentClass *agent_class = DA_AGENT_CLASS (klass);

  object_class->dispose = da_team_agent_dispose;
  object_class->get_property = da_team_agent_get_property;
  object_class->set_property = da_team_agent_set_property;

  agent_class->generate_reply_async = da_team_agent_generate_reply_async;
  agent_class->generate_reply_finish = da_team_agent_generate_reply_finish;

  properties[PROP_TEAM] =
    g_param_spec_object ("team", NULL, NULL, DA_TYPE_GROUP_CHAT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESET_EACH_TURN] =
    g_param_spec_boolean ("reset-each-turn", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_team_agent_init (DaTeamAgent *self)
{
  self->reset_each_turn = TRUE;
}

/**
 * da_team_agent_new:
 * @name: the agent's name in the outer team
 * @team: the inner team; it must not be run by anyone else
 */
DaTeamAgent *
da_team_agent_new (const char  *name,
                   DaGroupChat *team)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (DA_IS_GROUP_CHAT (team), NULL);

  return g_object_new (DA_TYPE_TEAM_AGENT, "name", name, "team", team, NULL);
}

/**
 * da_team_agent_get_team:
 *
 * Returns: (transfer none): the inner team
 */
DaGroupChat *
da_team_agent_get_team (DaTeamAgent *self)
{
  g_return_val_if_fail (DA_IS_TEAM_AGENT (self), NULL);
  return self->team;
}

gboolean
da_team_agent_get_reset_each_turn (DaTeamAgent *self)
{
  g_return_val_if_fail (DA_IS_TEAM_AGENT (self), FALSE);
  return self->reset_each_turn;
}

void
da_team_agent_set_reset_each_turn (DaTeamAgent *self,
                                   gboolean     reset)
{
  g_return_if_fail (DA_IS_TEAM_AGENT (self));

  reset = !!reset;
  if (self->reset_each_turn == reset)
    return;
  self->reset_each_turn = reset;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESET_EACH_TURN]);
}
