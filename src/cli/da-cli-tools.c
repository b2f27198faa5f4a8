/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tools for `denoagents-cli run`: each agent gets the tools its team-file
 * entry lists, under its `permissions` object merged with the --allow-* /
 * --deny-* flags; one permission broker for the run records grants and
 * the audit log in the history; the terminal prompt answers unless
 * --no-prompt or there is no terminal. Decisions are printed as
 * `permission` events and tool results as `tool_result` events. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include "da-builtin-tool.h"
#include "da-cli-prompt.h"
#include "da-cli-tools.h"
#include "da-conversable-agent.h"
#include "da-toolbox.h"

struct _DaCliTools
{
  DaPermissionBroker *broker;
  DaSandboxRunner    *runner;
  DaCliPrompt        *prompt;
  DaCliPrinter       *printer;
  GPtrArray          *toolboxes;
};

static void
decided_cb (DaPermissionBroker *broker,
            const char         *agent,
            const char         *tool,
            const char         *kind,
            const char         *target,
            const char         *decision,
            const char         *reason,
            DaCliTools         *self)
{
  /* "ask" only says a prompt is shown; its answer follows. */
  if (g_strcmp0 (decision, "ask") == 0)
    return;
  da_cli_printer_print_permission (self->printer, agent, kind, target, decision);
}

static void
tool_result_cb (DaToolbox    *toolbox,
                const char   *agent,
                DaToolCall   *call,
                gboolean      ok,
                const char   *content,
                DaToolResult *result,
                DaCliTools   *self)
{
  da_cli_printer_print_tool_result (self->printer, agent, call->id, ok, content);
}

static DaPermissions *
permissions_for (const DaAgentConfig  *config,
                 guint                 index,
                 GPtrArray            *flags,
                 GError              **error)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(DaPermissions) permissions = da_permissions_new (cwd);

  if (config != NULL && config->permissions != NULL)
    {
      g_autofree char *path = g_strdup_printf ("agents[%u].permissions", index);

      if (!da_permissions_load_json (permissions, config->permissions, path, error))
        {
          g_prefix_error (error, "agent '%s': ", config->name);
          return NULL;
        }
    }

  for (guint i = 0; i + 1 < flags->len; i += 2)
    if (!da_permissions_add_flag (permissions, g_ptr_array_index (flags, i),
                                  g_ptr_array_index (flags, i + 1), error))
      return NULL;

  return g_steal_pointer (&permissions);
}

void
da_cli_tools_free (DaCliTools *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->toolboxes->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->toolboxes, i), self);
  g_ptr_array_unref (self->toolboxes);
  g_signal_handlers_disconnect_by_data (self->broker, self);
  da_permission_broker_set_prompter (self->broker, NULL, NULL, NULL);
  g_clear_object (&self->prompt);
  g_clear_object (&self->broker);
  g_clear_object (&self->runner);
  g_clear_object (&self->printer);
  g_free (self);
}

/**
 * da_cli_tools_setup:
 * @agents: (element-type DaAgent): the agents, in the team file's order
 * @flags: "allow-read", "VALUE", … pairs from the command line
 * @prompt: whether a person may be asked at the terminal
 *
 * Returns: (transfer full): what must live as long as the run, or %NULL
 *   with an error (an unknown tool, a malformed permissions object)
 */
DaCliTools *
da_cli_tools_setup (const DaTeamConfig  *team,
                    GPtrArray           *agents,
                    GPtrArray           *flags,
                    DaStore             *store,
                    gint64               conversation_id,
                    gboolean             prompt,
                    DaCliPrinter        *printer,
                    GError             **error)
{
  g_autoptr(DaCliTools) self = g_new0 (DaCliTools, 1);
  g_autoptr(DaPermissions) fallback = NULL;

  self->broker = da_permission_broker_new (store);
  self->runner = da_sandbox_runner_new (NULL);
  self->printer = g_object_ref (printer);
  self->toolboxes = g_ptr_array_new_with_free_func (g_object_unref);
  da_permission_broker_set_conversation_id (self->broker, conversation_id);
  g_signal_connect (self->broker, "decided", G_CALLBACK (decided_cb), self);

  fallback = permissions_for (NULL, 0, flags, error);
  if (fallback == NULL)
    return NULL;
  da_permission_broker_set_permissions (self->broker, NULL, fallback);

  for (guint i = 0; i < team->agents->len && i < agents->len; i++)
    {
      const DaAgentConfig *config = g_ptr_array_index (team->agents, i);
      DaAgent *agent = g_ptr_array_index (agents, i);
      g_autoptr(DaPermissions) permissions = NULL;
      g_autoptr(DaToolRegistry) registry = NULL;
      g_autoptr(DaToolbox) toolbox = NULL;

      if (config->tools == NULL || config->tools[0] == NULL)
        continue;
      if (!DA_IS_CONVERSABLE_AGENT (agent))
        continue;

      registry = da_tool_registry_new ();
      for (guint t = 0; config->tools[t] != NULL; t++)
        if (!da_builtin_tools_add (registry, config->tools[t], error))
          {
            g_prefix_error (error, "agent '%s': ", config->name);
            return NULL;
          }

      permissions = permissions_for (config, i, flags, error);
      if (permissions == NULL)
        return NULL;
      da_permission_broker_set_permissions (self->broker, da_agent_get_name (agent), permissions);

      toolbox = da_toolbox_new (registry, self->broker, self->runner);
      g_signal_connect (toolbox, "tool-result", G_CALLBACK (tool_result_cb), self);
      da_conversable_agent_set_toolbox (DA_CONVERSABLE_AGENT (agent), toolbox);
      g_ptr_array_add (self->toolboxes, g_steal_pointer (&toolbox));
    }

  if (prompt)
    {
      self->prompt = da_cli_prompt_new (NULL);
      if (da_cli_prompt_is_available (self->prompt))
        da_cli_prompt_attach (self->prompt, self->broker);
    }

  return g_steal_pointer (&self);
}
