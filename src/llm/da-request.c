/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-request.h"

G_DEFINE_BOXED_TYPE (DaRequest, da_request, da_request_ref, da_request_unref)

static void
da_request_clear (DaRequest *self)
{
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->roles, g_array_unref);
  g_clear_pointer (&self->tools, json_node_unref);
}

DaRequest *
da_request_new (const char *model)
{
  DaRequest *self = g_new0 (DaRequest, 1);

  g_atomic_ref_count_init (&self->ref_count);

  self->model = g_strdup (model);
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
  self->roles = g_array_new (FALSE, FALSE, sizeof (int));
  self->temperature = -1.0;
  self->max_tokens = 0;

  return self;
}

DaRequest *
da_request_ref (DaRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
da_request_unref (DaRequest *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      da_request_clear (self);
      g_free (self);
    }
}

/**
 * da_request_is_shared:
 *
 * Returns: whether anyone but the caller holds a reference to @self; a
 *   request that is not shared may be changed for the next call
 */
gboolean
da_request_is_shared (DaRequest *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return !g_atomic_ref_count_compare (&self->ref_count, 1);
}

static void
add_message (DaRequest *self,
             DaMessage *message,
             int        role)
{
  /* Messages put in @messages directly keep their own roles. */
  while (self->roles->len < self->messages->len)
    {
      int own = -1;

      g_array_append_val (self->roles, own);
    }
  g_ptr_array_add (self->messages, g_object_ref (message));
  g_array_append_val (self->roles, role);
}

void
da_request_add_message (DaRequest *self,
                        DaMessage *message)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (DA_IS_MESSAGE (message));

  add_message (self, message, -1);
}

/**
 * da_request_add_message_as:
 * @role: the role @message is sent in
 *
 * Adds @message to be sent in @role rather than its own, without
 * copying it (an agent sends its peers' replies as "user").
 */
void
da_request_add_message_as (DaRequest *self,
                           DaMessage *message,
                           DaRole     role)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (DA_IS_MESSAGE (message));

  add_message (self, message, (int)role);
}

/**
 * da_request_get_role:
 * @index: an index into @messages
 *
 * Returns: the role the message at @index is sent in
 */
DaRole
da_request_get_role (DaRequest *self,
                     guint      index)
{
  g_return_val_if_fail (self != NULL, DA_ROLE_USER);
  g_return_val_if_fail (index < self->messages->len, DA_ROLE_USER);

  if (index < self->roles->len && g_array_index (self->roles, int, index) >= 0)
    return (DaRole)g_array_index (self->roles, int, index);
  return da_message_get_role (g_ptr_array_index (self->messages, index));
}

/**
 * da_request_set_role:
 * @index: an index into @messages
 * @role: the role the message at @index is sent in
 */
void
da_request_set_role (DaRequest *self,
                     guint      index,
                     DaRole     role)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->messages->len);

  while (self->roles->len < self->messages->len)
    {
      int own = -1;

      g_array_append_val (self->roles, own);
    }
  g_array_index (self->roles, int, index) = (int)role;
}

void
da_request_set_tools (DaRequest *self,
                      JsonNode  *tools)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (tools == NULL || JSON_NODE_HOLDS_ARRAY (tools));

  g_clear_pointer (&self->tools, json_node_unref);
  if (tools != NULL)
    self->tools = json_node_ref (tools);
}
