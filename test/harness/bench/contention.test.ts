import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDeps } from '../../../core/deps.ts';
import { BENCH_OP_TABLE, counterFileIn } from '../../../harness/bench/bench-ops.ts';
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
    ['core', 'core-lock', 'core-no-turns', 'core-before', 'proper-lockfile', 'spec-spin', 'flock', 'kernel-flock'],
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
  assert.match(rows[7]!.skipped ?? '', /implements lock only/, 'the kernel flock row is the lock alone only');
});

test('the other operations run under contention too', async () => {
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'allocate', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'spec-spin', op: 'allocate', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'claim', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'proper-lockfile', op: 'claim', workers: 2 }), 2);
  assertSane(await measurePoint({ ...tiny, impl: 'core', op: 'write', workers: 2, durable: false }), 2, false);
});

test('a lock-free write has no peers to compare', async () => {
  const rows = await runSweep({ ...tiny, op: 'write', workers: [1], impls: ['core', 'spec-spin'] });
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

const hasPython = spawnSync('python3', ['-c', 'import fcntl']).status === 0;

test('the lock alone: every lock row counts one increment per operation, and the core row is not run twice', async () => {
  const rows = await runSweep({ ...tiny, op: 'lock', durable: false, workers: [2], impls: ['core', 'core-lock', 'proper-lockfile', 'spec-spin'] });
  assert.match(rows[1]!.skipped ?? '', /core row is this lock already/);
  for (const row of [rows[0]!, rows[2]!, rows[3]!]) {
    assert.equal(row.skipped, null, row.name);
    assertSane(row.points[0]!, 2);
  }
});

test("the kernel's flock(2) runs from one Python process per worker, beside threads too", { skip: hasPython ? false : 'needs python3' }, async () => {
  assertSane(await measurePoint({ ...tiny, op: 'lock', durable: false, impl: 'kernel-flock', workers: 2 }), 2);
});

test('flock(1) from bash runs the lock alone too', { skip: hasFlock ? false : 'needs bash 5 and flock(1)' }, async () => {
  assertSane(await measurePoint({ ...tiny, op: 'lock', durable: false, impl: 'flock', workers: 2, isolation: 'process' }), 2);
});

test('the lock op sees a lost increment: its counter must equal the operations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-lockop-'));
  try {
    const op = BENCH_OP_TABLE.lock;
    op.setup(dir, 1);
    const ctx = { dir, worker: 0, durable: false, deps: defaultDeps() };
    for (let i = 0; i < 5; i++) op.critical!(ctx);
    assert.equal(op.verify!(dir, 5, 0), null);
    assert.match(op.verify!(dir, 6, 0) ?? '', /counter is 5 after 6 operations/);
    writeFileSync(counterFileIn(dir), 'five\n');
    assert.throws(() => op.critical!(ctx), /does not hold a number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
