/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"
#include "da-group-chat-private.h"

/* Direct messages: two participants talk outside the shared thread. The
 * message and the reply go through the team's router into the two
 * agents' histories with each other (not with the manager), so the
 * other participants never see them and a later group turn does not
 * carry them. */

typedef struct
{
  DaAgent *from;
  DaAgent *to;
} DirectData;

static void
direct_data_free (DirectData *data)
{
  g_clear_object (&data->from);
  g_clear_object (&data->to);
  g_free (data);
}

static void
route_pair (DaGroupChat *self,
            DaAgent     *sender,
            DaAgent     *recipient,
            DaMessage   *message)
{
  if (self->direct_router == NULL)
    self->direct_router = da_message_router_new ();

  /* The sender keeps its copy; the router delivers the other. */
  g_ptr_array_add (da_agent_get_history (sender, recipient), g_object_ref (message));
  da_message_router_post (self->direct_router, sender, recipient, message);
  da_message_router_dispatch (self->direct_router);
}

static void
direct_reply_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DaGroupChat *self = g_task_get_source_object (task);
  DirectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) reply = NULL;

  reply = da_agent_generate_reply_finish (DA_AGENT (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply != NULL)
    {
      if (da_message_get_state (reply) == DA_MESSAGE_STATE_STREAMING)
        da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);
      route_pair (self, data->to, data->from, reply);
      g_signal_emit_by_name (self, "direct-message", data->to, data->from, reply);
    }
  g_task_return_pointer (task, g_steal_pointer (&reply), g_object_unref);
}

/**
 * da_group_chat_send_direct_async:
 * @from: the participant writing
 * @to: the participant it writes to
 * @text: the message
 *
 * Sends a direct message from @from to @to, outside the shared thread,
 * and asks @to for its answer. Both messages are announced with
 * #DaGroupChat::direct-message.
 */
void
da_group_chat_send_direct_async (DaGroupChat         *self,
                                 DaAgent             *from,
                                 DaAgent             *to,
                                 const char          *text,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DaMessage) message = NULL;
  DirectData *data;

  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (DA_IS_AGENT (from) && DA_IS_AGENT (to));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_group_chat_send_direct_async);

  if (from == to || !g_ptr_array_find (self->participants, from, NULL) ||
      !g_ptr_array_find (self->participants, to, NULL))
    {
      g_task_return_new_error (task, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                               "A direct message goes between two participants of the team");
      return;
    }

  data = g_new0 (DirectData, 1);
  data->from = g_object_ref (from);
  data->to = g_object_ref (to);
  g_task_set_task_data (task, data, (GDestroyNotify)direct_data_free);

  message = da_message_new (DA_ROLE_USER, da_agent_get_name (from), text);
  route_pair (self, from, to, message);
  g_signal_emit_by_name (self, "direct-message", from, to, message);

  da_agent_generate_reply_async (to, da_agent_get_history (to, from), from, cancellable,
                                 direct_reply_cb, g_steal_pointer (&task));
}

/**
 * da_group_chat_send_direct_finish:
 *
 * Returns: (transfer full) (nullable): @to's answer; %NULL without an
 *   error when it declined to answer (see da_agent_get_stop_reason())
 */
DaMessage *
da_group_chat_send_direct_finish (DaGroupChat   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
