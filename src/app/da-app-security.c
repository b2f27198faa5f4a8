/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-app-security.h"
#include "da-builtin-tool.h"
#include "da-permission-dialog.h"
#include "da-sandbox-runner.h"
#include "da-toolbox.h"

/* The application's side of tool use: one permission broker (its grants
 * and audit log in the history database), one sandbox runner, the
 * permission dialog as the broker's prompter, and what each tool call
 * came to, for the chat's tool cards. Questions are shown one dialog at a
 * time, in the order they were asked; a question whose caller gave up is
 * dropped. An agent's tools and permissions come from its team-file
 * object: "tools": ["read_file", …] and "permissions": { … } as in a team
 * file; relative paths are taken from the workspace (the home folder). */

struct _DaAppSecurity
{
  GObject             parent_instance;

  DaStore            *store;
  DaPermissionBroker *broker;
  DaSandboxRunner    *runner;
  char               *workspace;
  GHashTable         *outcomes;     /* call id → DaToolOutcome */
  GQueue              pending;      /* Pending */
  GtkWidget          *dialog;       /* the one shown, not owned */
};

typedef struct
{
  DaPermissionRequest *request;
  GCancellable        *cancellable;
} Pending;

enum {
  OUTCOME_ADDED,
  PROMPT_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DaAppSecurity, da_app_security, G_TYPE_OBJECT)

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->request);
  g_clear_object (&pending->cancellable);
  g_free (pending);
}

static void
outcome_free (DaToolOutcome *outcome)
{
  g_clear_pointer (&outcome->call, da_tool_call_free);
  g_clear_pointer (&outcome->result, da_tool_result_free);
  g_free (outcome->content);
  g_free (outcome);
}

static void show_next (DaAppSecurity *self);

static void
dialog_destroyed_cb (DaAppSecurity *self,
                     GtkWidget     *dialog)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
  show_next (self);
}

static GtkWindow *
find_parent (void)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GList) toplevels = NULL;

  if (app != NULL && GTK_IS_APPLICATION (app) &&
      gtk_application_get_active_window (GTK_APPLICATION (app)) != NULL)
    return gtk_application_get_active_window (GTK_APPLICATION (app));

  /* A window outside the application (an embedding, a test). */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && !DA_IS_PERMISSION_DIALOG (l->data))
      return l->data;
  return NULL;
}

static void
show_next (DaAppSecurity *self)
{
  Pending *pending;

  while (self->dialog == NULL && (pending = g_queue_pop_head (&self->pending)) != NULL)
    {
      if ((pending->cancellable == NULL || !g_cancellable_is_cancelled (pending->cancellable)) &&
          !da_permission_request_get_answered (pending->request))
        {
          self->dialog = da_permission_dialog_new (find_parent (), pending->request,
                                                   pending->cancellable);
          g_signal_connect_object (self->dialog, "destroy", G_CALLBACK (dialog_destroyed_cb),
                                   self, G_CONNECT_SWAPPED);
          gtk_window_present (GTK_WINDOW (self->dialog));
          g_signal_emit (self, signals[PROMPT_SHOWN], 0, self->dialog);
        }
      pending_free (pending);
    }
}

static void
prompter (DaPermissionBroker  *broker,
          DaPermissionRequest *request,
          GCancellable        *cancellable,
          gpointer             user_data)
{
  DaAppSecurity *self = user_data;
  Pending *pending = g_new0 (Pending, 1);

  pending->request = g_object_ref (request);
  pending->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_queue_push_tail (&self->pending, pending);
  show_next (self);
}

static void
tool_result_cb (DaAppSecurity *self,
                const char    *agent,
                DaToolCall    *call,
                gboolean       ok,
                const char    *content,
                DaToolResult  *result,
                DaToolbox     *toolbox)
{
  DaToolOutcome *outcome;

  if (call == NULL || call->id == NULL)
    return;

  outcome = g_new0 (DaToolOutcome, 1);
  outcome->call = da_tool_call_copy (call);
  outcome->ok = ok;
  outcome->content = g_strdup (content);
  outcome->result = result ? da_tool_result_copy (result) : NULL;
  /* The toolbox words a refused permission this way (da-toolbox.c). */
  outcome->denied = result == NULL && content != NULL &&
                    g_str_has_prefix (content, "Error: permission denied");
  g_hash_table_replace (self->outcomes, g_strdup (call->id), outcome);
  g_signal_emit (self, signals[OUTCOME_ADDED], 0, call->id);
}

static void
da_app_security_dispose (GObject *object)
{
  DaAppSecurity *self = DA_APP_SECURITY (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  if (self->dialog != NULL)
    {
      GtkWidget *dialog = g_steal_pointer (&self->dialog);

      g_signal_handlers_disconnect_by_data (dialog, self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  if (self->broker != NULL)
    da_permission_broker_set_prompter (self->broker, NULL, NULL, NULL);
  g_clear_object (&self->broker);
  g_clear_object (&self->runner);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (da_app_security_parent_class)->dispose (object);
}

static void
da_app_security_finalize (GObject *object)
{
  DaAppSecurity *self = DA_APP_SECURITY (object);

  g_clear_pointer (&self->outcomes, g_hash_table_unref);
  g_free (self->workspace);

  G_OBJECT_CLASS (da_app_security_parent_class)->finalize (object);
}

static void
da_app_security_class_init (DaAppSecurityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_app_security_dispose;
  object_class->finalize = da_app_security_finalize;

  /**
   * DaAppSecurity::outcome-added:
   * @call_id: the tool call that finished
   */
  signals[OUTCOME_ADDED] =
    g_signal_new ("outcome-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * DaAppSecurity::prompt-shown:
   * @dialog: the DaPermissionDialog now on screen
   */
  signals[PROMPT_SHOWN] =
    g_signal_new ("prompt-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, GTK_TYPE_WIDGET);
}

static void
da_app_security_init (DaAppSecurity *self)
{
  self->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) outcome_free);
  g_queue_init (&self->pending);
}

/**
 * da_app_security_new:
 * @store: (nullable): where grants and the audit log go
 * @workspace: (nullable): the folder relative paths start from; the
 *   home folder when %NULL
 */
DaAppSecurity *
da_app_security_new (DaStore    *store,
                     const char *workspace)
{
  DaAppSecurity *self;

  g_return_val_if_fail (store == NULL || DA_IS_STORE (store), NULL);

  self = g_object_new (DA_TYPE_APP_SECURITY, NULL);
  self->store = store ? g_object_ref (store) : NULL;
  self->workspace = g_strdup (workspace ? workspace : g_get_home_dir ());
  self->broker = da_permission_broker_new (store);
  self->runner = da_sandbox_runner_new (NULL);
  da_permission_broker_set_prompter (self->broker, prompter, self, NULL);

  return self;
}

/**
 * da_app_security_get_default:
 *
 * Returns: (transfer none): the application's broker and sandbox, with
 *   the history database (`da_store_default_path()`) for grants and audit
 */
static DaAppSecurity *instance;

DaAppSecurity *
da_app_security_get_default (void)
{
  if (instance == NULL)
    {
      g_autofree char *path = da_store_default_path ();
      g_autoptr(GError) error = NULL;
      g_autoptr(DaStore) store = da_store_new (path, &error);

      if (store == NULL)
        g_warning ("Permissions: grants and the audit log cannot be kept: %s", error->message);
      instance = da_app_security_new (store, NULL);
    }

  return instance;
}

/**
 * da_app_security_peek_default:
 *
 * Returns: (nullable) (transfer none): the default instance if an agent
 *   with tools made it already
 */
DaAppSecurity *
da_app_security_peek_default (void)
{
  return instance;
}

/**
 * da_app_security_get_store:
 *
 * Returns: (nullable) (transfer none): the store with grants and audit log
 */
DaStore *
da_app_security_get_store (DaAppSecurity *self)
{
  g_return_val_if_fail (DA_IS_APP_SECURITY (self), NULL);
  return self->store;
}

DaPermissionBroker *
da_app_security_get_broker (DaAppSecurity *self)
{
  g_return_val_if_fail (DA_IS_APP_SECURITY (self), NULL);
  return self->broker;
}

const char *
da_app_security_get_workspace (DaAppSecurity *self)
{
  g_return_val_if_fail (DA_IS_APP_SECURITY (self), NULL);
  return self->workspace;
}

/* Gives @agent the built-in @tools under @permissions_node (a team
 * file's `permissions` object, or none: everything asked). */
static gboolean
equip (DaAppSecurity       *self,
       DaConversableAgent  *agent,
       const char * const  *tools,
       JsonNode            *permissions_node,
       const char          *json_path,
       GError             **error)
{
  g_autoptr(DaToolRegistry) registry = da_tool_registry_new ();
  g_autoptr(DaPermissions) permissions = NULL;
  g_autoptr(DaToolbox) toolbox = NULL;

  for (guint i = 0; tools[i] != NULL; i++)
    if (!da_builtin_tools_add (registry, tools[i], error))
      return FALSE;

  if (permissions_node != NULL && !JSON_NODE_HOLDS_NULL (permissions_node))
    permissions = da_permissions_new_from_json (self->workspace, permissions_node, json_path, error);
  else
    permissions = da_permissions_new (self->workspace);
  if (permissions == NULL)
    return FALSE;

  da_permission_broker_set_permissions (self->broker, da_agent_get_name (DA_AGENT (agent)), permissions);
  toolbox = da_toolbox_new (registry, self->broker, self->runner);
  g_signal_connect_object (toolbox, "tool-result", G_CALLBACK (tool_result_cb),
                           self, G_CONNECT_SWAPPED);
  da_conversable_agent_set_toolbox (agent, toolbox);

  return TRUE;
}

/**
 * da_app_security_equip_agent:
 * @config: (nullable): the agent's team-file object; its "tools" and
 *   "permissions" members are used
 *
 * Gives @agent the built-in tools @config lists, its permissions on the
 * broker, and the permission dialog to ask through. An agent without
 * tools is left as it is.
 */
gboolean
da_app_security_equip_agent (DaAppSecurity       *self,
                             DaConversableAgent  *agent,
                             JsonObject          *config,
                             GError             **error)
{
  JsonNode *tools_node;
  JsonArray *tools;
  g_autoptr(GPtrArray) names = NULL;

  g_return_val_if_fail (DA_IS_APP_SECURITY (self), FALSE);
  g_return_val_if_fail (DA_IS_CONVERSABLE_AGENT (agent), FALSE);

  if (config == NULL)
    return TRUE;

  tools_node = json_object_get_member (config, "tools");
  if (tools_node == NULL || JSON_NODE_HOLDS_NULL (tools_node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (tools_node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The agent’s “tools” must be a list of tool names"));
      return FALSE;
    }

  tools = json_node_get_array (tools_node);
  if (json_array_get_length (tools) == 0)
    return TRUE;

  names = g_ptr_array_new_null_terminated (json_array_get_length (tools), NULL, TRUE);
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      const char *tool = json_array_get_string_element (tools, i);

      if (tool == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The agent’s “tools” must be a list of tool names"));
          return FALSE;
        }
      g_ptr_array_add (names, (gpointer) tool);
    }

  return equip (self, agent, (const char * const *) names->pdata,
                json_object_get_member (config, "permissions"), "permissions", error);
}

/**
 * da_app_security_equip_team:
 * @config: the team file
 * @agents: (element-type DaAgent): its agents, in file order, as
 *   da_team_config_create_agents() made them
 *
 * Gives each agent of the team the tools and permissions its entry in
 * the team file lists, as the command line does, asking through the
 * permission dialog. Agents without tools are left as they are.
 *
 * Returns: %FALSE with @error naming the agent when a tool is unknown or
 *   a `permissions` object cannot be used
 */
gboolean
da_app_security_equip_team (DaAppSecurity  *self,
                            DaTeamConfig   *config,
                            GPtrArray      *agents,
                            GError        **error)
{
  g_return_val_if_fail (DA_IS_APP_SECURITY (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (agents != NULL, FALSE);

  for (guint i = 0; i < config->agents->len && i < agents->len; i++)
    {
      const DaAgentConfig *entry = g_ptr_array_index (config->agents, i);
      DaAgent *agent = g_ptr_array_index (agents, i);
      g_autofree char *json_path = NULL;

      if (entry->tools == NULL || entry->tools[0] == NULL)
        continue;
      g_assert (g_strcmp0 (entry->name, da_agent_get_name (agent)) == 0);
      if (!DA_IS_CONVERSABLE_AGENT (agent))
        continue;

      json_path = g_strdup_printf ("agents[%u].permissions", i);
      if (!equip (self, DA_CONVERSABLE_AGENT (agent), (const char * const *) entry->tools,
                  entry->permissions, json_path, error))
        {
          g_prefix_error (error, "%s: ", entry->name);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * da_app_security_lookup_outcome:
 *
 * Returns: (nullable) (transfer none): what the call with @call_id came
 *   to in this run of the application
 */
const DaToolOutcome *
da_app_security_lookup_outcome (DaAppSecurity *self,
                                const char    *call_id)
{
  g_return_val_if_fail (DA_IS_APP_SECURITY (self), NULL);

  if (call_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->outcomes, call_id);
}
