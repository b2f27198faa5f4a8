#!/usr/bin/env bash
# Installs the dependencies, builds DenoAgents with warnings as errors and
# runs the whole test suite (unit, integration, GUI under Xvfb).
#
#   build-aux/run-tests.sh            the normal suite (build dir: _build-test)
#   build-aux/run-tests.sh --sanitize the suite under AddressSanitizer and
#                                     UndefinedBehaviorSanitizer, built with
#                                     clang (build dir: _build-asan)
set -euo pipefail

cd "$(dirname "$0")/.."

sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) echo "usage: $0 [--sanitize]" >&2; exit 2 ;;
  esac
done

build-aux/install-deps.sh

if [ "$sanitize" -eq 1 ]; then
  builddir=_build-asan
  export CC=clang
  setup_args=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Dwerror=true)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions="$PWD/build-aux/lsan.supp":print_suppressions=0
else
  builddir=_build-test
  setup_args=(-Dwerror=true)
fi

if [ -f "$builddir/build.ninja" ]; then
  meson setup --reconfigure "$builddir" "${setup_args[@]}"
else
  meson setup "$builddir" "${setup_args[@]}"
fi

meson compile -C "$builddir"
meson test -C "$builddir" --print-errorlogs --no-suite bench
