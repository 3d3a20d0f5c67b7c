import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mutualExclusion } from '../../../harness/checkers/mutual-exclusion.ts';
import { hold, inputOf, type OpSpec } from './history-builder.ts';

const MS = 1e6;
const check = mutualExclusion();

describe('mutualExclusion', () => {
  test('back-to-back holds pass', () => {
    const result = check(inputOf([...hold(0, 10, 20), ...hold(1, 20, 30), ...hold(2, 31, 40)]));
    assert.equal(result.checker, 'mutual-exclusion');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.holds, 3);
  });

  test('two released holds that overlap fail, with both holders and their times', () => {
    const result = check(inputOf([...hold(3, 10, 30), ...hold(5, 20, 40)]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [
      {
        iteration: 0,
        path: '/root/a.lock',
        first: { worker: 3, acquiredAt: 10, releasedAt: 30, ending: 'released' },
        second: { worker: 5, acquiredAt: 20, releasedAt: 40, ending: 'released' },
      },
    ]);
  });

  test('a hold nested inside a long one fails even after a short one between them', () => {
    const result = check(inputOf([...hold(0, 10, 100), ...hold(1, 20, 30), ...hold(2, 50, 60)]));
    assert.equal(result.verdict, 'fail');
    assert.equal(result.stats?.overlaps, 2);
  });

  test('different paths and different iterations do not exclude each other', () => {
    const result = check(inputOf([...hold(0, 10, 30), ...hold(1, 20, 40, { path: '/root/b.lock' }), ...hold(2, 20, 40, { iteration: 1 })]));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.paths, 3);
  });

  test('a holder killed without releasing, then a new holder: unknown, not fail', () => {
    const result = check(inputOf([...hold(0, 10, 0, { release: 'none' }), ...hold(1, 20, 30)], { faulted: true }));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.open, 1);
    assert.equal((result.examples[0] as { ambiguous: boolean }).ambiguous, true);
  });

  test('an unreleased hold nobody followed passes', () => {
    assert.equal(check(inputOf([...hold(0, 20, 30), ...hold(1, 40, 0, { release: 'none' })])).verdict, 'pass');
  });

  test('a holder whose lock was broken once stale (release compromised) lost it at staleMs: the lease contract, pass', () => {
    const result = check(inputOf([...hold(0, 0, 7000 * MS, { release: 'fail' }), ...hold(1, 6000 * MS, 6500 * MS)]));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.compromised, 1);
  });

  test('a live holder whose fresh lock was broken fails (a naive stale break)', () => {
    const result = check(inputOf([...hold(0, 0, 100 * MS, { release: 'fail' }), ...hold(1, 10 * MS, 20 * MS)]));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { first: { ending: string } }).first.ending, 'compromised');
  });

  test('staleMs sets when a live holder may lose its lock', () => {
    const ops = [...hold(0, 0, 100 * MS, { release: 'info' }), ...hold(1, 60 * MS, 70 * MS)];
    assert.equal(mutualExclusion({ staleMs: 50 })(inputOf(ops)).verdict, 'pass');
    assert.equal(mutualExclusion({ staleMs: 80 })(inputOf(ops)).verdict, 'fail');
  });

  test("a break within the wall clock's slew of staleMs is the lease contract; one 1% early is not", () => {
    const taken = (at: number) => [...hold(0, 0, 1500 * MS, { release: 'info' }), ...hold(1, at, at + MS)];
    assert.equal(mutualExclusion({ staleMs: 1000 })(inputOf(taken(999.5 * MS))).verdict, 'pass');
    assert.equal(mutualExclusion({ staleMs: 1000 })(inputOf(taken(990 * MS))).verdict, 'fail');
  });

  test("a compromised lease is timed from its record's stamp, which the acquire reports as leadMs before its ok", () => {
    // Holder 0 was descheduled 30 ms between stamping its record and creating the lock.
    const taken = (leadMs?: number) => [...hold(0, 0, 1500 * MS, { release: 'info', leadMs }), ...hold(1, 980 * MS, 981 * MS)];
    assert.equal(mutualExclusion({ staleMs: 1000 })(inputOf(taken(30))).verdict, 'pass');
    assert.equal(mutualExclusion({ staleMs: 1000 })(inputOf(taken())).verdict, 'fail');
  });

  test('a certain overlap fails even when an ambiguous one comes first', () => {
    const result = check(inputOf([...hold(0, 10, 0, { release: 'none' }), ...hold(1, 20, 50), ...hold(2, 30, 60)], { faulted: true }));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { second: { worker: number } }).second.worker, 2);
  });

  test('an acquire that never completed holds nothing', () => {
    const waiting: OpSpec = { f: 'acquire', worker: 0, invoke: 5, type: 'info', input: { path: '/root/a.lock' } };
    assert.equal(check(inputOf([waiting, ...hold(1, 20, 30)])).verdict, 'pass');
  });

  test('a release with no acquire, or without a path, leaves the verdict unknown', () => {
    const stray: OpSpec = { f: 'release', worker: 0, invoke: 5, input: { path: '/root/a.lock' } };
    const pathless: OpSpec = { f: 'acquire', worker: 1, invoke: 1, complete: 2, value: 42 };
    const result = check(inputOf([stray, pathless, ...hold(2, 20, 30)]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.unpaired, 2);
  });

  test('one worker taking the lock repeatedly pairs each acquire with its own release', () => {
    assert.equal(check(inputOf([...hold(0, 10, 20), ...hold(0, 30, 40), ...hold(1, 21, 29)])).verdict, 'pass');
  });

  test('no lock acquisition recorded is nothing to judge: unknown, never pass', () => {
    const result = check(inputOf([{ f: 'allocate', worker: 0, invoke: 1, value: { number: '001' } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no lock acquisition was recorded');
  });
});
