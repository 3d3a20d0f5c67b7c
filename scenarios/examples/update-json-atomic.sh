#!/usr/bin/env bash
# The atomic-write spec's update_json_atomic, literally: read the file, apply a jq filter, write the
# result to "<target>.tmp.$$" and rename it over the target. Each write is atomic, but nothing
# serialises the read-modify-write: two updaters that read the same state both write their own
# change to it, and one change is lost. Needs jq.
#
#   update-json-atomic.sh TARGET JQ_FILTER
set -u

update_json_atomic() {
  local target="$1"
  local jq_filter="$2"
  local temp="${target}.tmp.$$"

  # Read current state
  local current=$(cat "$target")

  # Modify in memory using jq
  local updated=$(echo "$current" | jq "$jq_filter")

  # Write atomically
  echo "$updated" > "$temp"
  mv "$temp" "$target"
}

if [ $# -ne 2 ]; then
  echo "usage: update-json-atomic.sh TARGET JQ_FILTER" >&2
  exit 2
fi
command -v jq >/dev/null 2>&1 || { echo "update-json-atomic.sh needs jq (apt-get install jq)" >&2; exit 2; }
update_json_atomic "$1" "$2"
