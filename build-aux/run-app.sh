#!/usr/bin/env bash
# Installs the dependencies, builds DenoAgents and starts the application.
set -euo pipefail

cd "$(dirname "$0")/.."

build-aux/install-deps.sh

if [ ! -f _build/build.ninja ]; then
  meson setup _build
fi
meson compile -C _build
exec meson devenv -C _build ./src/app/denoagents "$@"
