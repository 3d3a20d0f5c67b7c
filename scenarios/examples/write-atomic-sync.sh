#!/usr/bin/env bash
# A correct atomic write in bash: the bytes (from stdin) go to a temp file beside the target, made
# with mktemp so no two writers share one, are flushed to the disk (sync FILE is fsync(2)), renamed
# over the target, and the directory is flushed so the rename itself is durable. A failure removes
# the temp; a killed writer leaves at most its temp (a `.tmp.` file), never a torn target.
#
#   write-atomic-sync.sh TARGET < BYTES
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: write-atomic-sync.sh TARGET < BYTES" >&2
  exit 2
fi
target="$1"
dir="$(dirname "$target")"
temp="$(mktemp "${target}.tmp.XXXXXX")"
trap 'rm -f "$temp"' ERR
cat > "$temp"
sync "$temp"
mv -f "$temp" "$target"
sync "$dir"
