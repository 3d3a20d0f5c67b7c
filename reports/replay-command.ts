import type { RunResult } from '../harness/engine/run-result.ts';

/**
 * The command that runs this result again, same scenario, size, isolation and seed:
 * `racetrack run <scenario> --iterations N --workers W --isolation I --seed S [--sut X] [--exec '…']`.
 * `--sut` is left out when it is `core` (the default); `--keep` globs and the fault rates are
 * carried over; `--exec` is added when the run drove an external command, its template
 * shell-quoted so the line can be pasted into bash as is.
 */
export function replayCommand(result: RunResult): string {
  const args = ['racetrack', 'run', result.scenario, '--iterations', String(result.iterations), '--workers', String(result.workers), '--isolation', result.isolation, '--seed', String(result.seed)];
  if (result.sut !== 'core') args.push('--sut', result.sut);
  for (const glob of result.keep ?? []) args.push('--keep', glob);
  const faults = result.faults;
  if (faults !== undefined && faults.killRate > 0) args.push('--kill-rate', String(faults.killRate));
  if (faults !== undefined && faults.pauseRate > 0) args.push('--pause-rate', String(faults.pauseRate));
  if (faults !== undefined) args.push('--stale-ms', String(faults.staleMs));
  const line = args.map(shellQuote).join(' ');
  return result.exec === undefined ? line : `${line} --exec ${singleQuote(result.exec)}`;
}

/**
 * One argument for a POSIX shell: as is when it holds only characters no shell treats specially,
 * else in single quotes, each `'` inside written `'\''`. The empty string becomes `''`.
 * (The `--exec` template is always quoted, even when it needs no quoting, so it reads as one unit.)
 */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : singleQuote(arg);
}

function singleQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
