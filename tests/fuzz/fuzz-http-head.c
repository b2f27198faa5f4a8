/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "da-http-head-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaHttpHead) head = NULL;

  _da_http_head_find_end ((const char *)data, size);
  head = _da_http_head_parse ((const char *)data, size, &error);
  g_assert ((head == NULL) == (error != NULL));
  if (head != NULL)
    {
      g_assert (head->host != NULL && head->port > 0);
      g_assert (head->head_len <= size);
    }
  return 0;
}
