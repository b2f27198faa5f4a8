/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays files through a libFuzzer entry point, so every fuzz target is
 * also a regression test over its corpus when built without libFuzzer.
 * Arguments are files or directories (read one level deep). */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);

  LLVMFuzzerTestOneInput ((const uint8_t *)contents, len);

  /* Every prefix too: truncated input is the commonest malformation. */
  for (gsize cut = 0; cut < len; cut += 1 + len / 64)
    LLVMFuzzerTestOneInput ((const uint8_t *)contents, cut);
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)))
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);

              if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
                {
                  run_file (path);
                  n++;
                }
            }
        }
      else
        {
          run_file (argv[i]);
          n++;
        }
    }

  /* A TAP plan so meson counts this as a test that ran. */
  g_print ("1..1\n%s 1 - replayed %u corpus files\n", n > 0 ? "ok" : "not ok", n);
  return n > 0 ? 0 : 1;
}
