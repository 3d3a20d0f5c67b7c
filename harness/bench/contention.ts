import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskRef } from '../engine/task.ts';
import { runWorkerGroup } from '../engine/worker-group.ts';
import { BENCH_OP_TABLE } from './bench-ops.ts';
import { isStoreImpl, scriptOf } from './bench-impls.ts';
import type { BenchIsolation, BenchOpName, ContentionPoint } from './bench-types.ts';
import type { WorkerConfig, WorkerOutcome } from './contention-loop.ts';
import { runFlockWorkers } from './flock-runner.ts';
import { summarizePoint } from './point-summary.ts';

/** One point of the sweep: an implementation, an operation, a number of workers and how long. */
export interface PointSpec {
  readonly impl: string;
  readonly op: BenchOpName;
  readonly workers: number;
  readonly durationMs: number;
  readonly isolation: BenchIsolation;
  readonly durable: boolean;
  /** Told the round's directory once it exists. */
  readonly onDir?: (dir: string) => void;
}

/**
 * How long past its deadline a round may run before the bench gives up on it: longer than any
 * row's own lock timeout (the core gets 60 s here, the spec's spin lock 5 s, proper-lockfile about 20 s).
 */
const WATCHDOG_MS = 90_000;

/** Margin between "all arrived" and the common start: every worker process must have read it by then. */
const START_MARGIN_MS = 30;

/** Runs the point's workers (threads or processes of racetrack's engine) on the shared files in `dir`. */
async function runInProcessWorkers(spec: PointSpec, dir: string): Promise<WorkerOutcome[]> {
  const watchdog = new AbortController();
  const limitMs = spec.durationMs + WATCHDOG_MS;
  const timer = setTimeout(() => watchdog.abort(new Error(`bench round ${spec.impl} x${spec.workers} still running ${limitMs} ms after it began: a worker is stuck`)), limitMs);
  const config: WorkerConfig = { impl: spec.impl, op: spec.op, dir, durable: spec.durable, durationMs: spec.durationMs };
  try {
    return await runWorkerGroup<WorkerOutcome>(spec.isolation, {
      task: taskRef(import.meta.url, './contention-loop', 'contend'),
      inputs: Array.from({ length: spec.workers }, () => config),
      marginMs: START_MARGIN_MS + spec.workers,
      signal: watchdog.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** One round of one point: what each worker did, and the check of the shared file after. */
export interface Round {
  readonly outcomes: readonly WorkerOutcome[];
  readonly inconsistency: string | null;
}

/**
 * Runs one round of a point: a fresh directory with the operation's shared files, `workers`
 * workers contending on them from a common start until a common deadline, and a check of the
 * files after.
 */
export async function runRound(spec: PointSpec): Promise<Round> {
  const op = BENCH_OP_TABLE[spec.op];
  const dir = mkdtempSync(join(tmpdir(), `racetrack-bench-${spec.op}-`));
  spec.onDir?.(dir);
  try {
    op.setup(dir, spec.workers);
    const script = scriptOf(spec.impl);
    const shared = op.sharedFile?.(dir);
    if (script !== null && shared === undefined) throw new Error(`${spec.impl} has no shared file to work on in ${spec.op}`);
    const outcomes =
      script !== null && shared !== undefined
        ? await runFlockWorkers({ script, op: spec.op, lockPath: op.lockPath(dir)!, countersFile: shared, workers: spec.workers, durationMs: spec.durationMs, durable: spec.durable })
        : await runInProcessWorkers(spec, dir);
    const ops = outcomes.reduce((s, o) => s + o.ops, 0);
    const errors = outcomes.reduce((s, o) => s + o.errors, 0);
    let inconsistency: string | null;
    try {
      inconsistency = isStoreImpl(spec.impl) ? ((await op.store?.verify?.(dir, ops, errors)) ?? null) : (op.verify?.(dir, ops, errors) ?? null);
    } catch (err) {
      inconsistency = `the shared file could not be checked: ${(err as Error).message}`;
    }
    return { outcomes, inconsistency };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures one point in one round. */
export async function measurePoint(spec: PointSpec): Promise<ContentionPoint> {
  return summarizePoint(spec.workers, [await runRound(spec)]);
}
