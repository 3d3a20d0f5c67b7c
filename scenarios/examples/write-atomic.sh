#!/usr/bin/env bash
# The atomic-write spec's write_atomic, literally: the content goes to "<target>.tmp.$$" and is
# renamed over the target. No fsync: a reader never sees a torn file and a killed writer leaves the
# old or the new file (plus its temp), but after a power loss the rename may reach the disk before
# the data and leave an empty or partial target.
#
#   write-atomic.sh TARGET PAYLOAD_FILE
set -u

write_atomic() {
  local target="$1"
  local content="$2"
  local temp="${target}.tmp.$$"

  # Write to temp file first
  echo "$content" > "$temp"

  # Atomic move (rename) to target
  mv "$temp" "$target"
}

if [ $# -ne 2 ]; then
  echo "usage: write-atomic.sh TARGET PAYLOAD_FILE" >&2
  exit 2
fi
# "$(cat …)" drops the payload's trailing newline and echo puts one back: the bytes written are the payload's.
write_atomic "$1" "$(cat "$2")"
