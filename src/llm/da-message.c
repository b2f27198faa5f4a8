/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-llm"

#include "config.h"

#include "da-util.h"
#include "da-llm-enums.h"
#include "da-message-private.h"

struct _DaMessage
{
  GObject         parent_instance;

  gint64          id;
  gint64          created_at;
  gint64          prompt_tokens;
  gint64          completion_tokens;
  GString        *content;
  char           *sender;
  char           *tool_call_id;
  char           *finish_reason;
  char           *error_message;
  GPtrArray      *tool_calls;
  DaRole          role;
  DaMessageState  state;

  /* Every request carries the whole history, so each message keeps its
   * wire form for the (at most two) roles it is sent in; any change to
   * what it holds drops them. */
  struct {
    DaMessageEncodeFunc  encode;
    char                *data;
    gsize                len;
    DaRole               role;
  } encoded[2];
};

G_DEFINE_FINAL_TYPE (DaMessage, da_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ROLE,
  PROP_SENDER,
  PROP_CONTENT,
  PROP_STATE,
  PROP_TOOL_CALL_ID,
  PROP_N_TOOL_CALLS,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_FINISH_REASON,
  PROP_ERROR_MESSAGE,
  PROP_CREATED_AT,
  N_PROPS
};

enum {
  DELTA,
  TOOL_CALL_DELTA,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_encoded (DaMessage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->encoded); i++)
    {
      g_clear_pointer (&self->encoded[i].data, g_free);
      self->encoded[i].encode = NULL;
    }
}

static void
da_message_finalize (GObject *object)
{
  DaMessage *self = (DaMessage *)object;

  g_string_free (self->content, TRUE);
  g_clear_pointer (&self->sender, g_free);
  g_clear_pointer (&self->tool_call_id, g_free);
  g_clear_pointer (&self->finish_reason, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->tool_calls, g_ptr_array_unref);
  clear_encoded (self);

  G_OBJECT_CLASS (da_message_parent_class)->finalize (object);
}

static void
da_message_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DaMessage *self = DA_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_SENDER:
      g_value_set_string (value, self->sender);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content->str);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TOOL_CALL_ID:
      g_value_set_string (value, self->tool_call_id);
      break;
    case PROP_N_TOOL_CALLS:
      g_value_set_uint (value, self->tool_calls->len);
      break;
    case PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;
    case PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;
    case PROP_FINISH_REASON:
      g_value_set_string (value, self->finish_reason);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_message_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DaMessage *self = DA_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      da_message_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_ROLE:
      da_message_set_role (self, g_value_get_enum (value));
      break;
    case PROP_SENDER:
      da_message_set_sender (self, g_value_get_string (value));
      break;
    case PROP_CONTENT:
      da_message_set_content (self, g_value_get_string (value));
      break;
    case PROP_STATE:
      da_message_set_state (self, g_value_get_enum (value));
      break;
    case PROP_TOOL_CALL_ID:
      da_message_set_tool_call_id (self, g_value_get_string (value));
      break;
    case PROP_FINISH_REASON:
      da_message_set_finish_reason (self, g_value_get_string (value));
      break;
    case PROP_ERROR_MESSAGE:
      da_message_set_error_message (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      da_message_set_created_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_message_class_init (DaMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = da_message_finalize;
  object_class->get_property = da_message_get_property;
  object_class->set_property = da_message_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, DA_TYPE_ROLE, DA_ROLE_USER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SENDER] =
    g_param_spec_string ("sender", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTENT] =
    g_param_spec_string ("content", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DA_TYPE_MESSAGE_STATE, DA_MESSAGE_STATE_COMPLETE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOOL_CALL_ID] =
    g_param_spec_string ("tool-call-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_TOOL_CALLS] =
    g_param_spec_uint ("n-tool-calls", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROMPT_TOKENS] =
    g_param_spec_int64 ("prompt-tokens", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETION_TOKENS] =
    g_param_spec_int64 ("completion-tokens", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FINISH_REASON] =
    g_param_spec_string ("finish-reason", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DaMessage::delta:
   * @text: the text just appended
   *
   * Emitted for every piece of streamed text, after #DaMessage:content
   * has been updated.
   */
  signals[DELTA] =
    g_signal_new ("delta",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * DaMessage::tool-call-delta:
   * @index: the tool call's position in the reply
   * @id: (nullable): the call id, on the first fragment only
   * @name: (nullable): the tool name, on the first fragment only
   * @arguments: (nullable): a fragment of the arguments
   */
  signals[TOOL_CALL_DELTA] =
    g_signal_new ("tool-call-delta",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_UINT,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
da_message_init (DaMessage *self)
{
  self->id = -1;
  self->content = g_string_new (NULL);
  self->tool_calls = g_ptr_array_new_with_free_func ((GDestroyNotify)da_tool_call_free);
  self->role = DA_ROLE_USER;
  self->state = DA_MESSAGE_STATE_COMPLETE;
  self->created_at = g_get_real_time ();
}

DaMessage *
da_message_new (DaRole      role,
                const char *sender,
                const char *content)
{
  return g_object_new (DA_TYPE_MESSAGE,
                       "role", role,
                       "sender", sender,
                       "content", content,
                       NULL);
}

/**
 * da_message_new_streaming:
 *
 * Creates an empty assistant message in the streaming state, ready to be
 * filled by a #DaProvider.
 */
DaMessage *
da_message_new_streaming (const char *sender)
{
  return g_object_new (DA_TYPE_MESSAGE,
                       "role", DA_ROLE_ASSISTANT,
                       "sender", sender,
                       "state", DA_MESSAGE_STATE_STREAMING,
                       NULL);
}

DaMessage *
da_message_copy (DaMessage *self)
{
  DaMessage *copy;

  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);

  copy = da_message_new (self->role, self->sender, self->content->str);
  copy->id = self->id;
  copy->created_at = self->created_at;
  copy->state = self->state;
  copy->prompt_tokens = self->prompt_tokens;
  copy->completion_tokens = self->completion_tokens;
  copy->tool_call_id = g_strdup (self->tool_call_id);
  copy->finish_reason = g_strdup (self->finish_reason);
  copy->error_message = g_strdup (self->error_message);
  for (guint i = 0; i < self->tool_calls->len; i++)
    g_ptr_array_add (copy->tool_calls, da_tool_call_copy (g_ptr_array_index (self->tool_calls, i)));

  return copy;
}

gint64
da_message_get_id (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), -1);
  return self->id;
}

void
da_message_set_id (DaMessage *self,
                   gint64     id)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

DaRole
da_message_get_role (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), DA_ROLE_USER);
  return self->role;
}

void
da_message_set_role (DaMessage *self,
                     DaRole     role)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (self->role == role)
    return;
  self->role = role;
  clear_encoded (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

const char *
da_message_get_sender (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->sender;
}

void
da_message_set_sender (DaMessage  *self,
                       const char *sender)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (da_set_str (&self->sender, sender))
    {
      clear_encoded (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDER]);
    }
}

const char *
da_message_get_content (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->content->str;
}

void
da_message_set_content (DaMessage  *self,
                        const char *content)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (content == NULL)
    content = "";
  if (g_strcmp0 (self->content->str, content) == 0)
    return;
  g_string_assign (self->content, content);
  clear_encoded (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
}

/**
 * da_message_append_text:
 *
 * Appends streamed text, notifies #DaMessage:content and emits
 * #DaMessage::delta with the appended piece.
 */
void
da_message_append_text (DaMessage  *self,
                        const char *text,
                        gssize      len)
{
  g_autofree char *piece = NULL;

  g_return_if_fail (DA_IS_MESSAGE (self));

  if (text == NULL)
    return;
  if (len < 0)
    len = strlen (text);
  if (len == 0)
    return;

  piece = g_strndup (text, len);
  g_string_append_len (self->content, text, len);
  clear_encoded (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
  g_signal_emit (self, signals[DELTA], 0, piece);
}

DaMessageState
da_message_get_state (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), DA_MESSAGE_STATE_ERROR);
  return self->state;
}

void
da_message_set_state (DaMessage      *self,
                      DaMessageState  state)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
da_message_get_tool_call_id (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->tool_call_id;
}

void
da_message_set_tool_call_id (DaMessage  *self,
                             const char *tool_call_id)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (da_set_str (&self->tool_call_id, tool_call_id))
    {
      clear_encoded (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL_CALL_ID]);
    }
}

/**
 * da_message_get_tool_calls:
 *
 * Returns: (transfer none) (element-type DaToolCall): the complete tool
 *   calls of an assistant reply
 */
GPtrArray *
da_message_get_tool_calls (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->tool_calls;
}

void
da_message_add_tool_call (DaMessage        *self,
                          const DaToolCall *call)
{
  g_return_if_fail (DA_IS_MESSAGE (self));
  g_return_if_fail (call != NULL);

  g_ptr_array_add (self->tool_calls, da_tool_call_copy (call));
  clear_encoded (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOOL_CALLS]);
}

void
da_message_emit_tool_call_delta (DaMessage  *self,
                                 guint       index,
                                 const char *id,
                                 const char *name,
                                 const char *arguments_fragment)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  g_signal_emit (self, signals[TOOL_CALL_DELTA], 0, index, id, name, arguments_fragment);
}

gint64
da_message_get_prompt_tokens (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), 0);
  return self->prompt_tokens;
}

gint64
da_message_get_completion_tokens (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), 0);
  return self->completion_tokens;
}

void
da_message_set_usage (DaMessage *self,
                      gint64     prompt_tokens,
                      gint64     completion_tokens)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->prompt_tokens != prompt_tokens)
    {
      self->prompt_tokens = prompt_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMPT_TOKENS]);
    }
  if (self->completion_tokens != completion_tokens)
    {
      self->completion_tokens = completion_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETION_TOKENS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
da_message_get_finish_reason (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->finish_reason;
}

void
da_message_set_finish_reason (DaMessage  *self,
                              const char *finish_reason)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (da_set_str (&self->finish_reason, finish_reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISH_REASON]);
}

const char *
da_message_get_error_message (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), NULL);
  return self->error_message;
}

void
da_message_set_error_message (DaMessage  *self,
                              const char *error_message)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (da_set_str (&self->error_message, error_message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

gint64
da_message_get_created_at (DaMessage *self)
{
  g_return_val_if_fail (DA_IS_MESSAGE (self), 0);
  return self->created_at;
}

void
da_message_set_created_at (DaMessage *self,
                           gint64     created_at_us)
{
  g_return_if_fail (DA_IS_MESSAGE (self));

  if (self->created_at == created_at_us)
    return;
  self->created_at = created_at_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/**
 * _da_message_get_encoded:
 * @role: the role the message is sent in
 * @encode: the provider's encoder
 * @len: (out): the length of the result
 *
 * Returns: (transfer none): @encode's output for @self in @role, computed
 *   once and kept until @self changes
 */
const char *
_da_message_get_encoded (DaMessage           *self,
                         DaRole               role,
                         DaMessageEncodeFunc  encode,
                         gsize               *len)
{
  guint slot;

  g_assert (DA_IS_MESSAGE (self));
  g_assert (encode != NULL);

  for (slot = 0; slot < G_N_ELEMENTS (self->encoded); slot++)
    {
      if (self->encoded[slot].encode == encode && self->encoded[slot].role == role)
        {
          *len = self->encoded[slot].len;
          return self->encoded[slot].data;
        }
    }

  /* A free slot, else the second one: the first holds the role the
   * message was first sent in, the one it is most often sent in again. */
  slot = self->encoded[0].encode == NULL ? 0 : 1;
  g_free (self->encoded[slot].data);
  self->encoded[slot].data = encode (self, role, &self->encoded[slot].len);
  self->encoded[slot].encode = encode;
  self->encoded[slot].role = role;

  *len = self->encoded[slot].len;
  return self->encoded[slot].data;
}

static const char * const role_names[] = { "system", "user", "assistant", "tool" };
static const char * const state_names[] = { "streaming", "complete", "incomplete", "error" };

const char *
da_role_to_string (DaRole role)
{
  if ((guint)role < G_N_ELEMENTS (role_names))
    return role_names[role];
  return "user";
}

gboolean
da_role_from_string (const char *str,
                     DaRole     *role)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_str_equal (str, role_names[i]))
        {
          *role = (DaRole)i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
da_message_state_to_string (DaMessageState state)
{
  if ((guint)state < G_N_ELEMENTS (state_names))
    return state_names[state];
  return "error";
}

gboolean
da_message_state_from_string (const char     *str,
                              DaMessageState *state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (state_names); i++)
    {
      if (g_str_equal (str, state_names[i]))
        {
          *state = (DaMessageState)i;
          return TRUE;
        }
    }
  return FALSE;
}
