import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readsValid } from '../../../harness/checkers/reads-valid.ts';
import { inputOf, snapshotOf, type OpSpec } from './history-builder.ts';

const check = readsValid();
const write = (worker: number, type: OpSpec['type'] = 'ok'): OpSpec => ({
  f: 'write',
  worker,
  invoke: worker * 10,
  type,
  input: { payload: `w${worker}-i0` },
  value: type === 'ok' ? { payload: `w${worker}-i0` } : { error: 'EIO' },
});
const read = (worker: number, valid: unknown, payload: unknown): OpSpec => ({ f: 'read', worker, invoke: worker * 10 + 5, value: { valid, payload } });
const final = (finalValid: unknown, finalPayload: unknown) => snapshotOf(0, { facts: { finalValid, finalPayload } });

describe('readsValid', () => {
  test('whole reads and a whole final payload somebody wrote pass', () => {
    const result = check(inputOf([write(0), read(0, true, 'w0-i0'), write(1), read(1, true, 'initial')], { snapshots: [final(true, 'w1-i0')] }));
    assert.equal(result.checker, 'reads-valid');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.reads, 2);
  });

  test('a torn read fails and names the reader', () => {
    const result = check(inputOf([write(0), read(3, false, null)], { snapshots: [final(true, 'w0-i0')] }));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, worker: 3, at: 36, problem: 'read a torn file', payload: null }]);
  });

  test('a torn final file fails', () => {
    const result = check(inputOf([write(0)], { snapshots: [final(false, null)] }));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { problem: string }).problem, 'final file is not one whole payload');
  });

  test('a final payload from a failed write fails; from an info write it passes', () => {
    assert.equal(check(inputOf([write(0), write(1, 'fail')], { snapshots: [final(true, 'w1-i0')] })).verdict, 'fail');
    assert.equal(check(inputOf([write(0), write(1, 'info')], { snapshots: [final(true, 'w1-i0')] })).verdict, 'pass');
    assert.equal(check(inputOf([write(0)], { snapshots: [final(true, 'initial')] })).verdict, 'pass');
  });

  test('a read of a payload nobody wrote fails', () => {
    assert.equal(check(inputOf([write(0), read(0, true, 'w9-i9')], { snapshots: [final(true, 'w0-i0')] })).verdict, 'fail');
  });

  test('unreadable reads or final facts are unknown', () => {
    assert.equal(check(inputOf([write(0), read(0, 'yes', 'w0-i0')], { snapshots: [final(true, 'w0-i0')] })).verdict, 'unknown');
    assert.equal(check(inputOf([write(0)])).verdict, 'unknown');
  });

  test('no acknowledged write is nothing to judge, though every read found the initial file: unknown', () => {
    const result = check(inputOf([write(0, 'fail'), read(0, true, 'initial')], { snapshots: [final(true, 'initial')] }));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no write was acknowledged');
  });
});
