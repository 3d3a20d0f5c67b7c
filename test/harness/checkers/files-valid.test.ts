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

  test('no snapshots, or unreadable problems, are unknown', () => {
    assert.equal(check(inputOf([])).verdict, 'unknown');
    const broken = { ...snapshotOf(0), fileProblems: 'oops' } as unknown as IterationSnapshot;
    assert.equal(check(inputOf([], { snapshots: [broken] })).verdict, 'unknown');
  });
});
