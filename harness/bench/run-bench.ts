import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultDeps } from '../../core/deps.ts';
import { BENCH_OP_TABLE } from './bench-ops.ts';
import type { BenchConfig, BenchReport, BenchStoreInfo, ContentionRow, OverheadResult, PathLockBound, SingleOpResult } from './bench-types.ts';
import { withBenchStore } from './bench-store.ts';
import { machineInfo } from './machine.ts';
import { measureOverhead } from './overhead.ts';
import { measurePathLockFloor, pathLockBound } from './path-lock-bound.ts';
import { computeCeiling, computeRatios } from './ratios.ts';
import { measureSingleOps } from './single-op.ts';
import { runSweep } from './sweep.ts';

/** What to measure besides the sweep's own settings (in `config`). */
export interface BenchPlan {
  readonly config: BenchConfig;
  /** The rows of the sweep; default all. */
  readonly impls?: readonly string[];
  /** tinybench time and warm-up per operation, ms; null skips the single-op table. */
  readonly singleOp: { readonly timeMs: number; readonly warmupMs: number } | null;
  /** `--store`: `postgres` (a throwaway cluster) or a postgres:// URL, for the store rows; absent: files only. */
  readonly store?: string;
  /** The harness-overhead measurement; null skips it. */
  readonly overhead: { readonly iterations: number; readonly workers: number } | null;
}

/**
 * Runs the whole bench: single-op latencies (tinybench), the contention sweep with its peers, and
 * the harness overhead; then the ratios. Progress goes to `progress`; nothing is asserted.
 */
export async function runBenchPlan(plan: BenchPlan, progress: (line: string) => void): Promise<BenchReport> {
  const started = performance.now();
  const loadAtStart = os.loadavg();
  const { config } = plan;
  let singleOp: SingleOpResult[] = [];
  if (plan.singleOp !== null) {
    progress(`racetrack bench: uncontended latency of each core operation (tinybench, ${plan.singleOp.timeMs} ms each)...\n`);
    singleOp = await measureSingleOps(plan.singleOp);
    for (const r of singleOp) progress(`  ${r.name}: ${r.state === 'completed' ? `p50 ${r.p50Ms?.toFixed(3)} ms, ${Math.round(r.opsPerSecond ?? 0)} ops/s` : r.error}\n`);
  }
  progress(
    `racetrack bench: ${config.op} under contention, workers ${config.workers.join(', ')} (${config.isolation === 'process' ? 'child processes' : 'worker threads'}), ${config.rounds} round(s) of ${config.durationMs} ms per point...\n`,
  );
  const sweep = (withStore: boolean, onRoundDir?: (dir: string) => void) =>
    runSweep({
      op: config.op,
      isolation: config.isolation,
      workers: config.workers,
      durationMs: config.durationMs,
      rounds: config.rounds,
      durable: config.durable,
      impls: plan.impls,
      withStore,
      ...(onRoundDir === undefined ? {} : { onRoundDir }),
      progress,
    });
  let contention: ContentionRow[];
  let store: BenchStoreInfo | undefined;
  if (plan.store === undefined) contention = await sweep(false);
  else {
    const measured = await withBenchStore(plan.store, config.durable, (onRoundDir) => sweep(true, onRoundDir));
    contention = measured.result;
    store = measured.info;
    progress(`racetrack bench: the store ran on ${store.server}, PostgreSQL ${store.version}, fsync=${store.fsync}, synchronous_commit=${store.synchronousCommit}\n`);
  }
  let bound: PathLockBound | undefined;
  if (config.op === 'lock') {
    progress(
      `racetrack bench: the fastest any lock taken by creating a name could go here (create the name, critical section, remove it; one thread, ${config.rounds} round(s) of ${config.durationMs} ms per way)...\n`,
    );
    const { critical, setup } = BENCH_OP_TABLE.lock;
    const deps = defaultDeps();
    try {
      const floor = measurePathLockFloor(
        os.tmpdir(),
        config.durationMs,
        config.rounds,
        deps.fs,
        (dir) => critical!({ dir, worker: 0, durable: false, deps }),
        (dir) => setup(dir, 1),
      );
      bound = pathLockBound(floor, contention, config.referenceWorkers);
    } catch (err) {
      progress(`racetrack bench: the bound was not measured: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  let overhead: OverheadResult | null = null;
  if (plan.overhead !== null) {
    const { iterations, workers } = plan.overhead;
    progress(`racetrack bench: harness overhead (${iterations} x ${workers} allocate vs a bare ${workers}-thread loop)...\n`);
    overhead = await measureOverhead(iterations, workers);
  }
  return {
    version: 1,
    measuredAt: new Date().toISOString(),
    wallMs: Math.round(performance.now() - started),
    machine: machineInfo(loadAtStart),
    config,
    singleOp,
    contention,
    overhead,
    ratios: computeRatios(contention, overhead, config.referenceWorkers, config.op),
    ceiling: computeCeiling(contention, config.referenceWorkers),
    ...(bound === undefined ? {} : { pathLockBound: bound }),
    ...(store === undefined ? {} : { store }),
  };
}
