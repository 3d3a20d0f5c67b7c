// What every in-process contention worker (thread or child process) does, as a task the engine
// runs: load its operation, wait at the start barrier, loop its operation for the round's
// duration, and hand back its counts and encoded HDR histograms.
import { performance } from 'node:perf_hooks';
import { defaultDeps } from '../../core/deps.ts';
import { monotonicNs } from '../../core/runtime.ts';
import type { TaskContext } from '../engine/task.ts';
import { BENCH_OP_TABLE } from './bench-ops.ts';
import type { BenchOpName } from './bench-types.ts';
import { operationFor } from './bench-impls.ts';
import { encodeHistogram, newHistogram, recordMs } from '../stats/hdr.ts';

/** What one worker is told: the implementation and operation, the shared directory, how long. */
export interface WorkerConfig {
  readonly impl: string;
  readonly op: BenchOpName;
  readonly dir: string;
  readonly durable: boolean;
  readonly durationMs: number;
}

/** One worker's results: counts and HDR histograms (compressed base64), durations in µs. */
export interface WorkerOutcome {
  readonly worker: number;
  readonly ops: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** From the common start to the end of this worker's last operation. */
  readonly elapsedNs: number;
  readonly wait: string;
  readonly hold: string;
  readonly op: string;
}

/**
 * The task: loads the worker's operation before the start barrier (so that no import lands
 * inside the measured window), then runs it from the common start for `durationMs`; an op in
 * flight at the deadline completes.
 */
export async function contend(config: WorkerConfig, ctx: TaskContext): Promise<WorkerOutcome> {
  const operate = await operationFor(config.impl, BENCH_OP_TABLE[config.op]);
  const opCtx = { dir: config.dir, worker: ctx.party, durable: config.durable, deps: defaultDeps() };
  const wait = newHistogram();
  const hold = newHistogram();
  const op = newHistogram();
  let ops = 0;
  let errors = 0;
  const errorSamples = new Set<string>();
  await ctx.start();
  const startNs = monotonicNs();
  const endNs = startNs + config.durationMs * 1e6;
  let last = startNs;
  while (last < endNs) {
    const t0 = performance.now();
    try {
      const timing = await operate(opCtx);
      recordMs(op, performance.now() - t0);
      if (timing.waitMs !== null) recordMs(wait, timing.waitMs);
      if (timing.holdMs !== null) recordMs(hold, timing.holdMs);
      ops++;
    } catch (err) {
      errors++;
      if (errorSamples.size < 3) errorSamples.add(err instanceof Error ? err.message : String(err));
    }
    last = monotonicNs();
  }
  return {
    worker: ctx.party,
    ops,
    errors,
    errorSamples: [...errorSamples],
    elapsedNs: last - startNs,
    wait: encodeHistogram(wait),
    hold: encodeHistogram(hold),
    op: encodeHistogram(op),
  };
}
