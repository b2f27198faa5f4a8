#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test-session.sh COMMAND [ARG...]
#
# Runs COMMAND inside a private D-Bus session with its own gnome-keyring
# (Secret Service) and a throwaway HOME, so tests can store, look up and
# delete secrets without a prompt and without touching the real user's
# keyring. The exit status is COMMAND's own; 1 (with a one-line reason on
# stderr) when the session could not be set up.
#
# What it does:
#   - makes a throwaway HOME with mktemp -d and points XDG_DATA_HOME,
#     XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR (all 0700) inside it;
#   - writes an unencrypted "login" keyring file and a "default" file naming
#     it, so the default collection exists and is unlocked without a password;
#   - starts dbus-run-session, and in it
#     `gnome-keyring-daemon --start --components=secrets`, then runs COMMAND;
#   - exports DA_TEST_SESSION=1 (keyring tests refuse to run without it);
#   - removes the HOME afterwards, also when interrupted.
#
# Notes for Debian 12 (gnome-keyring 42.1), checked as root and as a user:
#   - `--start` finds no daemon on the control socket under our
#     XDG_RUNTIME_DIR, starts one (it daemonizes itself) and registers
#     org.freedesktop.secrets on the private bus. Neither `--unlock` nor
#     `--daemonize` is needed: a plain-text keyring file is never locked.
#     (`--unlock` would create a new encrypted keyring from a password read
#     on stdin, which is not what we want.)
#   - As root it warns about missing capabilities for locked memory
#     ("insufficient process capabilities"); that is harmless here.
#   - The daemon quits when the session bus goes away; we wait for its
#     control socket to vanish before removing the HOME.
#   - Variables that could lead to the real session's daemons
#     (GNOME_KEYRING_CONTROL, SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS, …)
#     are unset first.
#
# In meson:
#   test('keyring', find_program('../../build-aux/test-session.sh'),
#        args: [exe], env: test_env, protocol: 'tap', suite: 'keys')

set -u

if [ "$#" -eq 0 ]; then
  echo "test-session.sh: usage: test-session.sh COMMAND [ARG...]" >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon mktemp; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-session.sh: $tool not found (run build-aux/install-deps.sh)" >&2
    exit 1
  fi
done

# Keep the socket paths short (sun_path is 108 bytes).
session_home=$(mktemp -d "${TMPDIR:-/tmp}/da-session.XXXXXX") || {
  echo "test-session.sh: cannot create a temporary HOME" >&2
  exit 1
}
chmod 0700 "$session_home"

cleanup () {
  # The keyring daemon leaves when the bus closes; give it a moment so it
  # does not write into a directory we are removing.
  tries=0
  while [ -e "$session_home/runtime/keyring/control" ] && [ "$tries" -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  rm -rf "$session_home"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

unset GNOME_KEYRING_CONTROL GNOME_KEYRING_PID SSH_AUTH_SOCK \
      DBUS_SESSION_BUS_ADDRESS DBUS_STARTER_ADDRESS DBUS_STARTER_BUS_TYPE \
      SESSION_MANAGER

export HOME="$session_home"
export XDG_DATA_HOME="$session_home/.local/share"
export XDG_CONFIG_HOME="$session_home/.config"
export XDG_CACHE_HOME="$session_home/.cache"
export XDG_RUNTIME_DIR="$session_home/runtime"
# Tests that write to the keyring check this so they never run against a
# real user's keyring by accident.
export DA_TEST_SESSION=1

mkdir -p "$XDG_DATA_HOME/keyrings" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" \
         "$XDG_RUNTIME_DIR" || {
  echo "test-session.sh: cannot create the session directories" >&2
  exit 1
}
chmod 0700 "$session_home/.local" "$XDG_DATA_HOME" "$XDG_DATA_HOME/keyrings" \
           "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"

cat > "$XDG_DATA_HOME/keyrings/login.keyring" <<'EOF'
[keyring]
display-name=login
ctime=0
mtime=0
lock-on-idle=false
lock-after=false
EOF
chmod 0600 "$XDG_DATA_HOME/keyrings/login.keyring"
printf 'login' > "$XDG_DATA_HOME/keyrings/default"

# The inner shell starts the daemon (its stdout, the variables it would have
# us export, is not needed: the bus and XDG_RUNTIME_DIR are enough; its
# stderr is chatter about the missing control socket, shown only on failure)
# and then becomes COMMAND, so COMMAND's status is dbus-run-session's.
dbus-run-session -- sh -c '
  log="$HOME/gnome-keyring-start.log"
  if ! gnome-keyring-daemon --start --components=secrets >/dev/null 2>"$log"; then
    cat "$log" >&2
    echo "test-session.sh: gnome-keyring-daemon did not start" >&2
    exit 1
  fi
  exec "$@"
' test-session "$@"
status=$?

exit "$status"
