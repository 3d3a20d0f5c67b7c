import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { realTimeOrder } from '../../../harness/checkers/real-time-order.ts';
import type { Operation } from '../../../harness/history/history.ts';
import { inputOf, type OpSpec } from './history-builder.ts';

const numbers = (op: Operation) => [Number((op.value as { number: string }).number)];
const check = realTimeOrder({ f: 'allocate', numbers });
const alloc = (worker: number, invoke: number, complete: number, number: string, iteration = 0): OpSpec => ({
  f: 'allocate',
  worker,
  iteration,
  invoke,
  complete,
  input: { name: `w${worker}` },
  value: { number, path: `/r/${number}_w${worker}` },
});

describe('realTimeOrder', () => {
  test('numbers rising with real time pass', () => {
    const result = check(inputOf([alloc(0, 0, 10, '001'), alloc(1, 11, 20, '002'), alloc(2, 21, 30, '003')]));
    assert.equal(result.checker, 'real-time-order');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.checked, 3);
  });

  test('concurrent ops may take numbers in any order', () => {
    assert.equal(check(inputOf([alloc(0, 0, 10, '002'), alloc(1, 5, 15, '001')])).verdict, 'pass');
  });

  test('an op that got a lower number after another finished fails and names the pair', () => {
    const result = check(inputOf([alloc(3, 0, 10, '002'), alloc(7, 11, 20, '001')]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, earlier: { worker: 3, numbers: [2], completeTime: 10 }, later: { worker: 7, numbers: [1], invokeTime: 11 } }]);
  });

  test('equal numbers in sequence fail too', () => {
    assert.equal(check(inputOf([alloc(0, 0, 10, '001'), alloc(1, 11, 20, '001')])).verdict, 'fail');
  });

  test('the violation is found against any op finished earlier, not only the last', () => {
    const result = check(inputOf([alloc(0, 0, 5, '005'), alloc(1, 6, 8, '006'), alloc(2, 1, 9, '001'), alloc(3, 20, 30, '004')]));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { later: { worker: number } }).later.worker, 3);
    assert.equal((result.examples[0] as { earlier: { worker: number } }).earlier.worker, 1);
  });

  test('ops of different iterations are never compared', () => {
    assert.equal(check(inputOf([alloc(0, 0, 10, '002', 0), alloc(1, 11, 20, '001', 1)])).verdict, 'pass');
  });

  test('an op with several numbers must be wholly above those finished before it', () => {
    const multi = realTimeOrder({ f: 'reserve', numbers: (op) => (op.value as { n: number[] }).n });
    const op = (worker: number, invoke: number, complete: number, n: number[]): OpSpec => ({ f: 'reserve', worker, invoke, complete, value: { n } });
    assert.equal(multi(inputOf([op(0, 0, 10, [1, 2]), op(1, 11, 20, [3, 4])])).verdict, 'pass');
    assert.equal(multi(inputOf([op(0, 0, 10, [1, 3]), op(1, 11, 20, [2, 4])])).verdict, 'fail');
  });

  test('info and fail ops are not compared', () => {
    const result = check(inputOf([{ ...alloc(0, 0, 10, '009'), type: 'info' }, alloc(1, 11, 20, '001'), { ...alloc(2, 0, 5, '008'), type: 'fail' }]));
    assert.equal(result.verdict, 'pass');
  });

  test('unreadable numbers make an otherwise ordered history unknown', () => {
    const result = check(inputOf([alloc(0, 0, 10, '001'), { f: 'allocate', worker: 1, invoke: 11, complete: 20, value: { number: 'abc' } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.malformed, 1);
  });

  test('a long history of overlapping ops is judged whole', () => {
    const ops = Array.from({ length: 20_000 }, (_, i) => alloc(i % 16, i * 10, i * 10 + 25, String(i + 1).padStart(3, '0')));
    const result = check(inputOf(ops));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.checked, 20_000);
  });

  test('no acknowledged number is nothing to judge: unknown, never pass', () => {
    const result = check(inputOf([{ ...alloc(0, 0, 10, '001'), type: 'fail', value: { error: 'EEXEC' } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no number was handed out by an acknowledged allocate');
  });

  test('ops that all overlapped pass, and the message says no order was there to break', () => {
    const result = check(inputOf([alloc(0, 0, 10, '002'), alloc(1, 5, 15, '001')]));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.ordered, 0);
    assert.match(result.message, /no op began after another had finished \(all 2 ops overlapped\)/);
  });
});
