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
  g_clear_pointer (&self->tools, json_node_unref);
}

DaRequest *
da_request_new (const char *model)
{
  DaRequest *self = g_atomic_rc_box_new0 (DaRequest);

  self->model = g_strdup (model);
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
  self->temperature = -1.0;
  self->max_tokens = 0;

  return self;
}

DaRequest *
da_request_ref (DaRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
da_request_unref (DaRequest *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, (GDestroyNotify)da_request_clear);
}

void
da_request_add_message (DaRequest *self,
                        DaMessage *message)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (DA_IS_MESSAGE (message));

  g_ptr_array_add (self->messages, g_object_ref (message));
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
