import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gapBound } from '../../../harness/checkers/gap-bound.ts';
import type { Operation } from '../../../harness/history/history.ts';
import { inputOf, type OpSpec } from './history-builder.ts';

const numbers = (op: Operation) => (op.value as { numbers: number[] }).numbers;
const weight = (op: Operation) => (op.input as { count: number }).count;
const check = gapBound({ f: 'reserve', numbers, weight });
const ok = (worker: number, got: number[], iteration = 0): OpSpec => ({ f: 'reserve', worker, iteration, invoke: worker, input: { count: got.length }, value: { numbers: got } });
const info = (worker: number, count: number, iteration = 0): OpSpec => ({ f: 'reserve', worker, iteration, invoke: worker, type: 'info', input: { count } });

describe('gapBound', () => {
  test('a contiguous sequence from 1 passes, in any order', () => {
    const result = check(inputOf([ok(0, [3, 4]), ok(1, [1]), ok(2, [2])]));
    assert.equal(result.checker, 'gap-bound');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.missing, 0);
  });

  test('a gap no info op explains fails and lists the missing numbers', () => {
    const result = check(inputOf([ok(0, [1, 2]), ok(1, [5])]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, missing: [3, 4], missingCount: 2, allowedByInfo: 0, max: 5 }]);
  });

  test('a failed op took nothing: its gap fails', () => {
    const result = check(inputOf([ok(0, [1]), { f: 'reserve', worker: 1, invoke: 1, type: 'fail', input: { count: 1 }, value: { error: 'EIO' } }, ok(2, [3])]));
    assert.equal(result.verdict, 'fail');
  });

  test('gaps within the weight of the info ops pass, and the message says so', () => {
    const result = check(inputOf([ok(0, [1]), info(1, 2), ok(2, [4])]));
    assert.equal(result.verdict, 'pass');
    assert.match(result.message, /info/);
    assert.equal(result.stats?.missing, 2);
  });

  test('gaps beyond the weight of the info ops fail', () => {
    const result = check(inputOf([ok(0, [1]), info(1, 1), ok(2, [4])]));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { allowedByInfo: number }).allowedByInfo, 1);
  });

  test('info ops of another iteration do not cover a gap', () => {
    assert.equal(check(inputOf([ok(0, [1, 3], 0), info(1, 5, 1), ok(2, [1], 1)])).verdict, 'fail');
  });

  test('duplicates are not gaps', () => {
    assert.equal(check(inputOf([ok(0, [1, 2]), ok(1, [2, 3])])).verdict, 'pass');
  });

  test('a number below start fails', () => {
    const result = check(inputOf([ok(0, [0, 1])]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples[0], { iteration: 0, belowStart: [0], start: 1 });
  });

  test('start can be changed', () => {
    const fromZero = gapBound({ f: 'reserve', numbers, weight, start: 0 });
    assert.equal(fromZero(inputOf([ok(0, [0, 1])])).verdict, 'pass');
    assert.equal(fromZero(inputOf([ok(0, [1])])).verdict, 'fail');
  });

  test('keys keep sequences apart', () => {
    const byPrefix = gapBound({ f: 'reserve', numbers, weight, key: (op) => (op.input as { prefix: string }).prefix });
    const op = (worker: number, prefix: string, got: number[]): OpSpec => ({ f: 'reserve', worker, invoke: worker, input: { prefix, count: got.length }, value: { numbers: got } });
    assert.equal(byPrefix(inputOf([op(0, 'SEC', [1]), op(1, 'BUG', [1]), op(2, 'SEC', [2])])).verdict, 'pass');
    const result = byPrefix(inputOf([op(0, 'SEC', [1]), op(1, 'BUG', [2])]));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { key: string }).key, 'BUG');
  });

  test('an unreadable info weight turns a would-be failure into unknown', () => {
    const result = check(inputOf([ok(0, [1]), { f: 'reserve', worker: 1, invoke: 1, type: 'info', input: null }, ok(2, [4])]));
    assert.equal(result.verdict, 'unknown');
  });

  test('unreadable numbers make an otherwise passing history unknown', () => {
    const result = check(inputOf([ok(0, [1]), { f: 'reserve', worker: 1, invoke: 1, value: { numbers: ['2'] } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.malformed, 1);
  });

  test('a huge bogus number costs no time to report', () => {
    const result = check(inputOf([ok(0, [1, 2 ** 52])]));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { missing: number[] }).missing.length, 20);
  });

  test('no acknowledged number is nothing to judge: unknown, never pass', () => {
    const result = check(inputOf([info(0, 2), { f: 'reserve', worker: 1, invoke: 1, type: 'fail', input: { count: 1 }, value: { error: 'EEXEC' } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no number was handed out by an acknowledged reserve');
  });
});
