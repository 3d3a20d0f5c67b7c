import type { RecordedRequest } from '../harness/engine/run-request.ts';

/**
 * The command that runs this request again, with the same seed, rendered from what result.json
 * records the run was asked (RecordedRequest), so every option that changes what runs or how it is
 * judged comes back:
 * `racetrack run <scenario> --iterations N --workers W --isolation I --seed S [--sut X]
 * [--store URL] [--partition] [--hosts N] [--exec '…'] [--setup '…'] [--recover '…'] [--trace]
 * [--jitter US] [--errors E,…] [--error-rate R] [--keep GLOB]… [--max-collision-rate R]
 * [--kill-rate R] [--pause-rate R] --stale-ms MS`.
 *
 * An option at its default is left out (`--sut core`, rates of 0), except `--stale-ms`, always
 * given: its default depends on other options, and the checkers judge by it. `--pause` comes back
 * as the `--pause-rate` it stood for. Templates are always single-quoted, other words only when a
 * shell would read them otherwise, so the line can be pasted into bash as is. A `--store` URL
 * carries its password as `***` (result.json records it so): give the password again to replay.
 * A run of a command starts with `cd DIR &&`, the directory the command ran in, so that a relative
 * path in its templates names the same file.
 *
 * Left out on purpose, as they change neither what runs nor the verdict: `--out` (a replay needs
 * a directory of its own, by default a new one), `--force` (which only concerns `--out`),
 * `--junit` (another copy of the report), `--keep-roots` (keeps a passing run's roots) and
 * `--quiet` (stderr only).
 */
export function replayCommand(request: RecordedRequest): string {
  const r = request;
  const args = ['racetrack', 'run', r.scenario, '--iterations', String(r.iterations), '--workers', String(r.workers), '--isolation', r.isolation, '--seed', String(r.seed)];
  if (r.sut !== 'core') args.push('--sut', r.sut);
  if (r.store !== undefined) args.push('--store', r.store);
  if (r.partition === true) args.push('--partition');
  if (r.hosts !== undefined) args.push('--hosts', String(r.hosts));
  const templates: string[] = [];
  for (const [flag, template] of [
    ['--exec', r.exec],
    ['--setup', r.setup],
    ['--recover', r.recover],
  ] as const) {
    if (template !== undefined) templates.push(flag, singleQuote(template));
  }
  const rest: string[] = [];
  if (r.trace === true) rest.push('--trace');
  const faults = r.syscallFaults;
  if (faults?.jitterUs !== undefined && faults.jitterUs > 0) rest.push('--jitter', String(faults.jitterUs));
  if (faults?.errors !== undefined && faults.errors.length > 0) rest.push('--errors', faults.errors.join(','));
  if (faults?.errorRate !== undefined && faults.errorRate > 0) rest.push('--error-rate', String(faults.errorRate));
  for (const glob of r.keep) rest.push('--keep', glob);
  if (r.maxCollisionRate > 0) rest.push('--max-collision-rate', String(r.maxCollisionRate));
  if (r.killRate > 0) rest.push('--kill-rate', String(r.killRate));
  if (r.pauseRate > 0) rest.push('--pause-rate', String(r.pauseRate));
  rest.push('--stale-ms', String(r.staleMs));
  const line = [...args.map(shellQuote), ...templates, ...rest.map(shellQuote)].join(' ');
  // A command's relative paths are found from the directory it ran in.
  return r.cwd === undefined ? line : `cd ${shellQuote(r.cwd)} && ${line}`;
}

/**
 * One argument for a POSIX shell: as is when it holds only characters no shell treats specially,
 * else in single quotes, each `'` inside written `'\''`. The empty string becomes `''`.
 * (A template, `--exec`, `--setup` or `--recover`, is always quoted, even when it needs no
 * quoting, so it reads as one unit.)
 */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : singleQuote(arg);
}

function singleQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
