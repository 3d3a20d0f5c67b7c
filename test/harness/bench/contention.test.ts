import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { ContentionPoint } from '../../../harness/bench/bench-types.ts';
import { measurePoint } from '../../../harness/bench/contention.ts';
import { runSweep } from '../../../harness/bench/sweep.ts';

/** What every measured point must look like, whatever the machine's speed. */
function assertSane(p: ContentionPoint, workers: number, locked = true): void {
  assert.equal(p.workers, workers);
  assert.ok(p.ops > 0, 'no operation completed');
  assert.equal(p.errors, 0, p.errorSamples.join('; '));
  assert.equal(p.perWorkerOps.length, workers);
  assert.equal(
    p.perWorkerOps.reduce((s, n) => s + n, 0),
    p.ops,
  );
  assert.ok(p.throughput > 0 && p.elapsedMs > 0);
  assert.equal(p.op?.count, p.ops);
  if (locked) {
    assert.equal(p.wait?.count, p.ops);
    assert.equal(p.hold?.count, p.ops);
    assert.equal(
      p.waitBuckets.reduce((s, b) => s + b.count, 0),
      p.ops,
    );
    assert.equal(
      p.holdBuckets.reduce((s, b) => s + b.count, 0),
      p.ops,
    );
    assert.ok(p.p99WaitOverFairShare !== null);
  } else {
    assert.equal(p.wait, null);
    assert.equal(p.hold, null);
  }
  assert.ok(p.jain > 0 && p.jain <= 1 + 1e-12);
  assert.equal(p.inconsistency, null);
}

const tiny = { op: 'reserve' as const, durationMs: 200, isolation: 'thread' as const, durable: true };

test('a tiny sweep on threads measures every in-process row and says why flock is skipped', async () => {
  const rows = await runSweep({ ...tiny, workers: [1, 2] });
  assert.deepEqual(
    rows.map((r) => r.name),
    ['core', 'core-lock', 'core-no-turns', 'core-before', 'proper-lockfile', 'seed-spin', 'flock'],
  );
  for (const row of rows.slice(0, 6)) {
    assert.equal(row.skipped, null);
    assert.ok(row.describe.length > 0);
    assert.deepEqual(
      row.points.map((p) => p.workers),
      [1, 2],
    );
    row.points.forEach((p, i) => {
      assertSane(p, [1, 2][i]!);
    });
  }
  const flock = rows[6]!;
  assert.match(flock.skipped ?? '', /--isolation process/);
  assert.deepEqual(flock.points, []);
});

test('the other operations run under contention too', async () => {
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'allocate', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'seed-spin', op: 'allocate', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'claim', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'proper-lockfile', op: 'claim', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'write', workers: 2, durable: false }), 2, false);
});

test('a lock-free write has no peers to compare', async () => {
  const rows = await runSweep({ ...tiny, op: 'write', workers: [1], impls: ['core', 'seed-spin'] });
  assert.equal(rows[0]!.skipped, null);
  assert.match(rows[1]!.skipped ?? '', /no lock/);
});

test('workers can be child processes', async () => {
  assertSane(await measurePoint({ ...tiny, impl: 'core', workers: 2, isolation: 'process' }), 2);
});

const hasFlock = spawnSync('bash', ['-c', 'command -v flock && (( BASH_VERSINFO[0] >= 5 ))']).status === 0;

test('flock(1) runs from bash processes on the same counters file', { skip: hasFlock ? false : 'needs bash 5 and flock(1)' }, async () => {
  assertSane(await measurePoint({ ...tiny, impl: 'flock', workers: 2, isolation: 'process' }), 2);
});
