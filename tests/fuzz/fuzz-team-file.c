/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The team file parser over arbitrary bytes: it must return a config or
 * an error whose message starts with a JSON path, and never crash, leak
 * or read past the buffer. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "da-agent-error.h"
#include "da-team-config-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaTeamConfig) config = NULL;
  /* An exact-size copy, so a read past @size is caught by ASan. */
  g_autofree char *copy = g_memdup2 (data, size);

  config = _da_team_config_parse (copy != NULL ? copy : "", size, &error);

  if (config == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, DA_AGENT_ERROR, DA_AGENT_ERROR_INVALID_TEAM));
      g_assert_true (error->message[0] == '$');
      g_assert_null (strchr (error->message, '\n'));
    }
  else
    {
      g_assert_null (error);
      g_assert_cmpuint (config->agents->len, >=, 2);
      g_assert_nonnull (config->name);
    }

  return 0;
}
