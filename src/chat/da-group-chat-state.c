/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-chat"

#include "config.h"

#include "da-util.h"
#include "da-chat-error.h"
#include "da-conversable-agent-private.h"
#include "da-group-chat-private.h"

/* A team's state as JSON:
 * {
 *   "version": 1,
 *   "participants": ["alice", "bob"],
 *   "messages": [ { "role": "user", "sender": "alice", "content": "…",
 *                   "state": "complete", "tool_calls": [ { "id", "name",
 *                   "arguments" } ], "tool_call_id": "…",
 *                   "prompt_tokens": 0, "completion_tokens": 0,
 *                   "finish_reason": "stop", "error_message": "…",
 *                   "created_at": 1700000000000000 }, … ],
 *   "last_speaker": "bob" | null, "next_speaker": "alice" | null,
 *   "handoff_target": null, "graph_started": false, "graph_ready": [],
 *   "stop_reason": "max_round" | null,
 *   "auto_reply_counts": { "alice": 2 },
 *   "termination": { … da_termination_save_state () … }
 * }
 */

#define STATE_VERSION 1

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
_da_message_to_json (DaMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *calls = da_message_get_tool_calls (message);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, da_role_to_string (da_message_get_role (message)));
  add_string_or_null (builder, "sender", da_message_get_sender (message));
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, da_message_get_content (message));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, da_message_state_to_string (da_message_get_state (message)));
  if (calls != NULL && calls->len > 0)
    {
      json_builder_set_member_name (builder, "tool_calls");
      json_builder_begin_array (builder);
      for (guint i = 0; i < calls->len; i++)
        {
          const DaToolCall *call = g_ptr_array_index (calls, i);

          json_builder_begin_object (builder);
          add_string_or_null (builder, "id", call->id);
          add_string_or_null (builder, "name", call->name);
          add_string_or_null (builder, "arguments", call->arguments);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  if (da_message_get_tool_call_id (message) != NULL)
    add_string_or_null (builder, "tool_call_id", da_message_get_tool_call_id (message));
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, da_message_get_prompt_tokens (message));
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, da_message_get_completion_tokens (message));
  if (da_message_get_finish_reason (message) != NULL)
    add_string_or_null (builder, "finish_reason", da_message_get_finish_reason (message));
  if (da_message_get_error_message (message) != NULL)
    add_string_or_null (builder, "error_message", da_message_get_error_message (message));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, da_message_get_created_at (message));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gpointer
state_error (GError     **error,
             const char  *path,
             const char  *what)
{
  g_set_error (error, DA_CHAT_ERROR, DA_CHAT_ERROR_INVALID_STATE, "%s: %s", path, what);
  return NULL;
}

/* Reads an optional string member: absent or null gives NULL; anything
 * but a string is an error. */
static gboolean
opt_string (JsonObject  *object,
            const char  *member,
            const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
opt_int (JsonObject *object,
         const char *member,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

DaMessage *
_da_message_from_json (JsonNode    *node,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(DaMessage) message = NULL;
  JsonObject *object;
  const char *role_str, *sender, *content, *state_str, *call_id, *finish, *error_message;
  gint64 prompt, completion, created_at;
  DaRole role;
  DaMessageState state;
  JsonNode *calls;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return state_error (error, path, "expected a message object");
  object = json_node_get_object (node);

  if (!opt_string (object, "role", &role_str) || !da_role_from_string (role_str, &role))
    return state_error (error, path, "\"role\" must be system, user, assistant or tool");
  if (!opt_string (object, "state", &state_str) || !da_message_state_from_string (state_str, &state))
    return state_error (error, path, "\"state\" must be a message state");
  if (!opt_string (object, "sender", &sender) || !opt_string (object, "content", &content) ||
      content == NULL || !opt_string (object, "tool_call_id", &call_id) ||
      !opt_string (object, "finish_reason", &finish) ||
      !opt_string (object, "error_message", &error_message))
    return state_error (error, path, "\"content\" is required; text members must be strings");
  if (!opt_int (object, "prompt_tokens", &prompt) || !opt_int (object, "completion_tokens", &completion) ||
      !opt_int (object, "created_at", &created_at) || prompt < 0 || completion < 0)
    return state_error (error, path, "token counts and times must be non-negative integers");

  message = da_message_new (role, sender, content);
  da_message_set_state (message, state);
  da_message_set_tool_call_id (message, call_id);
  da_message_set_finish_reason (message, finish);
  da_message_set_error_message (message, error_message);
  da_message_set_usage (message, prompt, completion);
  if (created_at > 0)
    da_message_set_created_at (message, created_at);

  calls = json_object_get_member (object, "tool_calls");
  if (calls != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (calls))
        return state_error (error, path, "\"tool_calls\" must be an array");
      array = json_node_get_array (calls);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *id, *name, *arguments;
          g_autoptr(DaToolCall) call = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element) ||
              !opt_string (json_node_get_object (element), "id", &id) ||
              !opt_string (json_node_get_object (element), "name", &name) ||
              !opt_string (json_node_get_object (element), "arguments", &arguments) ||
              name == NULL)
            return state_error (error, path, "a tool call needs a name; its members are strings");
          call = da_tool_call_new (id, name, arguments);
          da_message_add_tool_call (message, call);
        }
    }

  return g_steal_pointer (&message);
}

static void
add_agent_or_null (JsonBuilder *builder,
                   const char  *member,
                   DaAgent     *agent)
{
  add_string_or_null (builder, member, agent ? da_agent_get_name (agent) : NULL);
}

/**
 * da_group_chat_save_state:
 *
 * Returns: (transfer full): the team's thread, speakers, graph position,
 *   auto-reply counts and termination state, as JSON; a reply being
 *   streamed is not included
 */
JsonNode *
da_group_chat_save_state (DaGroupChat *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, STATE_VERSION);

  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->participants->len; i++)
    json_builder_add_string_value (builder, da_agent_get_name (g_ptr_array_index (self->participants, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (self->messages, i);

      if (message != self->streaming)
        json_builder_add_value (builder, _da_message_to_json (message));
    }
  json_builder_end_array (builder);

  add_agent_or_null (builder, "last_speaker", self->last_speaker);
  add_agent_or_null (builder, "next_speaker", self->next_speaker);
  add_agent_or_null (builder, "handoff_target", self->handoff_target);
  json_builder_set_member_name (builder, "graph_started");
  json_builder_add_boolean_value (builder, self->graph_started);
  json_builder_set_member_name (builder, "graph_ready");
  json_builder_begin_array (builder);
  for (const GList *l = self->graph_ready.head; l != NULL; l = l->next)
    json_builder_add_string_value (builder, da_agent_get_name (l->data));
  json_builder_end_array (builder);
  add_string_or_null (builder, "stop_reason", self->stop_reason);

  json_builder_set_member_name (builder, "auto_reply_counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, i);

      if (DA_IS_CONVERSABLE_AGENT (agent))
        {
          json_builder_set_member_name (builder, da_agent_get_name (agent));
          json_builder_add_int_value (builder,
                                      da_conversable_agent_get_consecutive_auto_reply_count (DA_CONVERSABLE_AGENT (agent),
                                                                                             DA_AGENT (self->manager)));
        }
    }
  json_builder_end_object (builder);

  if (self->termination != NULL)
    {
      json_builder_set_member_name (builder, "termination");
      json_builder_add_value (builder, da_termination_save_state (self->termination));
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
read_agent (DaGroupChat  *self,
            JsonObject   *object,
            const char   *member,
            DaAgent     **agent,
            GError      **error)
{
  g_autofree char *path = g_strdup_printf ("$.%s", member);
  const char *name;

  if (!opt_string (object, member, &name))
    return state_error (error, path, "expected a participant name or null") != NULL;
  *agent = NULL;
  if (name != NULL && (*agent = _da_group_chat_find (self, name)) == NULL)
    return state_error (error, path, "not a participant of this team") != NULL;
  return TRUE;
}

static void
clear_team (DaGroupChat *self)
{
  DaAgent *manager = DA_AGENT (self->manager);

  g_ptr_array_set_size (self->messages, 0);
  for (guint i = 0; i < self->participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, i);

      da_agent_prepare_chat (agent, manager);
      if (DA_IS_CONVERSABLE_AGENT (agent))
        da_conversable_agent_reset_consecutive_auto_reply_counter (DA_CONVERSABLE_AGENT (agent), manager);
    }
  self->last_speaker = self->next_speaker = self->handoff_target = self->person_handoff = NULL;
  g_queue_clear (&self->graph_ready);
  self->graph_started = FALSE;
  self->n_rounds = 0;
}

/**
 * da_group_chat_load_state:
 * @state: what da_group_chat_save_state() gave for a team with the same
 *   participants and termination condition
 *
 * Replaces the team's state. The participants' histories with the
 * manager are rebuilt from the thread.
 *
 * Returns: %TRUE, or %FALSE with %DA_CHAT_ERROR_INVALID_STATE (naming
 *   the JSON path) and the team unchanged
 */
gboolean
da_group_chat_load_state (DaGroupChat  *self,
                          JsonNode     *state,
                          GError      **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  JsonObject *object;
  JsonNode *node;
  JsonArray *array;
  DaAgent *last, *next, *handoff;
  const char *stop_reason;
  gboolean graph_started = FALSE;
  gint64 version;

  g_return_val_if_fail (DA_IS_GROUP_CHAT (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  if (self->task != NULL)
    {
      g_set_error_literal (error, DA_CHAT_ERROR, DA_CHAT_ERROR_RUNNING,
                           "The team is running; stop it before loading a state");
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (state))
    return state_error (error, "$", "expected an object") != NULL;
  object = json_node_get_object (state);

  if (!opt_int (object, "version", &version) || version != STATE_VERSION)
    return state_error (error, "$.version", "unsupported state version") != NULL;

  node = json_object_get_member (object, "participants");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) != self->participants->len)
    return state_error (error, "$.participants", "the participants differ from this team's") != NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < self->participants->len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          g_strcmp0 (json_node_get_string (element),
                     da_agent_get_name (g_ptr_array_index (self->participants, i))) != 0)
        return state_error (error, "$.participants", "the participants differ from this team's") != NULL;
    }

  node = json_object_get_member (object, "messages");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return state_error (error, "$.messages", "expected an array") != NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("$.messages[%u]", i);
      DaMessage *message = _da_message_from_json (json_array_get_element (array, i), path, error);

      if (message == NULL)
        return FALSE;
      g_ptr_array_add (messages, message);
    }

  if (!read_agent (self, object, "last_speaker", &last, error) ||
      !read_agent (self, object, "next_speaker", &next, error) ||
      !read_agent (self, object, "handoff_target", &handoff, error))
    return FALSE;

  node = json_object_get_member (object, "graph_started");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return state_error (error, "$.graph_started", "expected a boolean") != NULL;
      graph_started = json_node_get_boolean (node);
    }

  node = json_object_get_member (object, "graph_ready");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return state_error (error, "$.graph_ready", "expected an array of names") != NULL;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          DaAgent *agent = NULL;

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            agent = _da_group_chat_find (self, json_node_get_string (element));
          if (agent == NULL)
            return state_error (error, "$.graph_ready", "not a participant of this team") != NULL;
          g_ptr_array_add (ready, agent);
        }
    }

  if (!opt_string (object, "stop_reason", &stop_reason))
    return state_error (error, "$.stop_reason", "expected a string or null") != NULL;

  node = json_object_get_member (object, "auto_reply_counts");
  if (node != NULL)
    {
      JsonObject *counts_object;
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return state_error (error, "$.auto_reply_counts", "expected an object") != NULL;
      counts_object = json_node_get_object (node);
      names = json_object_get_members (counts_object);
      for (const GList *l = names; l != NULL; l = l->next)
        {
          DaAgent *agent = _da_group_chat_find (self, l->data);
          gint64 count;

          if (agent == NULL || !DA_IS_CONVERSABLE_AGENT (agent) ||
              !opt_int (counts_object, l->data, &count) || count < 0 || count > G_MAXUINT16)
            return state_error (error, "$.auto_reply_counts", "expected counts of this team's agents") != NULL;
          g_hash_table_insert (counts, agent, GUINT_TO_POINTER ((guint)count));
        }
    }

  node = json_object_get_member (object, "termination");
  if ((node != NULL) != (self->termination != NULL))
    return state_error (error, "$.termination", "the termination condition differs from this team's") != NULL;
  /* The last fallible step: it leaves the condition unchanged on error. */
  if (node != NULL && !da_termination_load_state (self->termination, node, error))
    return FALSE;
  /* Time between runs does not count; the next run starts the clock. */
  if (node != NULL && self->task == NULL)
    da_termination_pause_clock (self->termination);

  clear_team (self);
  for (guint i = 0; i < messages->len; i++)
    {
      DaMessage *message = g_ptr_array_index (messages, i);

      g_ptr_array_add (self->messages, g_object_ref (message));
      _da_group_chat_deliver (self, _da_group_chat_find (self, da_message_get_sender (message)), message);
    }
  for (guint i = 0; i < self->participants->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->participants, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, agent));

      while (count-- > 0)
        _da_conversable_agent_count_auto_reply (DA_CONVERSABLE_AGENT (agent), DA_AGENT (self->manager));
    }
  self->last_speaker = last;
  self->next_speaker = next;
  self->handoff_target = handoff;
  self->graph_started = graph_started;
  for (guint i = 0; i < ready->len; i++)
    g_queue_push_tail (&self->graph_ready, g_ptr_array_index (ready, i));
  if (da_set_str (&self->stop_reason, stop_reason))
    g_object_notify (G_OBJECT (self), "stop-reason");

  return TRUE;
}

/**
 * da_group_chat_reset:
 *
 * Starts the team over: no thread, no speakers, the termination
 * condition and the participants' histories with the manager cleared.
 */
void
da_group_chat_reset (DaGroupChat *self)
{
  g_return_if_fail (DA_IS_GROUP_CHAT (self));
  g_return_if_fail (self->task == NULL);

  clear_team (self);
  if (self->termination != NULL)
    da_termination_reset (self->termination);
  if (da_set_str (&self->stop_reason, NULL))
    g_object_notify (G_OBJECT (self), "stop-reason");
}
