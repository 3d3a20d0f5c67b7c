import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filesValid } from '../../../harness/checkers/files-valid.ts';
import type { IterationSnapshot } from '../../../harness/checkers/checker.ts';
import { inputOf, snapshotOf } from './history-builder.ts';

const check = filesValid();

describe('filesValid', () => {
  test('snapshots without problems pass', () => {
    const result = check(inputOf([], { snapshots: [snapshotOf(0), snapshotOf(1)] }));
    assert.equal(result.checker, 'files-valid');
    assert.equal(result.verdict, 'pass');
  });

  test('any file problem fails, naming its iteration', () => {
    const result = check(inputOf([], { snapshots: [snapshotOf(0), snapshotOf(1, { fileProblems: ['counters.json: Unexpected end of JSON input'] })] }));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 1, problem: 'counters.json: Unexpected end of JSON input' }]);
    assert.equal(result.stats?.iterations, 1);
  });

  test('a problem that is not text is still reported, never a crash', () => {
    const odd = { ...snapshotOf(2), fileProblems: [{ toString: 5 }] } as unknown as IterationSnapshot;
    const result = check(inputOf([], { snapshots: [odd] }));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 2, problem: '(unprintable)' }]);
  });

  test('no snapshots, or unreadable problems or shared values, are unknown', () => {
    assert.equal(check(inputOf([])).verdict, 'unknown');
    const broken = { ...snapshotOf(0), fileProblems: 'oops' } as unknown as IterationSnapshot;
    assert.equal(check(inputOf([], { snapshots: [broken] })).verdict, 'unknown');
    const odd = { ...snapshotOf(0), shared: [{ value: 7, holders: 'x' }] } as unknown as IterationSnapshot;
    assert.equal(check(inputOf([], { snapshots: [odd] })).verdict, 'unknown');
  });

  test('a value the files hold twice is a collision, in the words uniqueness uses, apart from other file problems', () => {
    const shared = [{ value: '009', holders: ['009_w2/', '009_w7/', '009_w8/'] }];
    const result = check(inputOf([], { snapshots: [snapshotOf(0, { shared }), snapshotOf(1, { shared: [{ value: '002', holders: ['002_w1/', '002_w6/'] }] })] }));
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.collisions, { values: 2, extraHolders: 3, iterations: 2, otherViolations: 0 });
    assert.equal(result.message, '2 values handed out more than once (3 extra holders) in 2 of 2 iterations, as the files show');
    assert.deepEqual(result.examples[0], { iteration: 0, value: '009', holders: ['009_w2/', '009_w7/', '009_w8/'] });
    const mixed = check(inputOf([], { snapshots: [snapshotOf(0, { shared, fileProblems: ['counters.json: torn'] })] }));
    assert.equal(mixed.collisions?.otherViolations, 1);
  });
});
