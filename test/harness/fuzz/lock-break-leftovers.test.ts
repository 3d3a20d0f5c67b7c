import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from '../../../harness/fuzz/run-fuzz.ts';

// Found by this fuzzer: a process that crashed in the middle of breaking a stale lock used to leave
// its break guard (`x.lock.breaking`) and the lock it had moved aside behind, and nothing removed
// them. The next acquirer now sweeps both; these runs include the crash points that used to fail.

test('a crash mid-break leaves nothing behind once the next acquirer has the lock', async () => {
  const r = await runFuzz({ primitive: 'lock', sut: 'core', runs: 30, seed: 41, powerLoss: false, disk: 'sim' });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});

test('every stale lock a crash leaves is broken by the next acquirer in time, and swept', async () => {
  const r = await runFuzz({ primitive: 'lock', sut: 'core', runs: 30, seed: 42, powerLoss: false, disk: 'sim' });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});

test('...and after a power loss too', async () => {
  const r = await runFuzz({ primitive: 'lock', sut: 'core', runs: 20, seed: 43, powerLoss: true });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});
