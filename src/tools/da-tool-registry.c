/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include "da-tool-error.h"
#include "da-tool-registry.h"

/**
 * DaToolRegistry:
 *
 * The tools one agent may call, by name, in the order they were added.
 */
struct _DaToolRegistry
{
  GObject    parent_instance;

  GPtrArray *tools;
};

G_DEFINE_FINAL_TYPE (DaToolRegistry, da_tool_registry, G_TYPE_OBJECT)

static void
da_tool_registry_finalize (GObject *object)
{
  DaToolRegistry *self = DA_TOOL_REGISTRY (object);

  g_ptr_array_unref (self->tools);

  G_OBJECT_CLASS (da_tool_registry_parent_class)->finalize (object);
}

static void
da_tool_registry_class_init (DaToolRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = da_tool_registry_finalize;
}

static void
da_tool_registry_init (DaToolRegistry *self)
{
  self->tools = g_ptr_array_new_with_free_func (g_object_unref);
}

DaToolRegistry *
da_tool_registry_new (void)
{
  return g_object_new (DA_TYPE_TOOL_REGISTRY, NULL);
}

/**
 * da_tool_registry_add:
 *
 * Adds @tool, replacing a tool of the same name.
 */
void
da_tool_registry_add (DaToolRegistry *self,
                      DaTool         *tool)
{
  g_return_if_fail (DA_IS_TOOL_REGISTRY (self));
  g_return_if_fail (DA_IS_TOOL (tool));

  for (guint i = 0; i < self->tools->len; i++)
    if (g_strcmp0 (da_tool_get_name (g_ptr_array_index (self->tools, i)),
                   da_tool_get_name (tool)) == 0)
      {
        g_ptr_array_remove_index (self->tools, i);
        g_ptr_array_insert (self->tools, (gint) i, g_object_ref (tool));
        return;
      }
  g_ptr_array_add (self->tools, g_object_ref (tool));
}

/**
 * da_tool_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the tool
 */
DaTool *
da_tool_registry_lookup (DaToolRegistry *self,
                         const char     *name)
{
  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (self), NULL);

  for (guint i = 0; name != NULL && i < self->tools->len; i++)
    {
      DaTool *tool = g_ptr_array_index (self->tools, i);

      if (g_strcmp0 (da_tool_get_name (tool), name) == 0)
        return tool;
    }
  return NULL;
}

guint
da_tool_registry_get_n_tools (DaToolRegistry *self)
{
  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (self), 0);
  return self->tools->len;
}

GStrv
da_tool_registry_list_names (DaToolRegistry *self)
{
  GStrv names;

  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (self), NULL);

  names = g_new0 (char *, self->tools->len + 1);
  for (guint i = 0; i < self->tools->len; i++)
    names[i] = g_strdup (da_tool_get_name (g_ptr_array_index (self->tools, i)));
  return names;
}

/**
 * da_tool_registry_to_openai:
 *
 * Returns: (transfer full) (nullable): the "tools" array for a
 *   #DaRequest, or %NULL when there are no tools
 */
JsonNode *
da_tool_registry_to_openai (DaToolRegistry *self)
{
  g_autoptr(JsonArray) array = NULL;
  JsonNode *node;

  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (self), NULL);

  if (self->tools->len == 0)
    return NULL;

  array = json_array_new ();
  for (guint i = 0; i < self->tools->len; i++)
    json_array_add_element (array, da_tool_to_openai (g_ptr_array_index (self->tools, i)));

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);
  return node;
}

/**
 * da_tool_registry_prepare_call:
 * @args: (out) (transfer full): the validated arguments
 *
 * Finds the tool @call names and checks its arguments.
 *
 * Returns: (transfer none): the tool, or %NULL with
 *   %DA_TOOL_ERROR_UNKNOWN_TOOL or %DA_TOOL_ERROR_INVALID_ARGUMENTS and
 *   a message meant for the model
 */
DaTool *
da_tool_registry_prepare_call (DaToolRegistry    *self,
                               const DaToolCall  *call,
                               JsonObject       **args,
                               GError           **error)
{
  DaTool *tool;

  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (self), NULL);
  g_return_val_if_fail (call != NULL, NULL);
  g_return_val_if_fail (args != NULL, NULL);

  tool = da_tool_registry_lookup (self, call->name);
  if (tool == NULL)
    {
      g_auto(GStrv) names = da_tool_registry_list_names (self);
      g_autofree char *list = g_strjoinv (", ", names);

      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_UNKNOWN_TOOL,
                   "There is no tool named “%s”; the tools are: %s",
                   call->name ? call->name : "", list[0] ? list : "(none)");
      return NULL;
    }

  *args = da_tool_parse_arguments (tool, call->arguments, error);
  return *args != NULL ? tool : NULL;
}
