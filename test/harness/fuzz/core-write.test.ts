import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from '../../../harness/fuzz/run-fuzz.ts';

// The core must pass: every crash point of every generated sequence, then recovery, then the checks.

test('writeAtomic + recover survive a crash at every fs call and mid-write, on real directories', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'core', runs: 40, seed: 11, powerLoss: false, disk: 'real' });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
  assert.equal(r.verdict, 'pass');
  assert.equal(r.runs, 40);
  assert.ok(r.crashStates > 40 * 6, 'several crash points per sequence');
});

test('writeAtomic + recover survive the same crashes on the simulated disk', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'core', runs: 40, seed: 12, powerLoss: false, disk: 'sim' });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});

test('writeAtomic + recover survive a power loss at every instant, in every crash state of the model', async () => {
  const r = await runFuzz({ primitive: 'write', sut: 'core', runs: 60, seed: 13, powerLoss: true });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
  assert.equal(r.mode, 'power-loss');
  assert.equal(r.sampledInstants, 0, 'every state explored, none sampled');
  assert.ok(r.crashStates > 60);
});

test('the breaker race never gives the core lock two holders', async () => {
  const r = await runFuzz({ primitive: 'stale-lock', sut: 'core', runs: 60, seed: 14, powerLoss: false });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
  assert.equal(r.crashStates, 60, 'one interleaving per run');
});
