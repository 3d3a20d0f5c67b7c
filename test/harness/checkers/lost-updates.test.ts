import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lostUpdates } from '../../../harness/checkers/lost-updates.ts';
import { inputOf, snapshotOf, type OpSpec } from './history-builder.ts';

const check = lostUpdates();
const update = (worker: number, before: number, iteration = 0): OpSpec => ({ f: 'update', worker, iteration, invoke: worker, value: { before, after: before + 1 } });
const lost = (worker: number): OpSpec => ({ f: 'update', worker, invoke: worker, type: 'info' });
const counter = (value: unknown, iteration = 0) => snapshotOf(iteration, { facts: { counter: value } });

describe('lostUpdates', () => {
  test('every update counted once passes', () => {
    const result = check(inputOf([update(0, 0), update(1, 1), update(2, 2)], { snapshots: [counter(3)] }));
    assert.equal(result.checker, 'lost-updates');
    assert.equal(result.verdict, 'pass');
  });

  test('two updates from the same value fail, naming both workers', () => {
    const result = check(inputOf([update(0, 0), update(1, 0), update(2, 1)], { snapshots: [counter(2)] }));
    assert.equal(result.verdict, 'fail');
    assert.ok(result.examples.some((e) => JSON.stringify(e) === JSON.stringify({ iteration: 0, problem: 'updates read the same value', before: 0, workers: [0, 1] })));
    assert.equal(result.stats?.lost, 1);
  });

  test('a final counter below the acknowledged updates fails', () => {
    const result = check(inputOf([update(0, 0), update(1, 1), update(2, 2)], { snapshots: [counter(2)] }));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples[0], { iteration: 0, problem: '1 updates lost', counter: 2, acknowledged: 3, indeterminate: 0, initial: 0 });
  });

  test('info updates may or may not have landed', () => {
    assert.equal(check(inputOf([update(0, 0), lost(1)], { snapshots: [counter(1)] })).verdict, 'pass');
    assert.equal(check(inputOf([update(0, 0), lost(1)], { snapshots: [counter(2)] })).verdict, 'pass');
    assert.equal(check(inputOf([update(0, 0), lost(1)], { snapshots: [counter(3)] })).verdict, 'fail');
  });

  test('an update that is not an increment fails', () => {
    const odd: OpSpec = { f: 'update', worker: 0, invoke: 0, value: { before: 0, after: 5 } };
    assert.equal(check(inputOf([odd], { snapshots: [counter(1)] })).verdict, 'fail');
  });

  test('initial shifts the expected counter', () => {
    assert.equal(lostUpdates({ initial: 10 })(inputOf([update(0, 10)], { snapshots: [counter(11)] })).verdict, 'pass');
  });

  test('an unreadable counter or update is unknown', () => {
    assert.equal(check(inputOf([update(0, 0)], { snapshots: [counter(Number.NaN)] })).verdict, 'unknown');
    assert.equal(check(inputOf([update(0, 0)])).verdict, 'unknown');
    const garbled: OpSpec = { f: 'update', worker: 1, invoke: 1, value: { before: 'one' } };
    assert.equal(check(inputOf([update(0, 0), garbled], { snapshots: [counter(1)] })).verdict, 'unknown');
  });

  test('no acknowledged update is nothing to judge: unknown, never pass', () => {
    const result = check(inputOf([{ f: 'update', worker: 0, invoke: 0, type: 'fail', value: { error: 'EEXEC' } }], { snapshots: [counter(0)] }));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no update was acknowledged (0 info ops)');
  });
});
