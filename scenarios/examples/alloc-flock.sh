#!/usr/bin/env bash
# A correct topic allocator built on flock(1): the fixed state of seed 003.
#
#   bash alloc-flock.sh ROOT NAME   ->  prints NNN|/abs/ROOT/NNN_NAME
#
# It takes an exclusive flock on ROOT/.topic.lock, scans ROOT for NNN_* entries, and creates the
# next number's directory with a plain mkdir (no -p) BEFORE letting the lock go, so no other
# allocator can scan in between and take the same number. The lock file stays behind on purpose
# (flock locks the open file, not its existence): gate it with `--keep .topic.lock`.
#
# Exit codes: 0 allocated; 1 runtime failure (lock timeout, mkdir failed, number too large);
# 2 bad arguments. Messages go to stdout so the harness can show them.
set -euo pipefail

LOCK_NAME=.topic.lock
LOCK_TIMEOUT_S=60

die() { # die CODE MESSAGE
  printf 'alloc-flock: %s\n' "$2"
  exit "$1"
}

[ "$#" -eq 2 ] || die 2 "usage: alloc-flock.sh ROOT NAME (got $# arguments)"
root=$1
name=$2

[ -n "$root" ] || die 2 "ROOT must not be empty"
[ -d "$root" ] || die 2 "ROOT '$root' is not a directory"
case $name in
  '' | . | *..* | */* | *\\* | *'|'*) die 2 "invalid topic name '$name': empty, '.', '..', a path separator or '|'" ;;
esac
[[ $name != *[[:cntrl:]]* ]] || die 2 "invalid topic name: control characters"
[ "${#name}" -le 200 ] || die 2 "invalid topic name: longer than 200 characters"

root=$(CDPATH='' cd -- "$root" && pwd) # absolute, so the printed path is too

# Sets max to the highest N among entries named NNN_* (three or more digits, then '_'). It sets a
# variable instead of printing, so a die() in here exits the script with its message. 10# because
# bash would read "008" as (invalid) octal.
scan_highest_number() {
  local entry base digits n
  max=0
  shopt -s nullglob
  for entry in "$1"/[0-9][0-9][0-9]*_*; do
    base=${entry##*/}
    digits=${base%%_*}
    [[ $digits =~ ^[0-9]{3,}$ ]] || continue
    digits=${digits#"${digits%%[!0]*}"} # strip leading zeros; empty means 0
    [ "${#digits}" -le 18 ] || die 1 "entry $base has a number too large for bash arithmetic"
    n=$((10#${digits:-0}))
    if ((n > max)); then max=$n; fi
  done
}

{
  flock -x -w "$LOCK_TIMEOUT_S" 9 || die 1 "could not lock $root/$LOCK_NAME within ${LOCK_TIMEOUT_S}s"
  scan_highest_number "$root"
  printf -v number '%03d' "$((max + 1))"
  path=$root/${number}_$name
  # Inside the lock, and without -p: an existing directory means something allocated without
  # the lock, and we must not hand its number out twice.
  mkdir -- "$path" || die 1 "mkdir $path failed although the scan under the lock saw no number above $max"
} 9>>"$root/$LOCK_NAME"
# The lock is released when fd 9 closes at the end of the block above, after the mkdir.

printf '%s|%s\n' "$number" "$path"
