import { BENCH_OP_TABLE } from './bench-ops.ts';
import { describeImpl, implNames, skipReason } from './bench-impls.ts';
import type { BenchIsolation, BenchOpName, ContentionPoint, ContentionRow } from './bench-types.ts';
import { runRound, type Round } from './contention.ts';
import { summarizePoint } from './point-summary.ts';

/** What the contention sweep runs. */
export interface SweepOptions {
  readonly op: BenchOpName;
  readonly isolation: BenchIsolation;
  readonly workers: readonly number[];
  readonly durationMs: number;
  /** How many times to repeat the sweep (default 1); each point reports its median round. */
  readonly rounds?: number;
  readonly durable: boolean;
  /** The rows to run; default every implementation (see bench-impls.ts). */
  readonly impls?: readonly string[];
  /** Whether a PostgreSQL server is given (RACETRACK_RUN_STORE set): the store's rows run only then. */
  readonly withStore?: boolean;
  /** Told each round's directory (a store row's schema is named for it). */
  readonly onRoundDir?: (dir: string) => void;
  /** One line per measured point, for a progress display. */
  readonly progress?: (line: string) => void;
}

function progressLine(op: string, impl: string, p: ContentionPoint): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${v} ms`);
  const errors = p.errors > 0 ? `, ${p.errors} errors` : '';
  return `  ${op} ${impl} x${p.workers}: ${Math.round(p.throughput)} ops/s, wait p99 ${ms(p.wait?.p99Ms)}, hold p50 ${ms(p.hold?.p50Ms)}, Jain ${p.jain.toFixed(2)}${errors}\n`;
}

/**
 * Measures every applicable implementation at every worker count, `rounds` times. Within a round
 * the implementations take turns at each worker count (rather than one finishing its whole sweep
 * before the next starts), so that a drift of the machine (page cache, another job, the disk's
 * flush rate) spreads over all rows instead of biasing one.
 */
export async function runSweep(o: SweepOptions): Promise<ContentionRow[]> {
  const op = BENCH_OP_TABLE[o.op];
  const withStore = o.withStore === true;
  const names = o.impls ?? implNames(withStore);
  const rows = names.map((name) => ({ name, describe: describeImpl(name, op), skipped: skipReason(name, op, o.isolation, withStore) }));
  const rounds = new Map<string, Round[]>();
  const totalRounds = Math.max(1, o.rounds ?? 1);
  for (let round = 1; round <= totalRounds; round++) {
    if (totalRounds > 1) o.progress?.(`  round ${round} of ${totalRounds}\n`);
    for (const workers of o.workers) {
      for (const row of rows) {
        if (row.skipped !== null) continue;
        const result = await runRound({ impl: row.name, op: o.op, workers, durationMs: o.durationMs, isolation: o.isolation, durable: o.durable, onDir: o.onRoundDir });
        const key = `${row.name}/${workers}`;
        rounds.set(key, [...(rounds.get(key) ?? []), result]);
        o.progress?.(progressLine(o.op, row.name, summarizePoint(workers, [result])));
      }
    }
  }
  return rows.map((row) => ({
    ...row,
    points: row.skipped !== null ? [] : o.workers.map((w) => summarizePoint(w, rounds.get(`${row.name}/${w}`) ?? [])),
  }));
}
