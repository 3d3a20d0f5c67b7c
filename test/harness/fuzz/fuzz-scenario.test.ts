import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFuzzScenario, runFuzzScenario } from '../../../harness/fuzz/fuzz-scenario.ts';
import { SUTS } from '../../../scenarios/suts/index.ts';

test('fuzz scenario strings name a primitive and, optionally, power loss', () => {
  assert.deepEqual(parseFuzzScenario('fuzz write'), { primitive: 'write', powerLoss: false });
  assert.deepEqual(parseFuzzScenario('fuzz write --power-loss'), { primitive: 'write', powerLoss: true });
  assert.equal(parseFuzzScenario('atomic-write'), null);
  assert.throws(() => parseFuzzScenario('fuzz write --bogus'), { code: 'EINVALID' });
});

test('every control whose scenario is a fuzz scenario is caught by it', async () => {
  const fuzzed = SUTS.filter((s) => s.control !== undefined && parseFuzzScenario(s.control.caughtBy) !== null);
  assert.deepEqual(fuzzed.map((c) => c.name).sort(), ['recover-promote-proven', 'recover-promote-unverified', 'rename-no-fsync']);
  for (const c of fuzzed) {
    const r = await runFuzzScenario(c.control!.caughtBy, c.name, { runs: 30, seed: 7 });
    assert.equal(r.verdict, 'fail', `${c.name} through ${c.control!.caughtBy}`);
  }
});
