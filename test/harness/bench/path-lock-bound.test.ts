import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { createRealFs } from '../../../core/fs-facade.ts';
import { defaultDeps } from '../../../core/deps.ts';
import { BENCH_OP_TABLE } from '../../../harness/bench/bench-ops.ts';
import { measurePathLockFloor, pathLockBound } from '../../../harness/bench/path-lock-bound.ts';
import { sampleBenchReport } from '../../reports/bench-sample-report.ts';
import { inTempDir } from '../../support/tmp.ts';

test(
  'the path-lock floor runs the lock op, counts what it did and leaves nothing behind',
  inTempDir((dir) => {
    const { critical, setup } = BENCH_OP_TABLE.lock;
    const deps = defaultDeps();
    let ran = 0;
    const opsPerSecond = measurePathLockFloor(
      dir,
      50,
      createRealFs(),
      (d) => {
        ran++;
        critical!({ dir: d, worker: 0, durable: false, deps });
      },
      (d) => setup(d, 1),
    );
    assert.ok(ran > 0 && Number.isFinite(opsPerSecond) && opsPerSecond > 0, `${ran} ops, ${opsPerSecond} ops/s`);
    assert.deepEqual(readdirSync(dir), [], 'its directory is removed');
  }),
);

test('the bound is divided by the kernel and proper-lockfile rows at the reference workers, null where a row was not run', () => {
  const { contention } = sampleBenchReport();
  const kernel = { ...contention.find((r) => r.name === 'spec-spin')!, name: 'kernel-flock' };
  const proper = contention.find((r) => r.name === 'proper-lockfile')!.points.find((p) => p.workers === 10)!.throughput;
  const bound = pathLockBound(720, [...contention, kernel], 10);
  assert.equal(bound.vsKernelFlock, 720 / 135);
  assert.equal(bound.vsProperLockfile, 720 / proper);
  assert.equal(pathLockBound(720, contention, 10).vsKernelFlock, null);
});
