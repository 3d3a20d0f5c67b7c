import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { defaultDeps } from '../../../core/deps.ts';
import { createRealFs } from '../../../core/fs-facade.ts';
import { BENCH_OP_TABLE } from '../../../harness/bench/bench-ops.ts';
import { measurePathLockFloor, pathLockBound } from '../../../harness/bench/path-lock-bound.ts';
import { sampleBenchReport } from '../../reports/bench-sample-report.ts';
import { inTempDir } from '../../support/tmp.ts';

test(
  'the path-lock floor runs the lock op in each way of creating a name, counts what it did and leaves nothing behind',
  inTempDir((dir) => {
    const { critical, setup } = BENCH_OP_TABLE.lock;
    const deps = defaultDeps();
    const real = createRealFs();
    const made = new Set<string>();
    const noting =
      <A extends unknown[], R>(way: string, call: (...args: A) => R) =>
      (...args: A): R => {
        made.add(way);
        return call(...args);
      };
    const fs = { ...real, link: noting('link', real.link), mkdir: noting('mkdir', real.mkdir), openExclusive: noting('O_EXCL open', real.openExclusive) };
    let ran = 0;
    const floor = measurePathLockFloor(
      dir,
      20,
      2,
      fs,
      (d: string) => {
        ran++;
        critical!({ dir: d, worker: 0, durable: false, deps });
      },
      (d: string) => setup(d, 1),
    );
    assert.ok(ran > 0 && Number.isFinite(floor.opsPerSecond) && floor.opsPerSecond > 0, `${ran} ops, ${floor.opsPerSecond} ops/s`);
    assert.deepEqual([...made].sort(), ['O_EXCL open', 'link', 'mkdir']);
    assert.ok(made.has(floor.way));
    assert.deepEqual(readdirSync(dir), [], 'its directory is removed');
  }),
);

test('the bound is divided by the kernel and proper-lockfile rows at the reference workers, null where a row was not run', () => {
  const { contention } = sampleBenchReport();
  const kernel = { ...contention.find((r) => r.name === 'spec-spin')!, name: 'kernel-flock' };
  const proper = contention.find((r) => r.name === 'proper-lockfile')!.points.find((p) => p.workers === 10)!.throughput;
  const floor = { opsPerSecond: 720, way: 'link' };
  const bound = pathLockBound(floor, [...contention, kernel], 10);
  assert.equal(bound.vsKernelFlock, 720 / 135);
  assert.equal(bound.vsProperLockfile, 720 / proper);
  assert.equal(pathLockBound(floor, contention, 10).vsKernelFlock, null);
});
