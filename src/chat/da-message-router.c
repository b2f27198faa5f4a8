/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-message-router.h"

/**
 * DaMessageRouter:
 *
 * Delivers messages between the agents of a team. Posted messages wait
 * in one FIFO queue per sender; da_message_router_dispatch() delivers
 * them, taking one message from each sender with pending messages in
 * turn, so a chatty agent cannot starve the others while each sender's
 * messages arrive in the order they were posted. Messages posted while
 * a dispatch is delivering (a recipient answering at once) join the
 * queues and are delivered by the same dispatch.
 *
 * A message posted without a recipient goes to every endpoint but its
 * sender, as the endpoints are at delivery time. Delivery is
 * da_agent_receive() unless a deliver function is set.
 */
typedef struct
{
  DaAgent   *recipient;
  DaMessage *message;
} Entry;

typedef struct
{
  DaAgent  *sender;
  GQueue    entries;
  gboolean  in_ring;
} SenderQueue;

struct _DaMessageRouter
{
  GObject                     parent_instance;

  GPtrArray                  *endpoints;
  GHashTable                 *queues;
  GQueue                      ring;
  guint                       n_pending;
  guint64                     n_delivered;
  gboolean                    dispatching;

  DaMessageRouterDeliverFunc  deliver;
  gpointer                    deliver_data;
  GDestroyNotify              deliver_destroy;
};

G_DEFINE_FINAL_TYPE (DaMessageRouter, da_message_router, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->recipient);
  g_clear_object (&entry->message);
  g_free (entry);
}

static void
sender_queue_free (SenderQueue *queue)
{
  g_queue_clear_full (&queue->entries, (GDestroyNotify)entry_free);
  g_clear_object (&queue->sender);
  g_free (queue);
}

static void
da_message_router_finalize (GObject *object)
{
  DaMessageRouter *self = (DaMessageRouter *)object;

  g_queue_clear (&self->ring);
  g_clear_pointer (&self->queues, g_hash_table_unref);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  if (self->deliver_destroy != NULL)
    self->deliver_destroy (self->deliver_data);

  G_OBJECT_CLASS (da_message_router_parent_class)->finalize (object);
}

static void
da_message_router_class_init (DaMessageRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = da_message_router_finalize;
}

static void
da_message_router_init (DaMessageRouter *self)
{
  self->endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  self->queues = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)sender_queue_free);
}

DaMessageRouter *
da_message_router_new (void)
{
  return g_object_new (DA_TYPE_MESSAGE_ROUTER, NULL);
}

/**
 * da_message_router_set_deliver_func:
 * @func: (nullable): how a message reaches a recipient; %NULL for
 *   da_agent_receive()
 */
void
da_message_router_set_deliver_func (DaMessageRouter            *self,
                                    DaMessageRouterDeliverFunc  func,
                                    gpointer                    user_data,
                                    GDestroyNotify              destroy)
{
  g_return_if_fail (DA_IS_MESSAGE_ROUTER (self));

  if (self->deliver_destroy != NULL)
    self->deliver_destroy (self->deliver_data);
  self->deliver = func;
  self->deliver_data = user_data;
  self->deliver_destroy = destroy;
}

void
da_message_router_add_endpoint (DaMessageRouter *self,
                                DaAgent         *agent)
{
  g_return_if_fail (DA_IS_MESSAGE_ROUTER (self));
  g_return_if_fail (DA_IS_AGENT (agent));

  if (!g_ptr_array_find (self->endpoints, agent, NULL))
    g_ptr_array_add (self->endpoints, g_object_ref (agent));
}

void
da_message_router_remove_endpoint (DaMessageRouter *self,
                                   DaAgent         *agent)
{
  g_return_if_fail (DA_IS_MESSAGE_ROUTER (self));
  g_return_if_fail (DA_IS_AGENT (agent));

  g_ptr_array_remove (self->endpoints, agent);
}

/**
 * da_message_router_post:
 * @sender: the agent posting
 * @recipient: (nullable): the agent to deliver to, or %NULL for every
 *   endpoint but @sender
 *
 * Queues @message behind the messages @sender posted before.
 */
void
da_message_router_post (DaMessageRouter *self,
                        DaAgent         *sender,
                        DaAgent         *recipient,
                        DaMessage       *message)
{
  SenderQueue *queue;
  Entry *entry;

  g_return_if_fail (DA_IS_MESSAGE_ROUTER (self));
  g_return_if_fail (DA_IS_AGENT (sender));
  g_return_if_fail (recipient == NULL || DA_IS_AGENT (recipient));
  g_return_if_fail (DA_IS_MESSAGE (message));

  queue = g_hash_table_lookup (self->queues, sender);
  if (queue == NULL)
    {
      queue = g_new0 (SenderQueue, 1);
      queue->sender = g_object_ref (sender);
      g_hash_table_insert (self->queues, sender, queue);
    }

  entry = g_new (Entry, 1);
  entry->recipient = recipient != NULL ? g_object_ref (recipient) : NULL;
  entry->message = g_object_ref (message);
  g_queue_push_tail (&queue->entries, entry);
  self->n_pending++;

  if (!queue->in_ring)
    {
      queue->in_ring = TRUE;
      g_queue_push_tail (&self->ring, queue);
    }
}

static void
deliver_one (DaMessageRouter *self,
             DaAgent         *recipient,
             DaMessage       *message,
             DaAgent         *sender)
{
  if (self->deliver != NULL)
    self->deliver (recipient, message, sender, self->deliver_data);
  else
    da_agent_receive (recipient, message, sender);
  self->n_delivered++;
}

/**
 * da_message_router_dispatch:
 *
 * Delivers every queued message, and those queued meanwhile. Does
 * nothing when called from a delivery: the running dispatch delivers.
 *
 * Returns: the number of deliveries made
 */
guint
da_message_router_dispatch (DaMessageRouter *self)
{
  guint64 before;

  g_return_val_if_fail (DA_IS_MESSAGE_ROUTER (self), 0);

  if (self->dispatching)
    return 0;

  self->dispatching = TRUE;
  before = self->n_delivered;
  g_object_ref (self);

  while (self->ring.length > 0)
    {
      SenderQueue *queue = g_queue_pop_head (&self->ring);
      Entry *entry = g_queue_pop_head (&queue->entries);
      g_autoptr(DaAgent) sender = g_object_ref (queue->sender);

      self->n_pending--;
      if (queue->entries.length > 0)
        g_queue_push_tail (&self->ring, queue);
      else
        queue->in_ring = FALSE;

      if (entry->recipient != NULL)
        {
          deliver_one (self, entry->recipient, entry->message, sender);
        }
      else
        {
          g_autoptr(GPtrArray) endpoints = g_ptr_array_new_full (self->endpoints->len,
                                                                 g_object_unref);

          /* A recipient may add or remove endpoints while receiving. */
          for (guint i = 0; i < self->endpoints->len; i++)
            g_ptr_array_add (endpoints, g_object_ref (g_ptr_array_index (self->endpoints, i)));
          for (guint i = 0; i < endpoints->len; i++)
            if (g_ptr_array_index (endpoints, i) != sender)
              deliver_one (self, g_ptr_array_index (endpoints, i), entry->message, sender);
        }
      entry_free (entry);
    }

  self->dispatching = FALSE;
  g_object_unref (self);

  return (guint)(self->n_delivered - before);
}

guint
da_message_router_get_n_pending (DaMessageRouter *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_ROUTER (self), 0);
  return self->n_pending;
}

guint64
da_message_router_get_n_delivered (DaMessageRouter *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE_ROUTER (self), 0);
  return self->n_delivered;
}
