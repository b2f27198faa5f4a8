#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-under-xvfb.sh COMMAND [ARG...]
#
# Runs a GUI test on its own X server (Xvfb, found with xvfb-run -a) inside
# build-aux/test-session.sh: a throwaway HOME, a private D-Bus session and
# an unlocked gnome-keyring. The exit status is COMMAND's own.
set -u

here=$(cd "$(dirname "$0")" && pwd)
session="$here/../../build-aux/test-session.sh"

if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "run-under-xvfb.sh: xvfb-run not found (run build-aux/install-deps.sh)" >&2
  exit 1
fi

# GL under Xvfb is software rendering at best; the cairo renderer gives
# the same pixels every time and needs nothing from the X server.
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export GDK_BACKEND=x11
unset WAYLAND_DISPLAY

exec xvfb-run -a -s "-screen 0 1600x1200x24 -nolisten tcp" "$session" "$@"
