/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include "da-toolbox.h"
#include "da-tool-error.h"

/**
 * DaToolbox:
 *
 * What an agent needs to answer its model's tool calls: the tools it may
 * call, the permission broker and the sandbox runner. Executing a batch
 * of calls validates each one (unknown tool, bad JSON, schema
 * violation), asks the broker for every permission it needs, runs the
 * allowed calls in parallel and gives one tool message per call, in the
 * calls' order. Whatever goes wrong short of cancellation becomes error
 * text in that message, so the model can correct itself.
 */

struct _DaToolbox
{
  GObject             parent_instance;

  DaToolRegistry     *registry;
  DaPermissionBroker *broker;
  DaSandboxRunner    *runner;
  guint               max_iterations;
};

G_DEFINE_FINAL_TYPE (DaToolbox, da_toolbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REGISTRY,
  PROP_BROKER,
  PROP_RUNNER,
  PROP_MAX_ITERATIONS,
  N_PROPS
};

enum {
  TOOL_CALL,
  TOOL_RESULT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char       *agent;
  GPtrArray  *calls;      /* DaToolCall */
  GPtrArray  *messages;   /* DaMessage or NULL, per call */
  guint       n_pending;
} Batch;

typedef struct
{
  GTask         *batch_task;   /* owned */
  guint          index;
  DaToolCall    *call;
  DaTool        *tool;
  JsonObject    *args;
  DaToolContext *context;
  GPtrArray     *needed;       /* DaToolPermission */
  guint          next_permission;
} Call;

static void
batch_free (Batch *batch)
{
  g_free (batch->agent);
  g_ptr_array_unref (batch->calls);
  g_ptr_array_unref (batch->messages);
  g_free (batch);
}

static void
call_free (Call *call)
{
  g_clear_object (&call->batch_task);
  g_clear_pointer (&call->call, da_tool_call_free);
  g_clear_object (&call->tool);
  g_clear_pointer (&call->args, json_object_unref);
  g_clear_pointer (&call->context, da_tool_context_unref);
  g_clear_pointer (&call->needed, g_ptr_array_unref);
  g_free (call);
}

/**
 * da_toolbox_new_tool_message:
 *
 * Returns: (transfer full): the tool message answering @call
 */
DaMessage *
da_toolbox_new_tool_message (const char       *agent,
                             const DaToolCall *call,
                             const char       *content)
{
  DaMessage *message = da_message_new (DA_ROLE_TOOL, agent, content);

  da_message_set_tool_call_id (message, call->id);
  return message;
}

static void
call_done (Call               *call,
           gboolean            ok,
           const char         *content,
           const DaToolResult *result)
{
  GTask *task = call->batch_task;
  DaToolbox *self = g_task_get_source_object (task);
  Batch *batch = g_task_get_task_data (task);

  DaMessage *message = da_toolbox_new_tool_message (batch->agent, call->call, content);

  /* A failed call says so beside its text, for providers whose wire
   * format marks failed tool results (and it is kept in the history). */
  if (!ok)
    da_message_set_error_message (message, content != NULL && *content != '\0' ? content : "the tool failed");
  g_ptr_array_index (batch->messages, call->index) = message;
  g_signal_emit (self, signals[TOOL_RESULT], 0, batch->agent, call->call, ok, content, result);

  if (--batch->n_pending == 0)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_pointer (task, g_ptr_array_ref (batch->messages),
                               (GDestroyNotify) g_ptr_array_unref);
    }
  call_free (call);
}

static void
call_failed (Call         *call,
             const GError *error)
{
  g_autofree char *text = g_strdup_printf ("Error: %s", error->message);

  call_done (call, FALSE, text, NULL);
}

static void
run_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = da_tool_run_finish (DA_TOOL (object), res, &error);
  if (result == NULL)
    {
      call_failed (call, error);
      return;
    }
  call_done (call, result->ok, result->content, result);
}

static void ask_next (Call *call);

static void
permission_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  Call *call = user_data;
  DaToolPermission *needed = g_ptr_array_index (call->needed, call->next_permission);
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;
  gboolean explicit_target = FALSE;
  DaPermissionDecision decision;

  decision = da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), res,
                                                  &reason, &explicit_target, &error);
  if (error != NULL)
    {
      call_failed (call, error);
      return;
    }
  if (decision != DA_PERMISSION_DECISION_ALLOW)
    {
      g_autofree char *what = da_permissions_describe (needed->kind, needed->target);
      g_autofree char *text = g_strdup_printf ("Error: permission denied: %s (%s)",
                                               what, reason ? reason : "denied");

      call_done (call, FALSE, text, NULL);
      return;
    }

  da_tool_context_add_granted (call->context, needed->kind, needed->target, explicit_target);
  call->next_permission++;
  ask_next (call);
}

static void
ask_next (Call *call)
{
  DaToolbox *self = g_task_get_source_object (call->batch_task);
  Batch *batch = g_task_get_task_data (call->batch_task);
  GCancellable *cancellable = g_task_get_cancellable (call->batch_task);
  DaToolPermission *needed;

  if (call->next_permission < call->needed->len)
    {
      needed = g_ptr_array_index (call->needed, call->next_permission);
      da_permission_broker_request_async (self->broker, batch->agent, call->call->name,
                                          needed->kind, needed->target, needed->detail,
                                          cancellable, permission_cb, call);
      return;
    }

  da_tool_run_async (call->tool, call->context, call->args, cancellable, run_cb, call);
}

static void
start_call (GTask      *task,
            guint       index)
{
  DaToolbox *self = g_task_get_source_object (task);
  Batch *batch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Call *call;
  DaTool *tool;

  call = g_new0 (Call, 1);
  call->batch_task = g_object_ref (task);
  call->index = index;
  call->call = da_tool_call_copy (g_ptr_array_index (batch->calls, index));

  g_signal_emit (self, signals[TOOL_CALL], 0, batch->agent, call->call);

  tool = da_tool_registry_prepare_call (self->registry, call->call, &call->args, &error);
  if (tool == NULL)
    {
      call_failed (call, error);
      return;
    }
  call->tool = g_object_ref (tool);
  call->context = da_tool_context_new (batch->agent, call->call->name,
                                       da_permission_broker_get_permissions (self->broker, batch->agent),
                                       self->runner, self->broker);
  call->needed = da_tool_permissions_for (tool, call->context, call->args, &error);
  if (call->needed == NULL)
    {
      call_failed (call, error);
      return;
    }
  ask_next (call);
}

/**
 * da_toolbox_execute_async:
 * @agent: the agent whose model asked
 * @calls: (element-type DaToolCall): the calls of one assistant reply
 *
 * Runs @calls in parallel.
 */
void
da_toolbox_execute_async (DaToolbox           *self,
                          const char          *agent,
                          GPtrArray           *calls,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Batch *batch;

  g_return_if_fail (DA_IS_TOOLBOX (self));
  g_return_if_fail (agent != NULL);
  g_return_if_fail (calls != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_toolbox_execute_async);

  batch = g_new0 (Batch, 1);
  batch->agent = g_strdup (agent);
  batch->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) da_tool_call_free);
  for (guint i = 0; i < calls->len; i++)
    g_ptr_array_add (batch->calls, da_tool_call_copy (g_ptr_array_index (calls, i)));
  batch->messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_size (batch->messages, calls->len);
  batch->n_pending = calls->len;
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);

  if (calls->len == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (batch->messages),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  for (guint i = 0; i < calls->len; i++)
    start_call (task, i);
}

/**
 * da_toolbox_execute_finish:
 *
 * Returns: (transfer container) (element-type DaMessage): one tool
 *   message per call, in order; %NULL with %G_IO_ERROR_CANCELLED
 */
GPtrArray *
da_toolbox_execute_finish (DaToolbox     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DA_IS_TOOLBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
da_toolbox_dispose (GObject *object)
{
  DaToolbox *self = DA_TOOLBOX (object);

  g_clear_object (&self->registry);
  g_clear_object (&self->broker);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (da_toolbox_parent_class)->dispose (object);
}

static void
da_toolbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DaToolbox *self = DA_TOOLBOX (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_BROKER:
      g_value_set_object (value, self->broker);
      break;
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    case PROP_MAX_ITERATIONS:
      g_value_set_uint (value, self->max_iterations);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_toolbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DaToolbox *self = DA_TOOLBOX (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    case PROP_BROKER:
      self->broker = g_value_dup_object (value);
      break;
    case PROP_RUNNER:
      self->runner = g_value_dup_object (value);
      break;
    case PROP_MAX_ITERATIONS:
      da_toolbox_set_max_iterations (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_toolbox_class_init (DaToolboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_toolbox_dispose;
  object_class->get_property = da_toolbox_get_property;
  object_class->set_property = da_toolbox_set_property;

  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, DA_TYPE_TOOL_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROKER] =
    g_param_spec_object ("broker", NULL, NULL, DA_TYPE_PERMISSION_BROKER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL, DA_TYPE_SANDBOX_RUNNER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ITERATIONS] =
    g_param_spec_uint ("max-iterations", NULL, NULL, 1, G_MAXUINT, DA_TOOLBOX_DEFAULT_MAX_ITERATIONS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaToolbox::tool-call:
   * @agent: the agent
   * @call: the call, before it is checked
   */
  signals[TOOL_CALL] =
    g_signal_new ("tool-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, DA_TYPE_TOOL_CALL);

  /**
   * DaToolbox::tool-result:
   * @agent: the agent
   * @call: the call
   * @ok: whether it did what was asked
   * @content: the text that goes back to the model
   * @result: (nullable): the tool's result, %NULL when the call never ran
   *   (invalid, denied, failed)
   */
  signals[TOOL_RESULT] =
    g_signal_new ("tool-result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, DA_TYPE_TOOL_CALL, G_TYPE_BOOLEAN, G_TYPE_STRING,
                  DA_TYPE_TOOL_RESULT);
}

static void
da_toolbox_init (DaToolbox *self)
{
  self->max_iterations = DA_TOOLBOX_DEFAULT_MAX_ITERATIONS;
}

DaToolbox *
da_toolbox_new (DaToolRegistry     *registry,
                DaPermissionBroker *broker,
                DaSandboxRunner    *runner)
{
  g_return_val_if_fail (DA_IS_TOOL_REGISTRY (registry), NULL);
  g_return_val_if_fail (DA_IS_PERMISSION_BROKER (broker), NULL);
  g_return_val_if_fail (DA_IS_SANDBOX_RUNNER (runner), NULL);

  return g_object_new (DA_TYPE_TOOLBOX,
                       "registry", registry,
                       "broker", broker,
                       "runner", runner,
                       NULL);
}

DaToolRegistry *
da_toolbox_get_registry (DaToolbox *self)
{
  g_return_val_if_fail (DA_IS_TOOLBOX (self), NULL);
  return self->registry;
}

DaPermissionBroker *
da_toolbox_get_broker (DaToolbox *self)
{
  g_return_val_if_fail (DA_IS_TOOLBOX (self), NULL);
  return self->broker;
}

DaSandboxRunner *
da_toolbox_get_runner (DaToolbox *self)
{
  g_return_val_if_fail (DA_IS_TOOLBOX (self), NULL);
  return self->runner;
}

guint
da_toolbox_get_max_iterations (DaToolbox *self)
{
  g_return_val_if_fail (DA_IS_TOOLBOX (self), 0);
  return self->max_iterations;
}

/**
 * da_toolbox_set_max_iterations:
 *
 * How many rounds of tool calls one reply may take before the agent
 * stops (default 10).
 */
void
da_toolbox_set_max_iterations (DaToolbox *self,
                               guint      max_iterations)
{
  g_return_if_fail (DA_IS_TOOLBOX (self));
  g_return_if_fail (max_iterations > 0);

  if (self->max_iterations == max_iterations)
    return;
  self->max_iterations = max_iterations;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ITERATIONS]);
}
