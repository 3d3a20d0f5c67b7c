import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noUnexpectedFailures } from '../../../harness/checkers/no-unexpected-failures.ts';
import { inputOf, type OpSpec } from './history-builder.ts';

const failed = (worker: number, error?: string): OpSpec => ({ f: 'allocate', worker, invoke: worker, type: 'fail', value: error === undefined ? null : { error, message: `${error} happened` } });

describe('noUnexpectedFailures', () => {
  test('expected failures pass', () => {
    const result = noUnexpectedFailures({ f: 'allocate', expected: ['ETIMEOUT'] })(inputOf([failed(0, 'ETIMEOUT'), { f: 'allocate', worker: 1, invoke: 1, value: { number: '001' } }]));
    assert.equal(result.checker, 'no-unexpected-failures');
    assert.equal(result.verdict, 'pass');
  });

  test('an EEXIST from a raced mkdir fails and is named', () => {
    const result = noUnexpectedFailures({ f: 'allocate' })(inputOf([failed(4, 'EEXIST')]));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, worker: 4, error: 'EEXIST', message: 'EEXIST happened' }]);
    assert.deepEqual(result.stats?.codes, { EEXIST: 1 });
  });

  test('a failure without a code is unexpected; info ops are not failures', () => {
    assert.equal(noUnexpectedFailures({ f: 'allocate' })(inputOf([failed(0)])).verdict, 'fail');
    assert.equal(noUnexpectedFailures({ f: 'allocate' })(inputOf([{ f: 'allocate', worker: 0, invoke: 0, type: 'info' }])).verdict, 'pass');
  });

  test('a lock found lost at the check before the write is the lock doing its job; found elsewhere it is not', () => {
    const compromised = (worker: number, stage: string): OpSpec => ({ f: 'allocate', worker, invoke: worker, type: 'fail', value: { error: 'ECOMPROMISED', message: 'lost', stage } });
    assert.equal(noUnexpectedFailures({ f: 'allocate' })(inputOf([compromised(0, 'check')])).verdict, 'pass');
    assert.equal(noUnexpectedFailures({ f: 'allocate' })(inputOf([compromised(0, 'release')])).verdict, 'fail');
  });

  test('no operation at all is nothing to judge: unknown, never pass', () => {
    const result = noUnexpectedFailures({ f: 'allocate' })(inputOf([{ f: 'reserve', worker: 0, invoke: 0, value: { ids: ['SEC-1'] } }]));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no allocate was attempted');
  });
});
