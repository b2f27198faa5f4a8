/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "da-keyring.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Base URLs come from team files, the CLI and the GUI. Normalising never
 * crashes, fails with an error or succeeds, drops trailing slashes of the
 * path, and is idempotent. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *again = NULL;

  url = da_keyring_normalize_base_url (input, &error);
  g_assert ((url == NULL) == (error != NULL));
  if (url == NULL)
    return 0;

  g_assert (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
  g_assert (strchr (url, '?') != NULL || !g_str_has_suffix (url, "/"));

  again = da_keyring_normalize_base_url (url, &again_error);
  g_assert (again != NULL && again_error == NULL);
  g_assert (g_str_equal (url, again));

  return 0;
}
