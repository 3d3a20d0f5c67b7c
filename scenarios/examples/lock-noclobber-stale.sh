#!/usr/bin/env bash
# A lock-file wrapper of the kind written by hand: bash's noclobber makes `> LOCKFILE` an open with
# O_CREAT|O_EXCL, retried every 10 ms; a lock file older than STALE_MS is taken for a dead
# holder's and removed, and the wait begins again. The flaw: age is not death. A holder that is
# merely slow (stopped, swapped out, paused by a debugger) past STALE_MS loses its lock to the next
# caller, and when it wakes it runs its command anyway, beside the new holder, and then removes
# the new holder's lock file.
#
#   lock-noclobber-stale.sh LOCKFILE STALE_MS COMMAND [ARG...]
set -u

if [ $# -lt 3 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: lock-noclobber-stale.sh LOCKFILE STALE_MS COMMAND [ARG...]" >&2
  exit 2
fi
lock="$1"
stale_ms="$2"
shift 2
until (set -o noclobber; echo $$ >"$lock") 2>/dev/null; do
  # The lock's age from its modification time, in ms; a lock removed meanwhile is simply retried.
  if stamped=$(date -r "$lock" +%s%3N 2>/dev/null) && [ $(($(date +%s%3N) - stamped)) -gt "$stale_ms" ]; then
    rm -f "$lock"
    continue
  fi
  sleep 0.01
done
"$@"
status=$?
rm -f "$lock"
exit "$status"
