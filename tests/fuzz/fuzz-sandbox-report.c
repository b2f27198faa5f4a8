/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "da-sandbox-runner-private.h"
#include "da-tool-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Every line of the input is one report, as the runner reads them. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  size_t start = 0;

  for (size_t i = 0; i <= size; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaSandboxReport) report = NULL;

      if (i < size && text[i] != '\n')
        continue;
      report = _da_sandbox_report_parse (text + start, i - start, &error);
      g_assert ((report == NULL) == (error != NULL));
      if (report != NULL)
        {
          g_assert (report->type != NULL);
          g_assert (strcmp (report->type, "reports_dropped") == 0 || report->detail != NULL);
        }
      else
        g_assert (g_error_matches (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL));
      start = i + 1;
    }
  return 0;
}
