import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFuzzScenario } from '../../../harness/fuzz/fuzz-scenario.ts';
import { resolveFuzz } from '../../../harness/fuzz/run-fuzz.ts';
import { resolveSut, SUTS, sutByName } from '../../../scenarios/suts/index.ts';
import { operationsOf } from '../../../scenarios/suts/sut.ts';
import { scenarioByName } from '../../../scenarios/workloads/index.ts';

test('every registered system under test has its own name, a description, and implements something', () => {
  assert.equal(new Set(SUTS.map((s) => s.name)).size, SUTS.length);
  for (const s of SUTS) {
    assert.ok(s.description.length > 20, `${s.name} says what it is`);
    assert.ok(operationsOf(s).length > 0 || s.script !== undefined, `${s.name} has an operation or a script`);
    assert.equal(s.control !== undefined, s.kind === 'control', `${s.name}: exactly the controls carry a bug`);
  }
});

test('what catches each control can drive it: a racetrack run scenario or a fuzz target', () => {
  for (const c of SUTS.filter((s) => s.control !== undefined)) {
    const fuzz = parseFuzzScenario(c.control!.caughtBy);
    if (fuzz === null) assert.doesNotThrow(() => resolveSut(scenarioByName(c.control!.caughtBy), c.name, undefined), c.name);
    else assert.doesNotThrow(() => resolveFuzz(fuzz.primitive, c.name, fuzz.powerLoss, undefined), c.name);
  }
});

test("a run refuses a system under test that lacks the scenario's operation, and an unknown name", () => {
  assert.throws(() => resolveSut(scenarioByName('allocate'), 'write-in-place', undefined), { code: 'EINVALID', message: /no allocate operation/ });
  assert.throws(() => resolveSut(scenarioByName('lock'), 'flock', undefined), { code: 'EINVALID', message: /no acquire operation/ });
  assert.throws(() => sutByName('nope'), { code: 'EINVALID', message: /known: core, / });
});
