#!/usr/bin/env bash
# A broken flock(1) wrapper, the mistake of seed 003's allocator in lock form: the lock is taken in
# a subshell, on a descriptor the subshell opens, and the subshell ends, closing the descriptor
# and so releasing the lock, before the command runs. Every caller "holds" the lock, and the
# commands run at once.
#
#   lock-subshell-broken.sh LOCKFILE COMMAND [ARG...]
set -u

if [ $# -lt 2 ]; then
  echo "usage: lock-subshell-broken.sh LOCKFILE COMMAND [ARG...]" >&2
  exit 2
fi
lock="$1"
shift
(
  flock -x 9 || exit 1
) 9>"$lock"
"$@"
