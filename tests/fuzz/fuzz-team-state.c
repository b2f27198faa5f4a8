/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "da-chat-error.h"
#include "da-conversable-agent.h"
#include "da-group-chat-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static DaGroupChat *
team (void)
{
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DaTermination) termination =
    da_termination_any_new (da_termination_max_messages_new (3),
                            da_termination_text_mention_new ("DONE", NULL),
                            NULL);
  DaGroupChat *chat;

  g_ptr_array_add (agents, da_conversable_agent_new ("alice"));
  g_ptr_array_add (agents, da_conversable_agent_new ("bob"));
  g_ptr_array_add (agents, da_conversable_agent_new ("charlie"));
  chat = da_group_chat_new (agents);
  da_group_chat_set_termination (chat, termination);
  return chat;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(DaGroupChat) chat = team ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  gboolean loaded;

  /* The selector's answer parser takes any bytes. */
  candidates = g_ptr_array_ref (da_group_chat_get_participants (chat));
  {
    g_autofree char *answer = g_strndup ((const char *)data, size);
    DaAgent *chosen = _da_selector_parse_answer (answer, candidates, &error);

    g_assert ((chosen == NULL) == (error != NULL));
    g_clear_error (&error);
  }

  if (!json_parser_load_from_data (parser, (const char *)data, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;

  saved = da_group_chat_save_state (chat);
  loaded = da_group_chat_load_state (chat, json_parser_get_root (parser), &error);
  g_assert (loaded == (error == NULL));
  if (!loaded)
    {
      g_autoptr(JsonNode) unchanged = da_group_chat_save_state (chat);

      g_assert (error->domain == DA_CHAT_ERROR && error->code == DA_CHAT_ERROR_INVALID_STATE);
      g_assert (json_node_equal (saved, unchanged));
    }
  else
    {
      g_autoptr(DaGroupChat) copy = team ();
      g_autoptr(JsonNode) state = da_group_chat_save_state (chat);
      g_autoptr(JsonNode) state_again = NULL;

      g_assert (da_group_chat_load_state (copy, state, &error));
      state_again = da_group_chat_save_state (copy);
      g_assert (json_node_equal (state, state_again));
    }
  return 0;
}
