// Where a kill landed, from the killed worker's own events; and the window kills are drawn over.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawEvent } from '../../../harness/history/history.ts';
import { interrupted, killLanding } from '../../../harness/engine/kill-landing.ts';
import { killWindowMs, MIN_KILL_WINDOW_MS } from '../../../harness/engine/nemesis-plan.ts';

const ev = (time: number, type: RawEvent['type'], f: string): RawEvent => ({ time, worker: 0, iteration: 0, type, f, value: null });

describe('kill landing', () => {
  const lockHolder = [ev(10, 'invoke', 'acquire'), ev(20, 'ok', 'acquire'), ev(21, 'invoke', 'update'), ev(30, 'ok', 'update'), ev(31, 'invoke', 'release'), ev(40, 'ok', 'release')];

  test('by the events up to the kill', () => {
    assert.deepEqual(killLanding(lockHolder, 5, false), { landed: 'before-operation' });
    assert.deepEqual(killLanding(lockHolder, 15, false), { landed: 'in-operation', operation: 'acquire' });
    assert.deepEqual(killLanding(lockHolder, 25, false), { landed: 'in-operation', operation: 'update' });
    assert.deepEqual(killLanding(lockHolder, 20.5, false), { landed: 'between-operations' });
  });

  test('a worker that had returned its result was not interrupted, whatever its events', () => {
    assert.deepEqual(killLanding(lockHolder, 15, true), { landed: 'after-operations' });
    assert.equal(interrupted('after-operations'), false);
    assert.equal(interrupted('in-operation'), true);
  });
});

describe('kill window', () => {
  test('the 90th percentile of the latest timed parts, at least the minimum', () => {
    assert.equal(killWindowMs([]), MIN_KILL_WINDOW_MS);
    assert.equal(killWindowMs([1, 2]), MIN_KILL_WINDOW_MS);
    const parts = Array.from({ length: 10 }, (_, i) => 100 * (i + 1));
    assert.equal(killWindowMs(parts), 1000);
    assert.equal(killWindowMs([...Array.from({ length: 100 }, () => 50), ...Array.from({ length: 64 }, () => 300)]), 300, 'only the latest 64 count');
  });
});
