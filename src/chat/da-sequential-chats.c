/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-chat-error.h"
#include "da-conversable-agent.h"
#include "da-sequential-chats.h"

/**
 * DaSequentialChats:
 *
 * Two-agent chats run one after the other, as AutoGen's
 * initiate_chats(): each chat's summary is carried over to the chats
 * after it, appended to their opening message as
 * "MESSAGE\nContext: \nSUMMARY 1\nSUMMARY 2…". A summary is the chat's
 * last message with "TERMINATE" removed, or an LLM's reflection on the
 * chat (the reflection provider, or else the recipient's provider when
 * it is a #DaConversableAgent with one). The reflection call's usage is
 * reported by #DaSequentialChats::usage.
 *
 * Before each chat starts, #DaSequentialChats::chat-started hands it
 * out, so that its messages can be followed like any #DaChat's.
 */
typedef struct
{
  DaAgent         *initiator;
  DaAgent         *recipient;
  char            *message;
  guint            max_turns;
  DaSummaryMethod  method;
  DaChat          *chat;
} Step;

struct _DaSequentialChats
{
  GObject     parent_instance;

  GArray     *steps;
  DaProvider *reflection_provider;
  char       *reflection_model;

  /* While running */
  GTask      *task;
  GPtrArray  *summaries;
  guint       current;
  DaMessage  *reflection;
};

G_DEFINE_FINAL_TYPE (DaSequentialChats, da_sequential_chats, G_TYPE_OBJECT)

enum {
  CHAT_STARTED,
  USAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_step (DaSequentialChats *self);

static void
step_clear (Step *step)
{
  g_clear_object (&step->initiator);
  g_clear_object (&step->recipient);
  g_clear_pointer (&step->message, g_free);
  g_clear_object (&step->chat);
}

static void
finish (DaSequentialChats *self,
        GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GPtrArray) summaries = g_steal_pointer (&self->summaries);

  g_clear_object (&self->reflection);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_add (summaries, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (summaries, NULL), (GDestroyNotify)g_strfreev);
}

static void
next_step (DaSequentialChats *self,
           char              *summary)
{
  g_ptr_array_add (self->summaries, summary);
  self->current++;
  run_step (self);
}

static void
reflection_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DaSequentialChats) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMessage) reply = g_steal_pointer (&self->reflection);

  if (!da_provider_stream_finish (DA_PROVIDER (object), result, &error))
    {
      finish (self, g_steal_pointer (&error));
      return;
    }
  da_message_set_state (reply, DA_MESSAGE_STATE_COMPLETE);
  g_signal_emit (self, signals[USAGE], 0, reply);
  next_step (self, g_strstrip (g_strdup (da_message_get_content (reply))));
}

static void
reflect (DaSequentialChats *self,
         Step              *step)
{
  DaProvider *provider = self->reflection_provider;
  const char *model = self->reflection_model;
  GPtrArray *messages = da_chat_get_messages (step->chat);
  g_autoptr(DaRequest) request = NULL;
  g_autoptr(DaMessage) prompt = NULL;

  if (provider == NULL && DA_IS_CONVERSABLE_AGENT (step->recipient))
    {
      provider = da_conversable_agent_get_provider (DA_CONVERSABLE_AGENT (step->recipient));
      model = da_conversable_agent_get_model (DA_CONVERSABLE_AGENT (step->recipient));
    }
  if (provider == NULL)
    {
      finish (self, g_error_new (DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_CONFIG,
                                 "Chat %u: a reflection summary needs a provider", self->current + 1));
      return;
    }

  request = da_request_new (model);
  for (guint i = 0; i < messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(DaMessage) copy = da_message_copy (message);

      /* Seen from the summariser, every turn is something it was told. */
      da_message_set_role (copy, DA_ROLE_USER);
      da_request_add_message (request, copy);
    }
  prompt = da_message_new (DA_ROLE_USER, "user", DA_SEQUENTIAL_CHATS_REFLECTION_PROMPT);
  da_request_add_message (request, prompt);

  self->reflection = da_message_new_streaming ("summary");
  da_provider_stream_async (provider, request, self->reflection,
                            g_task_get_cancellable (self->task), reflection_cb, g_object_ref (self));
}

static char *
last_message_summary (DaChat *chat)
{
  GPtrArray *messages = da_chat_get_messages (chat);
  g_autoptr(GString) text = NULL;

  if (messages->len == 0)
    return g_strdup ("");
  text = g_string_new (da_message_get_content (g_ptr_array_index (messages, messages->len - 1)));
  g_string_replace (text, "TERMINATE", "", 0);
  return g_strstrip (g_string_free (g_steal_pointer (&text), FALSE));
}

static void
chat_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DaSequentialChats) self = user_data;
  Step *step = &g_array_index (self->steps, Step, self->current);
  g_autoptr(GError) error = NULL;

  if (!da_chat_run_finish (DA_CHAT (object), result, &error))
    {
      finish (self, g_steal_pointer (&error));
      return;
    }

  if (step->method == DA_SUMMARY_REFLECTION)
    reflect (self, step);
  else
    next_step (self, last_message_summary (step->chat));
}

static void
run_step (DaSequentialChats *self)
{
  g_autoptr(GString) message = NULL;
  Step *step;

  if (self->current >= self->steps->len)
    {
      finish (self, NULL);
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      finish (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The chats were cancelled"));
      return;
    }

  step = &g_array_index (self->steps, Step, self->current);
  message = g_string_new (step->message);
  if (self->summaries->len > 0)
    {
      g_string_append (message, "\nContext: ");
      for (guint i = 0; i < self->summaries->len; i++)
        g_string_append_printf (message, "\n%s", (const char *)g_ptr_array_index (self->summaries, i));
    }

  g_clear_object (&step->chat);
  step->chat = da_chat_new (step->initiator, step->recipient);
  da_chat_set_max_turns (step->chat, step->max_turns);
  g_signal_emit (self, signals[CHAT_STARTED], 0, self->current, step->chat);
  da_chat_run_async (step->chat, message->str, g_task_get_cancellable (self->task),
                     chat_cb, g_object_ref (self));
}

static void
da_sequential_chats_finalize (GObject *object)
{
  DaSequentialChats *self = (DaSequentialChats *)object;

  g_assert (self->task == NULL);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_object (&self->reflection_provider);
  g_clear_pointer (&self->reflection_model, g_free);

  G_OBJECT_CLASS (da_sequential_chats_parent_class)->finalize (object);
}

static void
da_sequential_chats_class_init (DaSequentialChatsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = da_sequential_chats_finalize;

  /**
   * DaSequentialChats::chat-started:
   * @index: the chat's position, from 0
   * @chat: the chat, about to run
   */
  signals[CHAT_STARTED] =
    g_signal_new ("chat-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, DA_TYPE_CHAT);

  /**
   * DaSequentialChats::usage:
   * @message: a reflection summary, with its token counts
   */
  signals[USAGE] =
    g_signal_new ("usage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DA_TYPE_MESSAGE);
}

static void
da_sequential_chats_init (DaSequentialChats *self)
{
  self->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_array_set_clear_func (self->steps, (GDestroyNotify)step_clear);
}

DaSequentialChats *
da_sequential_chats_new (void)
{
  return g_object_new (DA_TYPE_SEQUENTIAL_CHATS, NULL);
}

/**
 * da_sequential_chats_add:
 * @message: the opening message; the summaries of the chats before are
 *   appended to it
 * @max_turns: as da_chat_set_max_turns(); 0 for no limit
 * @method: how this chat is summarised for the chats after it
 */
void
da_sequential_chats_add (DaSequentialChats *self,
                         DaAgent           *initiator,
                         DaAgent           *recipient,
                         const char        *message,
                         guint              max_turns,
                         DaSummaryMethod    method)
{
  Step step = { 0 };

  g_return_if_fail (DA_IS_SEQUENTIAL_CHATS (self));
  g_return_if_fail (DA_IS_AGENT (initiator) && DA_IS_AGENT (recipient));
  g_return_if_fail (message != NULL);
  g_return_if_fail (self->task == NULL);

  step.initiator = g_object_ref (initiator);
  step.recipient = g_object_ref (recipient);
  step.message = g_strdup (message);
  step.max_turns = max_turns;
  step.method = method;
  g_array_append_val (self->steps, step);
}

/**
 * da_sequential_chats_set_reflection_provider:
 * @provider: (nullable): the provider that writes reflection summaries
 * @model: (nullable): its model
 */
void
da_sequential_chats_set_reflection_provider (DaSequentialChats *self,
                                             DaProvider        *provider,
                                             const char        *model)
{
  g_return_if_fail (DA_IS_SEQUENTIAL_CHATS (self));

  g_set_object (&self->reflection_provider, provider);
  g_free (self->reflection_model);
  self->reflection_model = g_strdup (model);
}

guint
da_sequential_chats_get_n_chats (DaSequentialChats *self)
{
  g_return_val_if_fail (DA_IS_SEQUENTIAL_CHATS (self), 0);
  return self->steps->len;
}

/**
 * da_sequential_chats_get_chat:
 *
 * Returns: (transfer none) (nullable): the chat at @index, once it has
 *   started
 */
DaChat *
da_sequential_chats_get_chat (DaSequentialChats *self,
                              guint              index)
{
  g_return_val_if_fail (DA_IS_SEQUENTIAL_CHATS (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_array_index (self->steps, Step, index).chat;
}

void
da_sequential_chats_run_async (DaSequentialChats   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (DA_IS_SEQUENTIAL_CHATS (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, da_sequential_chats_run_async);
  g_task_set_check_cancellable (self->task, FALSE);
  self->summaries = g_ptr_array_new_with_free_func (g_free);
  self->current = 0;
  run_step (self);
}

/**
 * da_sequential_chats_run_finish:
 *
 * Returns: (transfer full): the summary of every chat, in order, or
 *   %NULL with the error of the chat or reflection that failed
 */
GStrv
da_sequential_chats_run_finish (DaSequentialChats  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (DA_IS_SEQUENTIAL_CHATS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
