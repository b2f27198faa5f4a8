/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turns a chat's events into what the person sees: streamed text in a
 * terminal, or one JSON object per line (--json) with the types and keys of
 * the CLI contract: message, delta, tool_call, tool_result, permission,
 * usage, error, stop. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-agent-error.h"
#include "da-cli-printer.h"
#include "da-escape.h"
#include "da-group-chat.h"
#include "da-llm-error.h"

struct _DaCliPrinter
{
  GObject   parent_instance;

  FILE     *out;
  FILE     *err;
  gboolean  json;
  gboolean  line_open;   /* text mode: a streamed reply is being printed */
};

G_DEFINE_FINAL_TYPE (DaCliPrinter, da_cli_printer, G_TYPE_OBJECT)

static void
da_cli_printer_class_init (DaCliPrinterClass *klass)
{
}

static void
da_cli_printer_init (DaCliPrinter *self)
{
}

/**
 * da_cli_printer_new:
 * @json: print JSON lines instead of text
 * @out: where events (or the conversation text) go
 * @err: where text-mode errors and the stop reason go
 */
DaCliPrinter *
da_cli_printer_new (gboolean  json,
                    FILE     *out,
                    FILE     *err)
{
  DaCliPrinter *self = g_object_new (DA_TYPE_CLI_PRINTER, NULL);

  self->json = json;
  self->out = out;
  self->err = err;

  return self;
}

const char *
da_cli_error_code (const GError *error)
{
  if (error == NULL)
    return "unknown";
  if (error->domain == DA_LLM_ERROR)
    return da_llm_error_code_to_string (error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == DA_AGENT_ERROR)
    return "agent_error";
  return "error";
}

static void
emit_object (DaCliPrinter *self,
             JsonBuilder  *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  fputs (text, self->out);
  fputc ('\n', self->out);
  fflush (self->out);
}

static JsonBuilder *
begin_event (const char *type,
             const char *agent)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  if (agent != NULL)
    {
      json_builder_set_member_name (b, "agent");
      json_builder_add_string_value (b, agent);
    }
  return b;
}

static void
close_text_line (DaCliPrinter *self)
{
  if (self->line_open)
    {
      fputc ('\n', self->out);
      fflush (self->out);
      self->line_open = FALSE;
    }
}

static void
delta_cb (DaCliPrinter *self,
          const char   *text,
          DaMessage    *message)
{
  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("delta", da_message_get_sender (message));

      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      emit_object (self, b);
    }
  else
    {
      fputs (text, self->out);
      fflush (self->out);
    }
}

static void
message_started_cb (DaCliPrinter *self,
                    DaAgent      *sender,
                    DaMessage    *message,
                    GObject      *chat)
{
  if (da_message_get_state (message) != DA_MESSAGE_STATE_STREAMING)
    return;

  if (!self->json)
    {
      close_text_line (self);
      fprintf (self->out, "%s: ", da_agent_get_name (sender));
      fflush (self->out);
      self->line_open = TRUE;
    }
  g_signal_connect_object (message, "delta", G_CALLBACK (delta_cb), self, G_CONNECT_SWAPPED);
}

static void
add_arguments (JsonBuilder *b,
               const char  *arguments)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* Arguments as the JSON they are; text when the model wrote invalid JSON. */
  if (arguments != NULL && *arguments != '\0' &&
      json_parser_load_from_data (parser, arguments, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_string_value (b, arguments ? arguments : "");
}

static void
message_completed_cb (DaCliPrinter *self,
                      DaAgent      *sender,
                      DaMessage    *message,
                      GObject      *chat)
{
  GPtrArray *calls = da_message_get_tool_calls (message);
  const char *name = da_agent_get_name (sender);
  DaRole role = da_message_get_role (message);

  g_signal_handlers_disconnect_by_func (message, delta_cb, self);

  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("message", name);

      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, da_role_to_string (role));
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, da_message_get_content (message));
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, da_message_state_to_string (da_message_get_state (message)));
      if (da_message_get_id (message) > 0)
        {
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, da_message_get_id (message));
        }
      if (role == DA_ROLE_TOOL && da_message_get_tool_call_id (message) != NULL)
        {
          json_builder_set_member_name (b, "tool_call_id");
          json_builder_add_string_value (b, da_message_get_tool_call_id (message));
        }
      emit_object (self, b);

      for (guint i = 0; i < calls->len; i++)
        {
          DaToolCall *call = g_ptr_array_index (calls, i);
          g_autoptr(JsonBuilder) c = begin_event ("tool_call", name);

          json_builder_set_member_name (c, "id");
          json_builder_add_string_value (c, call->id);
          json_builder_set_member_name (c, "tool");
          json_builder_add_string_value (c, call->name);
          json_builder_set_member_name (c, "arguments");
          add_arguments (c, call->arguments);
          emit_object (self, c);
        }
      return;
    }

  if (self->line_open)
    {
      close_text_line (self);
    }
  else if (da_message_get_content (message)[0] != '\0')
    {
      fprintf (self->out, "%s: %s\n", name, da_message_get_content (message));
      fflush (self->out);
    }
  for (guint i = 0; i < calls->len; i++)
    {
      DaToolCall *call = g_ptr_array_index (calls, i);

      fprintf (self->out, "%s → %s(%s)\n", name, call->name, call->arguments);
    }
  if (da_message_get_state (message) == DA_MESSAGE_STATE_INCOMPLETE)
    fprintf (self->err, "(the reply from %s is incomplete)\n", name);
}

static void
usage_cb (DaCliPrinter *self,
          DaAgent      *agent,
          DaMessage    *message,
          GObject      *chat)
{
  g_autoptr(JsonBuilder) b = NULL;

  if (!self->json)
    return;

  b = begin_event ("usage", da_agent_get_name (agent));
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, da_message_get_prompt_tokens (message));
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, da_message_get_completion_tokens (message));
  emit_object (self, b);
}

static void
error_cb (DaCliPrinter *self,
          DaAgent      *agent,
          const GError *error,
          GObject      *chat)
{
  da_cli_printer_print_error (self, da_agent_get_name (agent), error);
}

static void
stopped_cb (DaCliPrinter *self,
            const char   *reason,
            GObject      *chat)
{
  da_cli_printer_print_stop (self, reason);
}

/**
 * da_cli_printer_attach:
 * @chat: a #DaChat or a #DaGroupChat (they share the signals printed here)
 */
void
da_cli_printer_attach (DaCliPrinter *self,
                       GObject      *chat)
{
  g_return_if_fail (DA_IS_CLI_PRINTER (self));
  g_return_if_fail (DA_IS_CHAT (chat) || DA_IS_GROUP_CHAT (chat));

  g_signal_connect_object (chat, "message-started", G_CALLBACK (message_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chat, "message-completed", G_CALLBACK (message_completed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chat, "usage", G_CALLBACK (usage_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chat, "error", G_CALLBACK (error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chat, "stopped", G_CALLBACK (stopped_cb), self, G_CONNECT_SWAPPED);
}

void
da_cli_printer_print_error (DaCliPrinter *self,
                            const char   *agent,
                            const GError *error)
{
  g_return_if_fail (DA_IS_CLI_PRINTER (self));
  g_return_if_fail (error != NULL);

  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("error", agent);

      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, da_cli_error_code (error));
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
      emit_object (self, b);
      return;
    }

  close_text_line (self);
  if (agent != NULL)
    fprintf (self->err, "denoagents-cli: %s: %s\n", agent, error->message);
  else
    fprintf (self->err, "denoagents-cli: %s\n", error->message);
  fflush (self->err);
}

void
da_cli_printer_print_permission (DaCliPrinter *self,
                                 const char   *agent,
                                 const char   *kind,
                                 const char   *target,
                                 const char   *decision)
{
  g_return_if_fail (DA_IS_CLI_PRINTER (self));

  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("permission", agent);

      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind);
      json_builder_set_member_name (b, "target");
      json_builder_add_string_value (b, target);
      json_builder_set_member_name (b, "decision");
      json_builder_add_string_value (b, decision);
      emit_object (self, b);
      return;
    }

  if (g_str_has_prefix (decision, "deny"))
    {
      g_autofree char *shown = da_escape_for_display (target, -1);

      close_text_line (self);
      fprintf (self->err, "[%s: %s %s “%s”]\n", agent ? agent : "", decision, kind, shown);
      fflush (self->err);
    }
}

void
da_cli_printer_print_tool_result (DaCliPrinter *self,
                                  const char   *agent,
                                  const char   *id,
                                  gboolean      ok,
                                  const char   *content)
{
  g_return_if_fail (DA_IS_CLI_PRINTER (self));

  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("tool_result", agent);

      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id ? id : "");
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, ok);
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, content ? content : "");
      emit_object (self, b);
    }
}

void
da_cli_printer_print_stop (DaCliPrinter *self,
                           const char   *reason)
{
  g_return_if_fail (DA_IS_CLI_PRINTER (self));

  if (self->json)
    {
      g_autoptr(JsonBuilder) b = begin_event ("stop", NULL);

      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason ? reason : "unknown");
      emit_object (self, b);
      return;
    }

  close_text_line (self);
  fprintf (self->err, "[stopped: %s]\n", reason ? reason : "unknown");
  fflush (self->err);
}
