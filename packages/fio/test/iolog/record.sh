#!/bin/sh
# Records fio's own iologs for every job file in jobs/ (fio 3.33, ioengine=null,
# so nothing touches a disk): fixtures/<file>.<section>.iolog. The dio test
# (src/gen/iolog.test.ts) replays the same job files through dio's generator
# and compares offsets, lengths and directions line by line.
# Usage: packages/fio/test/iolog/record.sh   (needs `fio` on PATH)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v fio >/dev/null || { echo "record.sh: fio is not installed (apt-get install -y fio)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for job in "$here"/jobs/*.fio; do
  base=$(basename "$job" .fio)
  # every job section gets ioengine=null and its own write_iolog
  awk -v base="$base" '
    /^\[/ { print; name = substr($0, 2, index($0, "]") - 2); if (name != "global") { print "ioengine=null"; print "write_iolog=" base "." name ".iolog" } ; next }
    { print }
  ' "$job" > "$tmp/$base.fio"
  (cd "$tmp" && fio --output=/dev/null "$base.fio")
  for f in "$tmp"/"$base".*.iolog; do
    # keep only the I/O lines: "<file> <read|write> <offset> <len>"
    awk 'NF == 5 && ($3 == "read" || $3 == "write") { print $2, $3, $4, $5 }' "$f" > "$here/fixtures/$(basename "$f")"
  done
done
