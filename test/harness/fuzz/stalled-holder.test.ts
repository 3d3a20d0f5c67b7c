import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashCase } from '../../../harness/fuzz/crash-case.ts';
import { CaseRoots } from '../../../harness/fuzz/fuzz-disk.ts';
import { fuzzSut } from '../../../harness/fuzz/fuzz-sut.ts';
import { resolveFuzz, runFuzz, runFuzzCase } from '../../../harness/fuzz/run-fuzz.ts';
import { stalledReserveTarget } from '../../../harness/fuzz/targets/index.ts';

// A holder stalls past staleMs after reading its file, a breaker takes its lock and is
// acknowledged, the holder wakes and dies in its write: recovery must discard its temp. The core
// does; recovery that promotes a complete temp (racetrack's own, before) republishes a write made
// from what the holder read before the breaker's.

const STALLED = ['stalled-reserve', 'stalled-claim', 'stalled-update-json'];

test("the woken holder finds its lock taken and publishes nothing; the breaker's reserves are acknowledged", async () => {
  const roots = new CaseRoots('sim');
  try {
    const ops = [
      { prefix: 'SEC' as const, count: 1 },
      { prefix: 'SEC' as const, count: 2 },
    ];
    const o = await runCrashCase(stalledReserveTarget, fuzzSut('core'), ops, null, roots, 1);
    assert.deepEqual(o.violations, []);
    const holderEnd = o.events.find((e) => e.op === 0 && e.type !== 'invoke');
    assert.equal(holderEnd?.type, 'fail');
    assert.equal(holderEnd?.expected, true);
    assert.match(holderEnd?.error ?? '', /^ECOMPROMISED/);
    assert.deepEqual(
      o.events.filter((e) => e.op === 1 && e.type === 'ok').map((e) => (e.value as { ids: string[] }).ids),
      [['SEC-1', 'SEC-2']],
    );
  } finally {
    roots.close();
  }
});

for (const primitive of STALLED) {
  test(`the core survives ${primitive}: a crash at every fs call of the woken holder's write`, async () => {
    const r = await runFuzz({ primitive, sut: 'core', runs: 10, seed: 51, powerLoss: false });
    assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
    assert.equal(r.disk, 'sim');
    assert.ok(r.crashStates > 10 * 5, 'several crash points per case');
  });
}

test('the core survives stalled-reserve with a power loss at every instant', async () => {
  const r = await runFuzz({ primitive: 'stalled-reserve', sut: 'core', runs: 4, seed: 52, powerLoss: true });
  assert.equal(r.failure, null, JSON.stringify(r.failure?.violations));
});

test('recover-promote-proven is caught by stalled-reserve: the counter set back, an ID handed out twice, shrunk and replayable', async () => {
  const r = await runFuzz({ primitive: 'stalled-reserve', sut: 'recover-promote-proven', runs: 50, seed: 53, powerLoss: false });
  assert.equal(r.verdict, 'fail');
  const f = r.failure!;
  assert.ok(f.case.ops!.length <= 3, `shrunk to a holder and at most two breaker reserves: ${JSON.stringify(f.case.ops)}`);
  assert.deepEqual(f.violations.map((v) => v.invariant).sort(), ['counter-never-goes-back', 'ids-unique']);
  assert.match(f.ops[0]!, /^0: the holder: .*under way at the crash$/);
  assert.ok(
    f.ops.slice(1).every((o) => o.endsWith(': acknowledged')),
    f.ops.join('\n'),
  );
  assert.match(f.calls.at(-1)!, /CRASH/);
  const again = await runFuzzCase(f.case);
  assert.deepEqual(again?.violations, f.violations);
});

test('recover-promote-proven is caught by stalled-claim (a claim undone) and stalled-update-json (an acknowledged update lost)', async () => {
  const claim = await runFuzz({ primitive: 'stalled-claim', sut: 'recover-promote-proven', runs: 20, seed: 54, powerLoss: false });
  assert.deepEqual(
    claim.failure?.violations.map((v) => v.invariant),
    ['claims-kept'],
  );
  const update = await runFuzz({ primitive: 'stalled-update-json', sut: 'recover-promote-proven', runs: 20, seed: 55, powerLoss: false });
  assert.deepEqual(
    update.failure?.violations.map((v) => v.invariant),
    ['acknowledged-updates-kept'],
  );
});

test('the stalled-holder fuzzers run on the simulated disk only', () => {
  for (const primitive of STALLED) {
    assert.equal(resolveFuzz(primitive, 'core', false, undefined).disk, 'sim');
    assert.throws(() => resolveFuzz(primitive, 'core', false, 'real'), { code: 'EINVALID' });
  }
});
