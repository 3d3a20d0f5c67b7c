#!/usr/bin/env bash
# KNOWN BROKEN - seed 003's "before" state, kept as an example of what racetrack catches.
#
#   bash alloc-flock-broken.sh ROOT NAME   ->  prints NNN|/abs/ROOT/NNN_NAME
#
# get_next_number holds an exclusive flock on ROOT/.topic.lock while it scans and computes the
# next number, but its subshell - and with it the lock - ends when it returns the number. The
# caller then builds the path and runs `mkdir -p` with no lock held. Another allocator that gets
# the lock in that window scans before the directory exists, sees the same maximum and takes the
# same number; `mkdir -p` does not complain about either directory, so both "succeed".
# The fix (alloc-flock.sh) does the mkdir inside the lock.
set -euo pipefail

LOCK_NAME=.topic.lock

die() {
  printf 'alloc-flock-broken: %s\n' "$2"
  exit "$1"
}

[ "$#" -eq 2 ] || die 2 "usage: alloc-flock-broken.sh ROOT NAME (got $# arguments)"
root=$1
name=$2
[ -n "$root" ] || die 2 "ROOT must not be empty"
[ -d "$root" ] || die 2 "ROOT '$root' is not a directory"
case $name in
  '' | . | *..* | */* | *\\* | *'|'*) die 2 "invalid topic name '$name'" ;;
esac
root=$(CDPATH='' cd -- "$root" && pwd)

# Prints the next topic number, zero-padded to three digits. Locked - but only in here.
get_next_number() {
  local specs_root=$1
  (
    flock -x 9
    max=0
    shopt -s nullglob
    for entry in "$specs_root"/[0-9][0-9][0-9]*_*; do
      base=${entry##*/}
      digits=${base%%_*}
      [[ $digits =~ ^[0-9]{3,}$ ]] || continue
      n=$((10#$digits))
      if ((n > max)); then max=$n; fi
    done
    printf '%03d\n' "$((max + 1))"
  ) 9>>"$specs_root/$LOCK_NAME"
}

number=$(get_next_number "$root") # <- the lock is released here
topic_path=$root/${number}_$name
mkdir -p "$topic_path" # <- the race: created outside the lock, and -p hides a collision

printf '%s|%s\n' "$number" "$topic_path"
