/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-agents"

#include "config.h"

#include "da-human-input-request-private.h"

/**
 * DaHumanInputRequest:
 *
 * One question to the human behind an agent. The handler that receives
 * it answers once, now or later (from a dialog, a terminal, …), with
 * da_human_input_request_reply() or da_human_input_request_cancel().
 * An empty answer means "use the auto reply", "exit" ends the chat, and
 * cancelling aborts the chat as if its #GCancellable had been cancelled.
 * When the chat is cancelled first, the request completes by itself
 * (#DaHumanInputRequest:completed turns %TRUE) and later answers are
 * ignored.
 */
struct _DaHumanInputRequest
{
  GObject  parent_instance;

  DaAgent *agent;
  char    *prompt;
  GTask   *task;
  GSource *cancel_source;
};

G_DEFINE_FINAL_TYPE (DaHumanInputRequest, da_human_input_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AGENT,
  PROP_PROMPT,
  PROP_COMPLETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
da_human_input_request_complete (DaHumanInputRequest *self,
                                 char                *text,
                                 GError              *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_assert (task != NULL);

  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

static gboolean
da_human_input_request_cancelled_cb (GCancellable *cancellable,
                                     gpointer      user_data)
{
  DaHumanInputRequest *self = user_data;

  if (self->task != NULL)
    da_human_input_request_complete (self, NULL,
                                     g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                          "The question to the human was cancelled"));

  return G_SOURCE_REMOVE;
}

static void
da_human_input_request_dispose (GObject *object)
{
  DaHumanInputRequest *self = (DaHumanInputRequest *)object;

  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  g_clear_object (&self->agent);

  G_OBJECT_CLASS (da_human_input_request_parent_class)->dispose (object);
}

static void
da_human_input_request_finalize (GObject *object)
{
  DaHumanInputRequest *self = (DaHumanInputRequest *)object;

  /* The task holds a reference on us, so it is gone by now. */
  g_assert (self->task == NULL);
  g_clear_pointer (&self->prompt, g_free);

  G_OBJECT_CLASS (da_human_input_request_parent_class)->finalize (object);
}

static void
da_human_input_request_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DaHumanInputRequest *self = DA_HUMAN_INPUT_REQUEST (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;
    case PROP_COMPLETED:
      g_value_set_boolean (value, da_human_input_request_get_completed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_human_input_request_class_init (DaHumanInputRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_human_input_request_dispose;
  object_class->finalize = da_human_input_request_finalize;
  object_class->get_property = da_human_input_request_get_property;

  properties[PROP_AGENT] =
    g_param_spec_object ("agent", NULL, NULL, DA_TYPE_AGENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETED] =
    g_param_spec_boolean ("completed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_human_input_request_init (DaHumanInputRequest *self)
{
}

DaHumanInputRequest *
_da_human_input_request_new (DaAgent             *agent,
                             const char          *prompt,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  DaHumanInputRequest *self;

  g_return_val_if_fail (DA_IS_AGENT (agent), NULL);
  g_return_val_if_fail (prompt != NULL, NULL);

  self = g_object_new (DA_TYPE_HUMAN_INPUT_REQUEST, NULL);
  self->agent = g_object_ref (agent);
  self->prompt = g_strdup (prompt);
  /* The task keeps the request alive until it is answered; the caller
   * keeps its own reference for as long as it needs one. */
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, _da_human_input_request_new);

  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source,
                             G_SOURCE_FUNC (da_human_input_request_cancelled_cb),
                             self, NULL);
      g_source_attach (self->cancel_source, g_main_context_get_thread_default ());
    }

  return self;
}

char *
_da_human_input_request_finish (DaHumanInputRequest  *self,
                                GAsyncResult         *result,
                                GError              **error)
{
  g_return_val_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * da_human_input_request_get_agent:
 *
 * Returns: (transfer none): the agent whose human is asked
 */
DaAgent *
da_human_input_request_get_agent (DaHumanInputRequest *self)
{
  g_return_val_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self), NULL);
  return self->agent;
}

const char *
da_human_input_request_get_prompt (DaHumanInputRequest *self)
{
  g_return_val_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self), NULL);
  return self->prompt;
}

gboolean
da_human_input_request_get_completed (DaHumanInputRequest *self)
{
  g_return_val_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self), TRUE);
  return self->task == NULL;
}

/**
 * da_human_input_request_reply:
 * @text: (nullable): the human's answer; %NULL or "" asks for the auto
 *   reply, "exit" ends the conversation
 *
 * Answers the request. Does nothing when it is already completed.
 */
void
da_human_input_request_reply (DaHumanInputRequest *self,
                              const char          *text)
{
  g_return_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self));

  if (self->task == NULL)
    return;

  da_human_input_request_complete (self, g_strdup (text != NULL ? text : ""), NULL);
}

/**
 * da_human_input_request_cancel:
 *
 * Declines to answer: the chat stops as cancelled. Does nothing when the
 * request is already completed.
 */
void
da_human_input_request_cancel (DaHumanInputRequest *self)
{
  g_return_if_fail (DA_IS_HUMAN_INPUT_REQUEST (self));

  if (self->task == NULL)
    return;

  da_human_input_request_complete (self, NULL,
                                   g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                        "The human declined to answer"));
}
