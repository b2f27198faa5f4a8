/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include <glib.h>

#include "da-sandbox-policy-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) policy = _da_sandbox_policy_parse ((const char *) data, size, &error);

  /* Exactly one of a policy or an error, and every list terminated. */
  g_assert ((policy == NULL) != (error == NULL));
  if (policy != NULL)
    {
      g_assert_nonnull (policy->fs_read);
      g_assert_nonnull (policy->fs_write);
      for (guint i = 0; policy->fs_read[i] != NULL; i++)
        g_assert (policy->fs_read[i][0] == '/');
      for (guint i = 0; policy->env_set[i] != NULL; i++)
        g_assert (!g_str_has_prefix (policy->env_set[i], "LD_"));
    }
  return 0;
}
