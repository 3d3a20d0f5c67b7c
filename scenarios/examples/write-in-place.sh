#!/usr/bin/env bash
# What the atomic-write spec replaces: the new content written straight over the target. A reader
# can see a half-written file, and a writer killed between the truncate and the write leaves the
# target empty: neither the old version nor the new one.
#
#   write-in-place.sh TARGET PAYLOAD_FILE
set -u

if [ $# -ne 2 ]; then
  echo "usage: write-in-place.sh TARGET PAYLOAD_FILE" >&2
  exit 2
fi
cat "$2" > "$1"
