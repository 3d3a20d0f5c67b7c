// What every in-process contention worker (thread or child process) does: wait for the common
// start, loop its operation until the common deadline, and hand back its counts and encoded HDR
// histograms. The entry modules (contention-thread.ts, contention-process.ts) only carry messages.
import { performance } from 'node:perf_hooks';
import { defaultDeps } from '../../core/deps.ts';
import { monotonicNs } from '../../core/runtime.ts';
import { BENCH_OP_TABLE } from './bench-ops.ts';
import type { BenchOpName } from './bench-types.ts';
import { operationFor } from './bench-impls.ts';
import { encodeHistogram, newHistogram, recordMs } from '../stats/hdr.ts';

/** What one worker is told before the start. */
export interface WorkerConfig {
  readonly impl: string;
  readonly op: BenchOpName;
  readonly dir: string;
  readonly worker: number;
  readonly durable: boolean;
}

/** When to start and stop, on the machine-wide monotonic clock (core/runtime monotonicNs). */
export interface Go {
  readonly startNs: number;
  readonly endNs: number;
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

/** Sleeps until `ns` on the shared monotonic clock; spins for the last 2 ms, which a timer cannot hit. */
export async function untilNs(ns: number): Promise<void> {
  const sleepMs = (ns - monotonicNs()) / 1e6 - 2;
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
  while (monotonicNs() < ns) {
    // spin
  }
}

/**
 * Loads the worker's operation (so that no import lands inside the measured window) and returns
 * the loop: it runs from `go.startNs` until `go.endNs`; an op in flight at the deadline completes.
 */
export async function prepareWorker(config: WorkerConfig): Promise<(go: Go) => Promise<WorkerOutcome>> {
  const operate = await operationFor(config.impl, BENCH_OP_TABLE[config.op]);
  const ctx = { dir: config.dir, worker: config.worker, durable: config.durable, deps: defaultDeps() };
  return async (go) => {
    const wait = newHistogram();
    const hold = newHistogram();
    const op = newHistogram();
    let ops = 0;
    let errors = 0;
    const errorSamples = new Set<string>();
    await untilNs(go.startNs);
    let last = monotonicNs();
    while (last < go.endNs) {
      const t0 = performance.now();
      try {
        const timing = await operate(ctx);
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
      worker: config.worker,
      ops,
      errors,
      errorSamples: [...errorSamples],
      elapsedNs: last - go.startNs,
      wait: encodeHistogram(wait),
      hold: encodeHistogram(hold),
      op: encodeHistogram(op),
    };
  };
}
