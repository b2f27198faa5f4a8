/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AutoGen importer over arbitrary bytes: it returns a team file or an
 * error whose message starts with a JSON path; every warning starts with
 * one too; and whatever it returns, the team file parser either accepts
 * or rejects with a path of its own. Never a crash, a leak or a read past
 * the buffer. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "da-agent-error.h"
#include "da-autogen-import-private.h"
#include "da-team-config-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;
  /* An exact-size copy, so a read past @size is caught by ASan. */
  g_autofree char *copy = g_memdup2 (data, size);

  node = _da_autogen_import (copy != NULL ? copy : "", size, warnings, &error);

  for (guint i = 0; i < warnings->len; i++)
    {
      const char *warning = g_ptr_array_index (warnings, i);

      g_assert_true (warning[0] == '$');
      g_assert_null (strchr (warning, '\n'));
    }

  if (node == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM));
      g_assert_true (error->message[0] == '$');
      g_assert_null (strchr (error->message, '\n'));
    }
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(DaTeamConfig) config = _da_team_config_parse (text, -1, &parse_error);

      g_assert_null (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_assert_true (config != NULL || parse_error->message[0] == '$');
    }

  return 0;
}
