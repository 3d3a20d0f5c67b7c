// The uncontended latency of each core operation, one caller calling it back to back, measured
// with tinybench. Every task works in its own fresh directory; the allocator gets a fresh root
// every 100 calls so that its scan does not grow with the number of iterations tinybench picks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { allocateTopic } from '../../core/topics/allocator.ts';
import { writeAtomic } from '../../core/write/atomic-write.ts';
import { findNext } from '../../core/registry/claimer.ts';
import { encodeCounters } from '../../core/ids/counters.ts';
import { acquireLock } from '../../core/lock/lock.ts';
import { reserveIds } from '../../core/ids/reserver.ts';
import { registryText } from '../../scenarios/workloads/claim.ts';
import type { SingleOpResult } from './bench-types.ts';

interface SingleOpTask {
  readonly name: string;
  readonly describe: string;
  readonly fn: () => Promise<unknown> | unknown;
  readonly beforeEach?: () => void;
}

function tasksIn(dir: string): SingleOpTask[] {
  const lock = join(dir, 'bench.lock');
  const counters = join(dir, 'counters.json');
  writeFileSync(counters, encodeCounters({ SEC: 0 }, {}, new Date().toISOString()));
  const registry = join(dir, 'REGISTRY.md');
  writeFileSync(registry, registryText(3));
  const written = join(dir, 'state.json');
  const payload = `${JSON.stringify({ state: 'x'.repeat(1000) })}\n`;
  let roots = 0;
  let allocations = 0;
  let root = '';
  return [
    {
      name: 'lock + unlock',
      describe: 'acquireLock on a free lock, then release (create the O_EXCL file with its owner record, check and delete it)',
      fn: async () => (await acquireLock(lock)).release(),
    },
    {
      name: 'allocate',
      describe: 'allocateTopic (durable): lock, scan the root (at most 100 entries), mkdir, fsync the root, unlock',
      beforeEach: () => {
        if (allocations++ % 100 === 0) {
          root = join(dir, `topics-${roots++}`);
          mkdirSync(root);
        }
      },
      fn: () => allocateTopic(root, 'bench'),
    },
    { name: 'reserve', describe: 'reserveIds(SEC, 1), durable: lock, read, bump, write atomically with fsyncs, unlock', fn: () => reserveIds(counters, 'SEC', 1) },
    { name: 'reserve (not durable)', describe: 'reserveIds(SEC, 1) with durable: false (no fsync)', fn: () => reserveIds(counters, 'SEC', 1, { durable: false }) },
    {
      name: 'claim',
      describe: 'findNext --claim (implement phase), durable: the same owner resumes its batch, so every call rewrites the registry',
      fn: () => findNext(registry, { mode: 'batch', phase: 'implement', claim: true, owner: 'bench' }),
    },
    { name: 'write-atomic', describe: 'writeAtomic of 1 KiB, durable: temp, fsync, rename, fsync the directory', fn: () => writeAtomic(written, payload) },
    { name: 'write-atomic (not durable)', describe: 'writeAtomic of 1 KiB with durable: false (temp, rename)', fn: () => writeAtomic(written, payload, { durable: false }) },
  ];
}

/**
 * Measures each core operation alone with tinybench: `timeMs` of iterations per task after
 * `warmupMs` of warm-up. A task that throws is reported as errored, not thrown.
 */
export async function measureSingleOps(o: { timeMs: number; warmupMs: number }): Promise<SingleOpResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-bench-single-'));
  try {
    const tasks = tasksIn(dir);
    const bench = new Bench({ time: o.timeMs, warmupTime: o.warmupMs, iterations: 16, warmupIterations: 4 });
    for (const t of tasks) bench.add(t.name, t.fn, t.beforeEach === undefined ? {} : { beforeEach: t.beforeEach });
    await bench.run();
    return tasks.map((t) => {
      const result = bench.getTask(t.name)!.result;
      if (result.state === 'completed' || result.state === 'aborted-with-statistics') {
        return {
          name: t.name,
          describe: t.describe,
          state: 'completed',
          error: null,
          samples: result.latency.samplesCount,
          meanMs: result.latency.mean,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          opsPerSecond: result.latency.mean > 0 ? 1000 / result.latency.mean : null,
        };
      }
      const error = result.state === 'errored' ? result.error.message : `tinybench left the task ${result.state}`;
      return { name: t.name, describe: t.describe, state: 'errored', error, samples: 0, meanMs: null, p50Ms: null, p99Ms: null, opsPerSecond: null };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
