// The quick selftest that `npm test` runs: every ready control through its scenario once at the
// default settings (100 iterations x 10 threads) must be caught, and the core must pass the same
// scenarios. A harness that reports 0% collisions is worth something only if this holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSelftest } from '../../../harness/selftest/selftest.ts';
import { tempDir } from '../../support/tmp.ts';

test('selftest catches every ready control and passes the core, at default settings', async () => {
  const dir = tempDir('racetrack-selftest-');
  try {
    const { rows, ok } = await runSelftest({ runs: 1, outDir: dir.path, iterations: 100, workers: 10, isolation: 'thread', seed: 4242 });
    const missed = rows.filter((r) => r.status !== 'ok' && r.status !== 'pending');
    assert.deepEqual(missed, [], 'no control missed and no false alarm on the core');
    assert.equal(ok, true);
    assert.ok(rows.filter((r) => r.kind === 'control' && r.status === 'ok').length >= 7, 'at least the seven concurrency controls ran');
    assert.ok(rows.some((r) => r.kind === 'core' && r.scenario === 'lock' && r.status === 'ok'));
  } finally {
    dir.cleanup();
  }
});
