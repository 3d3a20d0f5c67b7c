// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are a bash script, and ${…} is bash's expansion.
// flock(1) as a bash user would drive it, a peer of the core lock: one bash process per worker
// loops "open the lock file on fd 9, `flock 9`, read the counters JSON, bump, write a temp, sync
// it, mv it over, sync the directory, close fd 9" until the deadline. bash 5's $EPOCHREALTIME
// timestamps every step without a fork, so wait and hold are real; but `flock`, `sync` and `mv`
// are each a fork and exec, and that is what flock from a script costs. The output is one line per
// op, `t0 t1 t2 t3` in epoch µs (start, acquired, releasing, released), or `E message`.
import type { Sut } from '../sut.ts';

/**
 * argv after `bash -c SCRIPT`: `$0` name, then lock file, counters file, start µs, end µs (`-` `-`:
 * say `ready` on stderr, then read `start end` from stdin), durable
 * (1 or 0), and the bench op: `reserve` (the counters JSON, a temp and mv) or `lock` (a counter
 * file holding one number, read and rewritten in place, no sync).
 */
const FLOCK_RESERVE_SCRIPT = [
  'set -u',
  'lock=$1 counters=$2 start=$3 end=$4 durable=$5 mode=${6:-reserve}',
  "if [[ $start == - ]]; then printf 'ready\\n' >&2; read -r start end; fi",
  'dir=$(dirname -- "$counters")',
  're=\'"SEC": ([0-9]+)\'',
  'now=${EPOCHREALTIME/./}',
  'gap=$(( start - now - 2000 ))',
  'if (( gap > 1000 )); then sleep "$(( gap / 1000000 )).$(printf \'%06d\' $(( gap % 1000000 )))"; fi',
  'while (( ${EPOCHREALTIME/./} < start )); do :; done',
  'ops=()',
  'n=0',
  'while :; do',
  '  t0=${EPOCHREALTIME/./}',
  '  (( t0 >= end )) && break',
  '  exec 9>>"$lock"',
  '  if ! flock -w 60 9; then ops+=("E flock timed out after 60 s"); exec 9>&-; continue; fi',
  '  t1=${EPOCHREALTIME/./}',
  '  if [[ $mode == lock ]]; then',
  '    IFS= read -r count < "$counters"',
  '    printf \'%d\\n\' "$(( count + 1 ))" 1<> "$counters"',
  '    t2=${EPOCHREALTIME/./}',
  '    exec 9>&-',
  '    t3=${EPOCHREALTIME/./}',
  '    ops+=("$t0 $t1 $t2 $t3")',
  '    continue',
  '  fi',
  '  IFS= read -r -d \'\' content < "$counters"',
  '  if [[ ! $content =~ $re ]]; then ops+=("E counters file unreadable"); exec 9>&-; continue; fi',
  '  next=$(( BASH_REMATCH[1] + 1 ))',
  '  n=$(( n + 1 ))',
  '  tmp="$counters.tmp.$$.$n"',
  '  printf \'{\\n  "counters": {\\n    "SEC": %d\\n  },\\n  "updatedAt": "%s"\\n}\\n\' "$next" "$t1" > "$tmp"',
  '  if (( durable )); then sync -- "$tmp"; fi',
  '  mv -f -- "$tmp" "$counters"',
  '  if (( durable )); then sync -- "$dir"; fi',
  '  t2=${EPOCHREALTIME/./}',
  '  exec 9>&-',
  '  t3=${EPOCHREALTIME/./}',
  '  ops+=("$t0 $t1 $t2 $t3")',
  'done',
  'printf \'%s\\n\' "${ops[@]}"',
].join('\n');

/** flock(1) from a bash loop: only the bench drives it, one process per worker, on reserve and the lock alone. */
export const flockFromBash: Sut = {
  name: 'flock',
  kind: 'peer',
  description:
    'flock(1) from a bash loop (one process per worker): `flock` on an fd, read and bump the counters JSON, printf to a temp, sync + mv + sync dir (--op lock: read and rewrite the counter file); ' +
    'wait includes the fork+exec of flock, hold the forks of sync and mv',
  reports: [],
  honoursDeps: false,
  honoursIdentity: false,
  script: { ops: ['reserve', 'lock'], interpreter: 'bash', source: FLOCK_RESERVE_SCRIPT },
};
