import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uniqueness } from '../../../harness/checkers/uniqueness.ts';
import type { Operation } from '../../../harness/history/history.ts';
import { inputOf, type OpSpec } from './history-builder.ts';

const ids = (op: Operation) => (op.value as { ids: string[] }).ids;
const check = uniqueness({ f: 'reserve', ids });
const reserve = (worker: number, invoke: number, got: string[], iteration = 0): OpSpec => ({
  f: 'reserve',
  worker,
  iteration,
  invoke,
  input: { prefix: 'SEC', count: got.length },
  value: { ids: got },
});

describe('uniqueness', () => {
  test('distinct values pass, with Jepsen-style counts', () => {
    const result = check(inputOf([reserve(0, 0, ['SEC-1', 'SEC-2']), reserve(1, 1, ['SEC-3']), { f: 'reserve', worker: 2, invoke: 2, type: 'fail', value: { error: 'ETIMEOUT' } }]));
    assert.equal(result.checker, 'uniqueness');
    assert.equal(result.verdict, 'pass');
    assert.deepEqual(result.examples, []);
    assert.equal(result.stats?.attempted, 3);
    assert.equal(result.stats?.acknowledged, 2);
    assert.equal(result.stats?.failed, 1);
    assert.equal(result.stats?.values, 3);
    assert.deepEqual(result.collisions, { values: 0, extraHolders: 0, iterations: 0, otherViolations: 0 });
  });

  test('a value handed to two workers fails and names the value and both holders', () => {
    const result = check(inputOf([reserve(1, 0, ['SEC-20', 'SEC-21']), reserve(2, 1, ['SEC-21']), reserve(3, 2, ['SEC-22'])]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, value: 'SEC-21', holders: [1, 2] }]);
    assert.deepEqual(result.collisions, { values: 1, extraHolders: 1, iterations: 1, otherViolations: 0 });
    assert.equal(result.message, '1 value handed out more than once (1 extra holder) in 1 of 1 iteration');
  });

  test('collisions count every extra holder, and colliding iterations each iteration once', () => {
    const result = check(
      inputOf([
        reserve(0, 0, ['A']),
        reserve(1, 1, ['A']),
        reserve(2, 2, ['A']),
        reserve(0, 0, ['B'], 1),
        reserve(1, 1, ['B'], 1),
        reserve(2, 2, ['C'], 1),
        reserve(3, 3, ['C'], 1),
        reserve(0, 0, ['D'], 2),
      ]),
    );
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.collisions, { values: 3, extraHolders: 4, iterations: 2, otherViolations: 0 });
    assert.equal(result.stats?.iterations, 3);
    assert.equal(result.message, '3 values handed out more than once (4 extra holders) in 2 of 3 iterations');
  });

  test('one op handed the same value twice is a duplicate', () => {
    const result = check(inputOf([reserve(4, 0, ['SEC-5', 'SEC-5'])]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, value: 'SEC-5', holders: [4, 4] }]);
  });

  test('the same value in two iterations is not a duplicate: each has a fresh root', () => {
    assert.equal(check(inputOf([reserve(0, 0, ['SEC-1'], 0), reserve(0, 0, ['SEC-1'], 1)])).verdict, 'pass');
  });

  test('info and fail ops hold nothing, whatever their value says', () => {
    const result = check(inputOf([reserve(0, 0, ['SEC-1']), { ...reserve(1, 1, ['SEC-1']), type: 'info' }, { ...reserve(2, 2, ['SEC-1']), type: 'fail' }]));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.indeterminate, 1);
  });

  test('other operations are not counted', () => {
    const result = check(inputOf([reserve(0, 0, ['X']), { f: 'allocate', worker: 1, invoke: 1, value: { ids: ['X'] } }]));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.attempted, 1);
  });

  test('unreadable values make an otherwise clean history unknown, never a crash', () => {
    const result = check(inputOf([reserve(0, 0, ['SEC-1']), { f: 'reserve', worker: 1, invoke: 1, value: null }, { f: 'reserve', worker: 2, invoke: 2, value: { ids: [7] } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.malformed, 2);
  });

  test('a duplicate still fails beside unreadable values', () => {
    const result = check(inputOf([reserve(0, 0, ['SEC-1']), reserve(1, 1, ['SEC-1']), { f: 'reserve', worker: 2, invoke: 2, value: 'garbage' }]));
    assert.equal(result.verdict, 'fail');
  });

  test('an accessor that throws is contained', () => {
    const throwing = uniqueness({
      f: 'reserve',
      ids: () => {
        throw new Error('boom');
      },
    });
    assert.equal(throwing(inputOf([reserve(0, 0, ['SEC-1'])])).verdict, 'unknown');
  });

  test('nothing handed out is nothing to judge: an empty history, or every op failed, is unknown, never pass', () => {
    assert.equal(check(inputOf([])).verdict, 'unknown');
    const failed = check(inputOf([0, 1, 2].map((w): OpSpec => ({ f: 'reserve', worker: w, invoke: w, type: 'fail', value: { error: 'EEXEC' } }))));
    assert.equal(failed.verdict, 'unknown');
    assert.match(failed.message, /nothing to judge: no value was handed out \(0 of 3 reserve ops acknowledged\)/);
  });
});
