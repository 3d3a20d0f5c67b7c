import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from '../../../harness/fuzz/run-fuzz.ts';

// The locked primitives must pass: a crash (or power loss) anywhere, a fresh process that breaks
// the dead one's lock at once and carries on, and no ID, number or increment lost or doubled.

for (const primitive of ['reserve', 'update-json', 'allocate']) {
  test(`${primitive} survives a crash at every fs call`, async () => {
    const r = await runFuzz({ primitive, sut: 'core', runs: 12, seed: 21, powerLoss: false, disk: 'sim' });
    assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
  });

  test(`${primitive} survives a power loss at every instant`, async () => {
    const r = await runFuzz({ primitive, sut: 'core', runs: 12, seed: 22, powerLoss: true });
    assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
  });
}

test('reserve survives a crash at every fs call on real directories', async () => {
  const r = await runFuzz({ primitive: 'reserve', sut: 'core', runs: 8, seed: 23, powerLoss: false, disk: 'real' });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});
