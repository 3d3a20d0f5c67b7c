import { defaultDeps, type Deps } from '../../core/deps.ts';
import { recover, type RecoveryReport } from '../../core/recover.ts';
import { success, type CommandResult } from '../command-result.ts';
import { resolveTargetFile } from './write-atomic.ts';

/** Input of `racetrack recover FILE`. */
export interface RecoverArgs {
  readonly file?: string;
  /** A temp this old is removable even if its writer lives. Default: recover's (60000). */
  readonly minAgeMs?: number;
}

/** The JSON output of `racetrack recover`: the recovery report and a one-line summary. */
export interface RecoverOutput extends RecoveryReport {
  /** `"nothing to do"`, or e.g. `"promoted 1, deleted 2, kept 0"`. */
  readonly summary: string;
}

/**
 * `racetrack recover FILE`: under FILE's lock, deletes the temps of dead or old writers beside
 * FILE and promotes the newest one that proves itself complete and is newer than FILE. Exit 0
 * with the report, also when there was nothing to do (`"summary":"nothing to do"`). Throws
 * RacetrackError on bad input (ENOTFOUND for a missing directory, EINVALID) or failure.
 */
export async function runRecover(args: RecoverArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const file = resolveTargetFile(args.file, deps);
  const report = await recover(file, args.minAgeMs === undefined ? {} : { minAgeMs: args.minAgeMs }, deps);
  const output: RecoverOutput = { ...report, summary: summarise(report) };
  return success(output);
}

function summarise(report: RecoveryReport): string {
  const promoted = report.promoted === null ? 0 : 1;
  if (promoted + report.deleted.length + report.kept.length + report.lockLeftovers.length === 0 && !report.lockBroken) return 'nothing to do';
  const parts = [`promoted ${promoted}`, `deleted ${report.deleted.length}`, `kept ${report.kept.length}`];
  if (report.lockBroken) parts.push('broke a stale lock');
  if (report.lockLeftovers.length > 0) parts.push(`swept ${report.lockLeftovers.length} lock leftover(s)`);
  return parts.join(', ');
}
