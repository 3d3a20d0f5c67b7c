import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz, runFuzzCase } from '../../../harness/fuzz/run-fuzz.ts';

// Every crash-only control must be caught, and shrinking must bring it down to a small case that
// replays to the same failure.

test('write-in-place is caught: a crash mid-write leaves a torn target (one write, one crash point)', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'write-in-place', runs: 50, seed: 31, powerLoss: false, disk: 'real' });
  assert.equal(r.verdict, 'fail');
  const f = r.failure!;
  assert.deepEqual(f.case.ops, [{ kind: 'write', size: 1 }]);
  assert.equal(f.violations[0]!.invariant, 'target-old-or-new');
  assert.match(f.violations[0]!.message, /after the crash/);
  assert.ok(f.calls.length <= 2, f.calls.join('\n'));
  assert.match(f.calls.at(-1)!, /CRASH/);
  assert.notEqual(await runFuzzCase(f.case), null, 'the case replays to a failure');
});

test('recover-promote-unverified is caught: recovery publishes a torn temp', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'recover-promote-unverified', runs: 50, seed: 32, powerLoss: false, disk: 'sim' });
  const f = r.failure!;
  assert.deepEqual(f.case.ops, [{ kind: 'write', size: 1 }]);
  assert.equal(f.case.crash?.phase, 'mid');
  assert.equal(f.violations[0]!.invariant, 'target-old-or-new');
  assert.match(f.violations[0]!.message, /after recovery/);
  const again = await runFuzzCase(f.case);
  assert.deepEqual(again?.violations, f.violations);
});

test('rename-no-fsync passes every process crash (its bug needs a power loss)...', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'rename-no-fsync', runs: 30, seed: 33, powerLoss: false, disk: 'sim' });
  assert.equal(r.verdict, 'pass');
});

test('...and is caught by a power loss: an acknowledged write is lost or the file empty', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'rename-no-fsync', runs: 50, seed: 34, powerLoss: true });
  const f = r.failure!;
  assert.equal(f.case.ops?.length, 1);
  assert.equal(f.violations[0]!.invariant, 'target-old-or-new');
  assert.match(f.violations[0]!.message, /acknowledged write was lost|0 bytes/);
  assert.ok(f.lost !== undefined && f.lost.length > 0);
  const again = await runFuzzCase(f.case);
  assert.deepEqual(again?.violations, f.violations);
});

test('stale-break-naive is caught: two breakers of one stale lock both hold it', async () => {
  const r = await runFuzz({ primitive: 'stale-lock', sut: 'stale-break-naive', runs: 100, seed: 35, powerLoss: false });
  const f = r.failure!;
  assert.equal(f.case.race?.processes, 2, 'shrunk to two breakers');
  assert.ok(f.violations.some((v) => v.invariant === 'mutual-exclusion'));
  const again = await runFuzzCase(f.case);
  assert.deepEqual(again?.violations, f.violations);
});
