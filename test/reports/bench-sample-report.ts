import type { BenchReport, ContentionPoint, ContentionRow, RatioReport } from '../../harness/bench/bench-types.ts';

function point(workers: number, throughput: number): ContentionPoint {
  const stats = (p50: number) => ({ count: 100, meanMs: p50 * 1.2, p50Ms: p50, p99Ms: p50 * 8, maxMs: p50 * 12 });
  return {
    workers,
    rounds: 2,
    roundThroughputs: [throughput * 0.9, throughput * 1.1],
    ops: Math.round(throughput * 2),
    errors: 0,
    errorSamples: [],
    elapsedMs: 2000,
    throughput,
    wait: stats(0.5 * workers),
    hold: stats(1.5),
    op: stats(0.5 * workers + 2),
    waitBuckets: [
      { fromMs: 0.1, toMs: 0.158, count: 10 },
      { fromMs: 0.158, toMs: 0.251, count: 0 },
      { fromMs: 0.251, toMs: 0.398, count: 90 },
    ],
    holdBuckets: [
      { fromMs: 1, toMs: 1.58, count: 60 },
      { fromMs: 1.58, toMs: 2.51, count: 40 },
    ],
    perWorkerOps: Array.from({ length: workers }, () => Math.round((throughput * 2) / workers)),
    jain: 1,
    p99WaitOverFairShare: 0.9,
    roundP99WaitOverFairShare: [0.8, 1],
    lockBusy: 0.8,
    handoffMs: 0.3,
    inconsistency: null,
  };
}

function row(name: string, scale: number, describe = `${name} <around> the "same" critical section & more`): ContentionRow {
  return { name, describe, skipped: null, points: [1, 2, 10].map((w) => point(w, scale * (w === 1 ? 1 : 0.9))) };
}

const ratio = (value: number | null, target: string, met: boolean | null, rounds: number[] = [], roundsMet = 0): RatioReport => ({ value, target, met, basis: 'synthetic', rounds, roundsMet });

/** A small made-up report: four measured rows, one skipped, every section filled. */
export function sampleBenchReport(): BenchReport {
  return {
    version: 1,
    measuredAt: '2026-11-22T05:00:00.000Z',
    wallMs: 61_000,
    machine: {
      nproc: 2,
      cpuModel: 'AMD EPYC',
      memoryGiB: 23.5,
      tmpdir: '/tmp',
      tmpdirFilesystem: 'ext4 (mounted at /)',
      runtime: 'node 20.20.2',
      kernel: 'Linux 6.18',
      platform: 'linux x64',
      loadAverage: { start: [0.1, 0.2, 0.3], end: [1, 1, 1] },
    },
    config: { op: 'reserve', isolation: 'thread', workers: [1, 2, 10], durationMs: 2000, rounds: 2, durable: true, quick: false, referenceWorkers: 10, command: 'racetrack bench --workers 1,2,10' },
    singleOp: [
      { name: 'reserve', describe: 'reserveIds', state: 'completed', error: null, samples: 100, meanMs: 2, p50Ms: 1.8, p99Ms: 6, opsPerSecond: 500 },
      { name: 'claim', describe: 'findNext', state: 'errored', error: 'boom <b>', samples: 0, meanMs: null, p50Ms: null, p99Ms: null, opsPerSecond: null },
    ],
    contention: [
      row('core', 400),
      row('core-lock', 380),
      row('proper-lockfile', 40),
      row('spec-spin', 150),
      { name: 'flock', describe: 'flock(1) from bash', skipped: 'only with --isolation process', points: [] },
    ],
    overhead: { iterations: 10_000, workers: 10, harnessMs: 3000, bareMs: 2500, harnessOverhead: 1.2, harnessThroughput: 2500 / 3000 },
    ceiling: { opsPerSecond: 1000, holdP50Ms: 1, coreOpsPerSecond: 400, shareOfCeiling: 0.4, basis: "1000 / the core's median hold alone (1 ms)" },
    ratios: {
      contendedVsSerial: ratio(0.9, '>= 0.8', true),
      p99WaitOverFairShare: ratio(3.2, '<= 3', false, [2.9, 3.5], 1),
      lockVsKernelFlock: ratio(null, '>= 0.8', null),
      lockVsProperLockfile: ratio(null, '>= 20', null),
      reserveVsSpin: ratio(2.67, '>= 1', true),
      vsProperLockfile: { ...ratio(10, '>= 20 (retired)', null), note: 'no longer a target' },
      vsSeedSpin: ratio(null, '>= 1.5', null),
      harnessOverhead: ratio(1.2, 'retired (was <= 1.5): harnessThroughput replaces it; kept for one release', null),
      harnessThroughput: ratio(2500 / 3000, '>= 0.67', true),
    },
  };
}
