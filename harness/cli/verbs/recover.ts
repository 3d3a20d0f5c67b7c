import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { RacetrackError } from '../../../core/errors.ts';
import { recover, type RecoverOptions, type RecoveryReport } from '../../../core/write/recover.ts';
import { success, type CommandResult } from '../command-result.ts';
import { requireOption } from './raw-options.ts';
import { resolveTargetFile } from './write-atomic.ts';

/** Input of `racetrack recover FILE [--lock-file L] [--min-age-ms N]`, as the argument parser left it. */
export interface RecoverArgs {
  readonly file?: string;
  /** The lock FILE's writers take. Default: recover's (`FILE.lock`; `REGISTRY.lock` for `REGISTRY.md`). */
  readonly lockFile?: string;
  /** A temp this old is removable even if its writer lives. Decimal ms or a number; default recover's (60000). */
  readonly minAgeMs?: string | number;
}

/** The JSON output of `racetrack recover`: the recovery report and a one-line summary. */
export interface RecoverOutput extends RecoveryReport {
  /** `"nothing to do"`, or e.g. `"deleted 2, kept 0"`. */
  readonly summary: string;
}

/**
 * `racetrack recover FILE`: under the lock FILE's writers take, deletes the temps beside FILE
 * whose writer is dead or that are old, keeps the others, and never publishes one. Exit 0 with
 * the report, also when there was nothing to do (`"summary":"nothing to do"`). Throws
 * RacetrackError on bad input (ENOTFOUND for a missing directory, EINVALID) or failure.
 */
export async function runRecover(args: RecoverArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const file = resolveTargetFile(args.file, deps);
  const options: RecoverOptions = {
    ...(args.lockFile === undefined ? {} : { lockFile: requireOption('--lock-file', args.lockFile) }),
    ...(args.minAgeMs === undefined ? {} : { minAgeMs: parseMinAge(args.minAgeMs) }),
  };
  const report = await recover(file, options, deps);
  const output: RecoverOutput = { ...report, summary: summarise(report) };
  return success(output);
}

/** `--min-age-ms` as a decimal integer, 0 included; a library caller's number goes to recover as it is. */
function parseMinAge(value: string | number): number {
  if (typeof value === 'number') return value;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new RacetrackError('EINVALID', `--min-age-ms must be a non-negative integer, got ${JSON.stringify(value)}`, { option: '--min-age-ms', value });
  }
  return Number(value);
}

function summarise(report: RecoveryReport): string {
  if (report.deleted.length + report.kept.length + report.lockLeftovers.length === 0 && !report.lockBroken) return 'nothing to do';
  const parts = [`deleted ${report.deleted.length}`, `kept ${report.kept.length}`];
  if (report.lockBroken) parts.push('broke a stale lock');
  if (report.lockLeftovers.length > 0) parts.push(`swept ${report.lockLeftovers.length} lock leftover(s)`);
  return parts.join(', ');
}
