import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { RacetrackError } from '../../../core/errors.ts';
import { DEFAULT_MIN_AGE_MS, recover, type RecoverOptions, type RecoveryReport } from '../../../core/write/recover.ts';
import { success, type CommandResult } from '../command-result.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { requireOption } from './raw-options.ts';
import { resolveTargetFile } from './write-atomic.ts';

const options = {
  lockFile: { flags: '--lock-file <file>', description: "the lock FILE's writers take", defaultText: 'FILE.lock; REGISTRY.lock for a registry REGISTRY.md' },
  minAgeMs: {
    flags: '--min-age-ms <ms>',
    description: 'age past which a temp is deleted although its writer may live (0 when every writer is known to be gone)',
    default: String(DEFAULT_MIN_AGE_MS),
  },
} as const;

const args = [{ name: 'file', description: 'the file whose temps to recover', required: true }] as const;

/** What `racetrack recover` takes. */
export type RecoverInput = VerbInput<typeof options, typeof args>;

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
export async function runRecover(input: RecoverInput, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const file = resolveTargetFile(input.file, deps);
  const options: RecoverOptions = {
    ...(input.lockFile === undefined ? {} : { lockFile: requireOption('--lock-file', input.lockFile) }),
    minAgeMs: parseMinAge(input.minAgeMs),
  };
  const report = await recover(file, options, deps);
  const output: RecoverOutput = { ...report, summary: summarise(report) };
  return success(output);
}

/** `--min-age-ms` as a decimal integer, 0 included. */
function parseMinAge(value: string): number {
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

/** `racetrack recover`. */
export const recoverVerb = defineVerb({
  name: 'recover',
  summary: 'delete the orphaned temps of FILE whose writer is dead or that are old, under the lock its writers take; never publishes one',
  arguments: args,
  options,
  details: [
    "It reports the temps beside FILE, deletes those whose writer is provably dead, this process's own,",
    'or older than --min-age-ms, keeps the others (they may be mid-write), and sweeps what processes',
    'killed inside the lock protocol left beside the lock. A temp is never promoted over FILE, even a',
    'complete one: its writer had not reported success, so discarding it loses nothing anyone was told,',
    'while publishing it could roll FILE back (a holder whose lock was broken leaves a write older than',
    "the breaker's). A writer counts as dead only when its temp's name carries this machine's PID-space",
    'tag and its pid is gone; a temp of another host, container or boot goes only by age.',
  ].join('\n'),
  examples: [
    {
      command: 'racetrack recover .task-id-counters.json',
      output: '{"target":"/abs/.task-id-counters.json","deleted":[…],"kept":[],"lockBroken":false,"lockLeftovers":[],"summary":"deleted 1, kept 0"}',
    },
  ],
  exitCodes: [
    { code: '0', meaning: 'recovered, or nothing to do' },
    { code: '2', meaning: 'a bad path, or --lock-file naming FILE itself' },
  ],
  run: (input, ctx) => runRecover(input, ctx.deps),
});
