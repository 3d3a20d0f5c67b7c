import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jainIndex, p99WaitOverFairShare } from '../../../harness/stats/fairness.ts';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test("Jain's index is 1 when every worker did the same", () => {
  close(jainIndex([7, 7, 7, 7]), 1);
  close(jainIndex([3]), 1);
});

test("Jain's index is 1/n when one worker did everything", () => {
  close(jainIndex([12, 0, 0, 0]), 1 / 4);
  close(jainIndex([0, 5]), 1 / 2);
});

test("Jain's index is (sum x)^2 / (n sum x^2) in between", () => {
  close(jainIndex([1, 2, 3]), 36 / 42);
  const skewed = jainIndex([10, 1, 1, 1]);
  assert.ok(skewed > 1 / 4 && skewed < 1);
});

test("Jain's index does not change with the unit, and is 1 when nobody did anything", () => {
  close(jainIndex([1, 2, 3]), jainIndex([100, 200, 300]));
  assert.equal(jainIndex([]), 1);
  assert.equal(jainIndex([0, 0]), 1);
});

test('p99 wait over fair share divides by workers times the median hold', () => {
  close(p99WaitOverFairShare(30, 10, 1)!, 3);
  close(p99WaitOverFairShare(4, 2, 4)!, 0.5);
});

test('p99 wait over fair share is null when there is no hold to divide by', () => {
  assert.equal(p99WaitOverFairShare(5, 10, 0), null);
  assert.equal(p99WaitOverFairShare(Number.NaN, 10, 1), null);
});
