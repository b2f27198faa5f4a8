/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "da-builtin-tool-private.h"
#include "da-net-proxy.h"
#include "da-tool-error.h"

/**
 * DaBuiltinTool:
 *
 * The tools that come with the application: read_file, write_file,
 * list_directory, run_shell_command, run_python and fetch_url. Each runs
 * a small fixed program (coreutils, /bin/sh, python3) inside
 * denoagents-sandbox under a policy made of the agent's permissions, the
 * targets the broker granted for this call, and the read-only system
 * directories the program itself needs. Network goes through a
 * #DaNetProxy started for the call, whose unix socket the sandbox
 * bridges to 127.0.0.1:3128 inside its network namespace; hosts the call
 * did not name are put to the broker.
 */

#define PROXY_PORT 3128

struct _DaBuiltinTool
{
  DaTool               parent_instance;

  const DaBuiltinSpec *spec;
};

G_DEFINE_FINAL_TYPE (DaBuiltinTool, da_builtin_tool, DA_TYPE_TOOL)

static const char * const system_read[] = {
  "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
  "/etc/alternatives", "/etc/ld.so.cache",
};

typedef struct
{
  DaToolContext *context;
  DaNetProxy    *proxy;
  char          *proxy_dir;
  char          *proxy_socket;
  GPtrArray     *net_denials;
  gboolean       network;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->proxy != NULL)
    {
      da_net_proxy_set_decide_func (data->proxy, NULL, NULL, NULL);
      da_net_proxy_set_address_func (data->proxy, NULL, NULL, NULL);
      da_net_proxy_stop (data->proxy);
    }
  g_clear_object (&data->proxy);
  if (data->proxy_socket != NULL)
    g_unlink (data->proxy_socket);
  if (data->proxy_dir != NULL)
    g_rmdir (data->proxy_dir);
  g_free (data->proxy_socket);
  g_free (data->proxy_dir);
  g_clear_pointer (&data->net_denials, g_ptr_array_unref);
  g_clear_pointer (&data->context, da_tool_context_unref);
  g_free (data);
}

void
_da_builtin_plan_clear (DaBuiltinPlan *plan)
{
  g_clear_pointer (&plan->argv, g_ptr_array_unref);
  g_clear_pointer (&plan->input, g_bytes_unref);
  g_clear_pointer (&plan->extra_read, g_ptr_array_unref);
  g_clear_pointer (&plan->extra_write, g_ptr_array_unref);
}

/**
 * _da_builtin_output:
 *
 * The captured bytes as text for the model: invalid UTF-8 replaced, a
 * note when cut.
 */
char *
_da_builtin_output (GBytes   *bytes,
                    gboolean  truncated)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  g_autofree char *text = g_utf8_make_valid (data ? data : "", (gssize) len);

  if (truncated)
    return g_strconcat (text, "\n[output truncated]", NULL);
  return g_steal_pointer (&text);
}

static JsonArray *
ensure_array (JsonObject *object,
              const char *member)
{
  if (!json_object_has_member (object, member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    json_object_set_array_member (object, member, json_array_new ());
  return json_object_get_array_member (object, member);
}

static JsonObject *
ensure_object (JsonObject *object,
               const char *member)
{
  if (!json_object_has_member (object, member) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, member)))
    json_object_set_object_member (object, member, json_object_new ());
  return json_object_get_object_member (object, member);
}

static void
add_unique (JsonArray  *array,
            const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return;
  json_array_add_string_element (array, value);
}

static void
add_strv (JsonArray *array,
          GStrv      values)
{
  for (guint i = 0; values[i] != NULL; i++)
    add_unique (array, values[i]);
}

static gboolean
is_under (const char *path,
          const char *dir)
{
  gsize n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return TRUE;
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static gboolean
covered (JsonArray  *array,
         const char *path)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (is_under (path, json_array_get_string_element (array, i)))
      return TRUE;
  return FALSE;
}

/* Grants add up as in Deno: a path with write access includes read
 * access to everything below it, so a read path inside a write path is
 * dropped (the helper would otherwise make it read-only, the more
 * specific bind winning).  Any other nesting, such as a writable file in
 * a read-only folder, goes to the helper as it is. */
static void
drop_reads_under_writes (JsonObject *fs,
                         JsonArray  *read,
                         JsonArray  *write)
{
  JsonArray *kept = json_array_new ();

  for (guint i = 0; i < json_array_get_length (read); i++)
    {
      const char *path = json_array_get_string_element (read, i);

      if (!covered (write, path))
        json_array_add_string_element (kept, path);
    }
  json_object_set_array_member (fs, "read", kept);
}

static void
set_env_default (JsonObject *set,
                 const char *name,
                 const char *value)
{
  if (!json_object_has_member (set, name))
    json_object_set_string_member (set, name, value);
}

static JsonNode *
build_policy (DaToolContext  *context,
              DaBuiltinPlan  *plan,
              const char     *proxy_socket,
              GError        **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) granted_read = da_tool_context_get_granted (context, DA_PERMISSION_READ);
  g_auto(GStrv) granted_write = da_tool_context_get_granted (context, DA_PERMISSION_WRITE);
  g_auto(GStrv) granted_env = da_tool_context_get_granted (context, DA_PERMISSION_ENV);
  g_auto(GStrv) granted_net = da_tool_context_get_granted (context, DA_PERMISSION_NET);
  JsonObject *policy, *fs, *env, *set;
  JsonArray *read, *write;
  const char *isolation, *cwd;

  root = da_permissions_to_sandbox_policy (da_tool_context_get_permissions (context), &local_error);
  if (root == NULL)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_SANDBOX,
                   "The agent's permissions cannot be expressed as a sandbox policy: %s",
                   local_error->message);
      return NULL;
    }
  policy = json_node_get_object (root);

  /* Network only through the proxy, and only for a call that uses it. */
  json_object_remove_member (policy, "net");
  isolation = json_object_get_string_member_with_default (policy, "isolation", "strict");
  if (plan->network)
    {
      JsonObject *net = json_object_new ();
      JsonArray *allow = json_array_new ();

      if (g_strcmp0 (isolation, "moderate") != 0)
        json_object_set_string_member (policy, "isolation", "moderate");
      add_strv (allow, granted_net);
      json_object_set_array_member (net, "allow", allow);
      json_object_set_string_member (net, "proxy_socket", proxy_socket);
      json_object_set_int_member (net, "proxy_port", PROXY_PORT);
      json_object_set_object_member (policy, "net", net);
    }

  fs = ensure_object (policy, "fs");
  if (!plan->agent_fs)
    {
      json_object_set_array_member (fs, "read", json_array_new ());
      json_object_set_array_member (fs, "write", json_array_new ());
    }
  read = ensure_array (fs, "read");
  write = ensure_array (fs, "write");
  for (guint i = 0; i < G_N_ELEMENTS (system_read); i++)
    if (g_file_test (system_read[i], G_FILE_TEST_EXISTS))
      add_unique (read, system_read[i]);
  for (guint i = 0; plan->extra_read && i < plan->extra_read->len; i++)
    add_unique (read, g_ptr_array_index (plan->extra_read, i));
  for (guint i = 0; plan->extra_write && i < plan->extra_write->len; i++)
    add_unique (write, g_ptr_array_index (plan->extra_write, i));
  add_strv (read, granted_read);
  add_strv (write, granted_write);
  if (plan->temp)
    json_object_set_boolean_member (fs, "temp", TRUE);
  drop_reads_under_writes (fs, read, write);
  read = json_object_get_array_member (fs, "read");

  env = ensure_object (policy, "env");
  add_strv (ensure_array (env, "allow"), granted_env);
  set = ensure_object (env, "set");
  set_env_default (set, "PATH", "/usr/local/bin:/usr/bin:/bin");
  set_env_default (set, "LANG", "C.UTF-8");
  if (json_object_get_boolean_member_with_default (fs, "temp", FALSE))
    {
      set_env_default (set, "HOME", "/tmp");
      set_env_default (set, "TMPDIR", "/tmp");
    }

  /* A working directory the sandbox cannot see would fail the set-up. */
  cwd = json_object_get_string_member_with_default (policy, "cwd", NULL);
  if (cwd != NULL && !covered (read, cwd) && !covered (write, cwd))
    json_object_remove_member (policy, "cwd");

  return g_steal_pointer (&root);
}

static void
proxy_decided_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DaNetProxyRequest) request = user_data;
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;
  gboolean explicit_target = FALSE;
  DaPermissionDecision decision;

  decision = da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), result,
                                                  &reason, &explicit_target, &error);
  if (error != NULL)
    da_net_proxy_request_deny (request, error->message);
  else if (decision == DA_PERMISSION_DECISION_ALLOW)
    da_net_proxy_request_allow (request, explicit_target);
  else
    da_net_proxy_request_deny (request, reason);
}

static char *
net_target (const char *host,
            guint16     port)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);

  if (strchr (lower, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", lower, port);
  return g_strdup_printf ("%s:%u", lower, port);
}

static void
proxy_decide_cb (DaNetProxy        *proxy,
                 DaNetProxyRequest *request,
                 gpointer           user_data)
{
  RunData *data = user_data;
  g_autofree char *target = net_target (da_net_proxy_request_get_host (request),
                                        da_net_proxy_request_get_port (request));
  DaPermissionBroker *broker = da_tool_context_get_broker (data->context);
  gboolean explicit_target = FALSE;

  if (da_tool_context_is_granted (data->context, DA_PERMISSION_NET, target, &explicit_target))
    {
      da_net_proxy_request_allow (request, explicit_target);
      return;
    }

  if (broker == NULL)
    {
      g_ptr_array_add (data->net_denials, g_strdup_printf ("net: %s", target));
      da_net_proxy_request_deny (request, "no permission broker for this call");
      return;
    }

  da_permission_broker_request_async (broker,
                                      da_tool_context_get_agent (data->context),
                                      da_tool_context_get_tool (data->context),
                                      DA_PERMISSION_NET, target,
                                      "a connection the tool opened",
                                      NULL, proxy_decided_cb, g_object_ref (request));
}

static void
proxy_result_cb (DaNetProxy *proxy,
                 const char *host,
                 guint       port,
                 gboolean    allowed,
                 const char *reason,
                 gpointer    user_data)
{
  RunData *data = user_data;

  if (!allowed)
    g_ptr_array_add (data->net_denials,
                     g_strdup_printf ("net: %s:%u (%s)", host, port, reason ? reason : "denied"));
}

/* A denied IP or CIDR applies to what an allowed name resolves to. */
static gboolean
proxy_address_cb (DaNetProxy         *proxy,
                  DaNetProxyRequest  *request,
                  GInetAddress       *address,
                  guint16             port,
                  char              **reason,
                  gpointer            user_data)
{
  RunData *data = user_data;
  DaPermissionBroker *broker = da_tool_context_get_broker (data->context);
  const char *host = da_net_proxy_request_get_host (request);
  g_autofree char *target = NULL;
  g_autofree char *why = NULL;

  if (!da_tool_context_address_denied (data->context, address, port, &target, &why))
    return TRUE;

  g_ptr_array_add (data->net_denials, g_strdup_printf ("net: %s (resolved from %s)", target, host));
  if (broker != NULL)
    {
      g_autofree char *audit_reason =
        g_strdup_printf ("%s resolved to a denied address%s%s", host, why ? ": " : "", why ? why : "");

      da_permission_broker_record_denial (broker, da_tool_context_get_agent (data->context),
                                          da_tool_context_get_tool (data->context),
                                          "net", target, audit_reason);
    }
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return FALSE;
}

static gboolean
start_proxy (RunData  *data,
             GError  **error)
{
  guint64 max;

  data->proxy_dir = g_dir_make_tmp ("denoagents-proxy-XXXXXX", error);
  if (data->proxy_dir == NULL)
    return FALSE;
  data->proxy_socket = g_build_filename (data->proxy_dir, "proxy.sock", NULL);
  data->proxy = da_net_proxy_new ();
  max = da_permissions_get_quota (da_tool_context_get_permissions (data->context),
                                  DA_QUOTA_NET_MAX_CONNECTIONS);
  if (max > 0)
    da_net_proxy_set_max_connections (data->proxy, (guint) MIN (max, G_MAXUINT));
  da_net_proxy_set_decide_func (data->proxy, proxy_decide_cb, data, NULL);
  da_net_proxy_set_address_func (data->proxy, proxy_address_cb, data, NULL);
  g_signal_connect (data->proxy, "decided", G_CALLBACK (proxy_result_cb), data);
  return da_net_proxy_listen_unix (data->proxy, data->proxy_socket, error);
}

static void
record_reports (GTask         *task,
                DaSandboxRun  *run,
                DaToolResult  *result)
{
  RunData *data = g_task_get_task_data (task);
  DaPermissionBroker *broker = da_tool_context_get_broker (data->context);

  for (guint i = 0; i < run->reports->len; i++)
    {
      DaSandboxReport *report = g_ptr_array_index (run->reports, i);

      if (g_strcmp0 (report->type, "start") == 0)
        {
          if (g_strcmp0 (report->detail, "moderate") == 0)
            result->isolation = DA_ISOLATION_MODERATE;
          else if (g_strcmp0 (report->detail, "minimal") == 0)
            result->isolation = DA_ISOLATION_MINIMAL;
          else
            result->isolation = DA_ISOLATION_STRICT;
          continue;
        }
      /* How limits are enforced and what cannot be observed: not
       * denials. */
      if (g_strcmp0 (report->type, "memory") == 0 || g_strcmp0 (report->type, "notice") == 0)
        {
          g_debug ("sandbox %s: %s", report->type, report->detail ? report->detail : "");
          continue;
        }

      g_ptr_array_add (result->denials,
                       g_strdup_printf ("%s: %s", report->type, report->detail ? report->detail : ""));
      if (broker != NULL)
        da_permission_broker_record_denial (broker,
                                            da_tool_context_get_agent (data->context),
                                            da_tool_context_get_tool (data->context),
                                            report->type, report->detail ? report->detail : "",
                                            "refused by the sandbox while the tool ran");
    }

  for (guint i = 0; i < data->net_denials->len; i++)
    g_ptr_array_add (result->denials, g_strdup (g_ptr_array_index (data->net_denials, i)));
}

static void
run_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DaBuiltinTool *self = g_task_get_source_object (task);
  g_autoptr(DaSandboxRun) run = NULL;
  g_autoptr(GError) error = NULL;
  DaToolResult *result;
  JsonObject *args;

  run = da_sandbox_runner_run_finish (DA_SANDBOX_RUNNER (object), res, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  args = g_object_get_data (G_OBJECT (task), "args");
  result = self->spec->result (args, run);
  result->duration_us = run->duration_us;
  result->sandboxed = TRUE;
  if (result->exit_status == -1 && run->exit_status >= 0)
    result->exit_status = run->exit_status;
  record_reports (task, run, result);
  if (result->denials->len > 0 && !result->ok)
    {
      g_autofree char *list = NULL;
      g_autoptr(GString) text = g_string_new (result->content);

      g_ptr_array_add (result->denials, NULL);
      list = g_strjoinv ("; ", (char **) result->denials->pdata);
      g_ptr_array_remove_index (result->denials, result->denials->len - 1);
      g_string_append_printf (text, "\n[the sandbox refused: %s]", list);
      g_free (result->content);
      result->content = g_string_free (g_steal_pointer (&text), FALSE);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) da_tool_result_free);
}

static void
da_builtin_tool_run_async (DaTool              *tool,
                           DaToolContext       *context,
                           JsonObject          *args,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  DaBuiltinTool *self = DA_BUILTIN_TOOL (tool);
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) policy = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DaBuiltinPlan) plan = { 0 };
  RunData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_builtin_tool_run_async);
  g_object_set_data_full (G_OBJECT (task), "args", json_object_ref (args),
                          (GDestroyNotify) json_object_unref);

  data = g_new0 (RunData, 1);
  data->context = da_tool_context_ref (context);
  data->net_denials = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  plan.argv = g_ptr_array_new_with_free_func (g_free);
  plan.extra_read = g_ptr_array_new_with_free_func (g_free);
  plan.extra_write = g_ptr_array_new_with_free_func (g_free);
  if (!self->spec->plan (context, args, &plan, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_add (plan.argv, NULL);

  if (plan.network && !start_proxy (data, &error))
    {
      g_task_return_new_error (task, DA_TOOL_ERROR, DA_TOOL_ERROR_SANDBOX,
                               "Could not start the network proxy: %s", error->message);
      return;
    }

  policy = build_policy (context, &plan, data->proxy_socket, &error);
  if (policy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  da_sandbox_runner_run_async (da_tool_context_get_runner (context), policy,
                               (const char * const *) plan.argv->pdata, plan.input,
                               cancellable, run_cb, g_steal_pointer (&task));
}

static DaToolResult *
da_builtin_tool_run_finish (DaTool        *tool,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, tool), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GPtrArray *
da_builtin_tool_permissions_for (DaTool         *tool,
                                 DaToolContext  *context,
                                 JsonObject     *args,
                                 GError        **error)
{
  DaBuiltinTool *self = DA_BUILTIN_TOOL (tool);

  return self->spec->permissions (context, args, error);
}

static void
da_builtin_tool_class_init (DaBuiltinToolClass *klass)
{
  DaToolClass *tool_class = DA_TOOL_CLASS (klass);

  tool_class->permissions_for = da_builtin_tool_permissions_for;
  tool_class->run_async = da_builtin_tool_run_async;
  tool_class->run_finish = da_builtin_tool_run_finish;
}

static void
da_builtin_tool_init (DaBuiltinTool *self)
{
}

/**
 * da_builtin_tool_new:
 *
 * Returns: (transfer full) (nullable): the built-in tool called @name,
 *   or %NULL when there is none
 */
DaTool *
da_builtin_tool_new (const char *name)
{
  const DaBuiltinSpec *specs;
  guint n_specs;

  g_return_val_if_fail (name != NULL, NULL);

  specs = _da_builtin_specs (&n_specs);
  for (guint i = 0; i < n_specs; i++)
    if (strcmp (specs[i].name, name) == 0)
      {
        g_autoptr(JsonNode) parameters = json_from_string (specs[i].parameters, NULL);
        DaBuiltinTool *self;

        g_assert (parameters != NULL);
        self = g_object_new (DA_TYPE_BUILTIN_TOOL,
                             "name", specs[i].name,
                             "description", specs[i].description,
                             "parameters", parameters,
                             NULL);
        self->spec = &specs[i];
        return DA_TOOL (self);
      }
  return NULL;
}

/**
 * da_builtin_tool_get_names:
 *
 * Returns: (transfer none): the names of the built-in tools
 */
const char * const *
da_builtin_tool_get_names (void)
{
  static const char * const names[] = {
    "read_file", "write_file", "list_directory", "run_shell_command", "run_python", "fetch_url", NULL,
  };
  return names;
}

/**
 * da_builtin_tools_add:
 *
 * Adds the built-in tool @name to @registry.
 *
 * Returns: %FALSE with %DA_TOOL_ERROR_UNKNOWN_TOOL when there is none
 */
gboolean
da_builtin_tools_add (DaToolRegistry  *registry,
                      const char      *name,
                      GError         **error)
{
  g_autoptr(DaTool) tool = NULL;

  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (registry), FALSE);

  tool = name ? da_builtin_tool_new (name) : NULL;
  if (tool == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) da_builtin_tool_get_names ());

      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_UNKNOWN_TOOL,
                   "There is no built-in tool “%s” (the tools are: %s)", name ? name : "", list);
      return FALSE;
    }
  da_tool_registry_add (registry, tool);
  return TRUE;
}
