#!/usr/bin/env bash
# Installs everything DenoAgents needs to build, run and test on Debian 12.
# Uses sudo when not run as root. Safe to run again: it only installs what
# is missing.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev gettext
  # libdenoagents
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libsqlite3-dev sqlite3 libseccomp-dev
  # the GTK application
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev libmd4c-dev
  desktop-file-utils appstream
  # the icons are rendered from SVG to PNG at build time (gdk-pixbuf's
  # SVG loader)
  libgdk-pixbuf-2.0-dev librsvg2-common
  # test sessions: X server, D-Bus, keyring, screenshots
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  imagemagick python3
  # benchmarks compare the sandbox with bubblewrap
  bubblewrap
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
