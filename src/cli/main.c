/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "da-cli.h"

int
main (int   argc,
      char *argv[])
{
  return da_cli_main (argc, argv);
}
