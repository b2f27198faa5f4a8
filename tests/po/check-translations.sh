#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-translations.sh SRCDIR
#
# Every language in po/LINGUAS translates every message the sources mark
# for translation: extracts the messages from the files in POTFILES.in as
# the build does (glib keywords), then compares each catalogue with them.
# msgcmp fails on a message that is missing, untranslated or fuzzy.
set -eu
srcdir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..1"
xgettext --files-from="$srcdir/po/POTFILES.in" --directory="$srcdir" \
  --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --output="$tmp/denoagents.pot"

status=0
for lang in $(grep -v '^#' "$srcdir/po/LINGUAS"); do
  if ! msgfmt --check --output-file=/dev/null "$srcdir/po/$lang.po" 2>"$tmp/fmt.log"; then
    sed 's/^/# /' "$tmp/fmt.log"
    status=1
  fi
  if ! msgcmp "$srcdir/po/$lang.po" "$tmp/denoagents.pot" 2>"$tmp/cmp.log"; then
    sed 's/^/# /' "$tmp/cmp.log"
    echo "# $lang: messages above are missing or untranslated in po/$lang.po"
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "ok 1 every marked message is translated"
else
  echo "not ok 1 translations incomplete"
fi
exit "$status"
