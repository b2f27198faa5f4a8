/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "da-chat-error.h"
#include "da-termination-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTermination) termination = NULL;
  g_autoptr(DaTermination) again = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) json_again = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  termination = _da_termination_parse_data ((const char *)data, size, &error);
  g_assert ((termination == NULL) == (error != NULL));
  if (termination == NULL)
    {
      g_assert (error->domain == DA_CHAT_ERROR && error->code == DA_CHAT_ERROR_INVALID_CONFIG);
      g_assert (error->message[0] == '$');
      return 0;
    }

  /* What parses writes back to the same thing. */
  json = da_termination_to_json (termination);
  again = _da_termination_parse (json, "$", &error);
  g_assert_no_error (error);
  json_again = da_termination_to_json (again);
  text = json_to_string (json, FALSE);
  text_again = json_to_string (json_again, FALSE);
  g_assert_cmpstr (text, ==, text_again);

  /* And its state loads into a copy. */
  state = da_termination_save_state (termination);
  g_assert (da_termination_load_state (again, state, &error));
  g_assert_no_error (error);
  return 0;
}
