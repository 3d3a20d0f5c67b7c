import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzSut } from '../../../harness/fuzz/fuzz-sut.ts';
import { coreSut } from '../../../scenarios/suts/core.ts';

test('a control is fuzzed as the core with the operations its bug lives in replaced', () => {
  const sut = fuzzSut('write-in-place');
  assert.deepEqual(sut.overrides, ['write']);
  assert.notEqual(sut.write, coreSut.write);
  assert.equal(sut.recover, coreSut.recover);
  assert.equal(sut.acquire, coreSut.acquire);
  assert.equal(sut.name, 'write-in-place');
  assert.equal(fuzzSut('stale-break-naive').honoursIdentity, false);
});

test('the core replaces nothing; a system under test on the real file system only is refused', () => {
  assert.deepEqual(fuzzSut('core').overrides, []);
  assert.throws(() => fuzzSut('proper-lockfile'), { code: 'EINVALID', message: /real file system only/ });
  assert.throws(() => fuzzSut('nope'), { code: 'EINVALID' });
});
