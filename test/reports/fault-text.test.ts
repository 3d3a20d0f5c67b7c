import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultText } from '../../reports/fault-text.ts';
import { formatPerSecond } from '../../reports/number-format.ts';

test('a rate per second is rounded for people: two significant digits, whole from 100 up', () => {
  assert.deepEqual([3.4903233648630887, 0.251, 99.95, 4567.4, 0, Number.NaN].map(formatPerSecond), ['3.5/s', '0.25/s', '100/s', '4567/s', '0/s', 'n/a']);
});

test('the faults of a run read as words with rounded numbers', () => {
  const tally = { killRate: 0.2, pauseRate: 0, staleMs: 5000, kills: 12, killsAfterOperation: 0, killList: [], pauses: 1, pausesMissed: 0, faultedIterations: 8, killsPerSecond: 3.4903233648630887 };
  assert.equal(faultText(tally), '12 workers killed (3.5/s), 1 lock holder paused, in 8 iterations');
  assert.equal(faultText({ ...tally, kills: 1, pauses: 0, faultedIterations: 1, killsPerSecond: 0.29 }), '1 worker killed (0.29/s), 0 lock holders paused, in 1 iteration');
});
