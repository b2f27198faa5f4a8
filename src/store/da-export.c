/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-export.h"
#include "da-message.h"
#include "da-store-error.h"

/* Pure formatting of a conversation and its messages; no database here. */

gboolean
da_export_format_from_string (const char     *str,
                              DaExportFormat *format)
{
  if (g_strcmp0 (str, "markdown") == 0 || g_strcmp0 (str, "md") == 0)
    *format = DA_EXPORT_FORMAT_MARKDOWN;
  else if (g_strcmp0 (str, "json") == 0)
    *format = DA_EXPORT_FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

/* ISO 8601 in UTC, with microseconds when there are any. */
static char *
format_time (gint64 unix_us)
{
  g_autoptr(GDateTime) seconds = NULL;
  g_autoptr(GDateTime) exact = NULL;

  seconds = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  if (seconds == NULL)
    return g_strdup ("");
  exact = g_date_time_add (seconds, unix_us % G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (exact ? exact : seconds);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       unix_us)
{
  g_autofree char *text = format_time (unix_us);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
build_message (JsonBuilder *builder,
               DaMessage   *message)
{
  GPtrArray *calls = da_message_get_tool_calls (message);

  json_builder_begin_object (builder);
  add_int (builder, "id", da_message_get_id (message));
  add_string_or_null (builder, "role", da_role_to_string (da_message_get_role (message)));
  add_string_or_null (builder, "agent", da_message_get_sender (message));
  add_string_or_null (builder, "content", da_message_get_content (message));
  add_string_or_null (builder, "state", da_message_state_to_string (da_message_get_state (message)));

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

  add_string_or_null (builder, "tool_call_id", da_message_get_tool_call_id (message));
  add_int (builder, "prompt_tokens", da_message_get_prompt_tokens (message));
  add_int (builder, "completion_tokens", da_message_get_completion_tokens (message));
  add_string_or_null (builder, "finish_reason", da_message_get_finish_reason (message));
  add_string_or_null (builder, "error_message", da_message_get_error_message (message));
  add_time (builder, "created_at", da_message_get_created_at (message));
  json_builder_end_object (builder);
}

static char *
format_json (DaConversation *conversation,
             GPtrArray      *messages)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "conversation");
  json_builder_begin_object (builder);
  add_int (builder, "id", da_conversation_get_id (conversation));
  add_string_or_null (builder, "title", da_conversation_get_title (conversation));
  add_string_or_null (builder, "team_name", da_conversation_get_team_name (conversation));
  add_time (builder, "created_at", da_conversation_get_created_at (conversation));
  add_time (builder, "updated_at", da_conversation_get_updated_at (conversation));
  json_builder_set_member_name (builder, "pinned");
  json_builder_add_boolean_value (builder, da_conversation_get_pinned (conversation));
  add_int (builder, "message_count", messages->len);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    build_message (builder, g_ptr_array_index (messages, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* A fence longer than any run of backticks inside the text. */
static char *
fence_for (const char *text)
{
  guint longest = 0, run = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  return g_strnfill (MAX (3, longest + 1), '`');
}

static void
append_fenced (GString    *out,
               const char *info,
               const char *text)
{
  g_autofree char *fence = fence_for (text);

  g_string_append_printf (out, "%s%s\n%s", fence, info, text);
  if (text[0] == '\0' || !g_str_has_suffix (text, "\n"))
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "%s\n\n", fence);
}

static void
append_markdown_message (GString   *out,
                         DaMessage *message)
{
  DaRole role = da_message_get_role (message);
  const char *sender = da_message_get_sender (message);
  const char *content = da_message_get_content (message);
  GPtrArray *calls = da_message_get_tool_calls (message);
  g_autofree char *when = format_time (da_message_get_created_at (message));

  g_string_append_printf (out, "## %s (%s) · %s\n\n",
                          sender != NULL && *sender != '\0' ? sender : da_role_to_string (role),
                          da_role_to_string (role), when);

  if (role == DA_ROLE_TOOL)
    {
      g_string_append_printf (out, "Result of tool call `%s`:\n\n",
                              da_message_get_tool_call_id (message) ? da_message_get_tool_call_id (message) : "");
      append_fenced (out, "", content);
    }
  else if (content[0] != '\0')
    {
      g_string_append (out, content);
      g_string_append (out, g_str_has_suffix (content, "\n") ? "\n" : "\n\n");
    }

  for (guint i = 0; i < calls->len; i++)
    {
      const DaToolCall *call = g_ptr_array_index (calls, i);

      g_string_append_printf (out, "Tool call `%s` (`%s`):\n\n", call->name, call->id);
      append_fenced (out, "json", call->arguments);
    }

  switch (da_message_get_state (message))
    {
    case DA_MESSAGE_STATE_STREAMING:
      g_string_append (out, "_(still being written)_\n\n");
      break;
    case DA_MESSAGE_STATE_INCOMPLETE:
      g_string_append (out, "_(incomplete: the reply was interrupted)_\n\n");
      break;
    case DA_MESSAGE_STATE_ERROR:
      g_string_append_printf (out, "_(error: %s)_\n\n",
                              da_message_get_error_message (message) ? da_message_get_error_message (message) : "unknown");
      break;
    case DA_MESSAGE_STATE_COMPLETE:
    default:
      break;
    }

  if (da_message_get_prompt_tokens (message) > 0 || da_message_get_completion_tokens (message) > 0)
    g_string_append_printf (out, "_Tokens: %" G_GINT64_FORMAT " prompt, %" G_GINT64_FORMAT " completion_\n\n",
                            da_message_get_prompt_tokens (message),
                            da_message_get_completion_tokens (message));
}

static char *
format_markdown (DaConversation *conversation,
                 GPtrArray      *messages)
{
  GString *out = g_string_new (NULL);
  const char *title = da_conversation_get_title (conversation);
  const char *team = da_conversation_get_team_name (conversation);
  g_autofree char *started = format_time (da_conversation_get_created_at (conversation));

  g_string_append_printf (out, "# %s\n\n", title != NULL && *title != '\0' ? title : "Untitled conversation");
  if (team != NULL && *team != '\0')
    g_string_append_printf (out, "- Team: %s\n", team);
  g_string_append_printf (out, "- Started: %s\n", started);
  g_string_append_printf (out, "- Messages: %u\n\n", messages->len);

  for (guint i = 0; i < messages->len; i++)
    append_markdown_message (out, g_ptr_array_index (messages, i));

  return g_string_free (out, FALSE);
}

/**
 * da_export_format:
 * @conversation: the conversation
 * @messages: (element-type DaMessage): its messages, oldest first
 *
 * Returns: (transfer full): a Markdown transcript, or the JSON document
 *   `{"conversation": {…}, "messages": [{…}]}`
 */
char *
da_export_format (DaConversation  *conversation,
                  GPtrArray       *messages,
                  DaExportFormat   format,
                  GError         **error)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (conversation), NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  switch (format)
    {
    case DA_EXPORT_FORMAT_MARKDOWN:
      return format_markdown (conversation, messages);
    case DA_EXPORT_FORMAT_JSON:
      return format_json (conversation, messages);
    default:
      g_set_error (error, DA_STORE_ERROR, DA_STORE_ERROR_INVALID,
                   "Unknown export format %d", (int)format);
      return NULL;
    }
}
