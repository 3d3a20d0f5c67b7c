import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkerOutcome } from '../../../harness/bench/contention-loop.ts';
import { encodeHistogram, newHistogram, recordMs } from '../../../harness/stats/hdr.ts';
import { median, summarizePoint } from '../../../harness/bench/point-summary.ts';

function outcome(worker: number, ops: number, elapsedMs: number): WorkerOutcome {
  const h = newHistogram();
  for (let i = 0; i < ops; i++) recordMs(h, 1 + i);
  const e = encodeHistogram(h);
  return { worker, ops, errors: 0, errorSamples: [], elapsedNs: elapsedMs * 1e6, wait: e, hold: e, op: e };
}

test('the median is the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('rounds pool their counts and histograms, per worker, and report the median round', () => {
  const rounds = [
    { outcomes: [outcome(0, 10, 1000), outcome(1, 10, 900)], inconsistency: null },
    { outcomes: [outcome(0, 40, 1000), outcome(1, 40, 1000)], inconsistency: null },
    { outcomes: [outcome(0, 30, 1000), outcome(1, 10, 500)], inconsistency: 'counter off by one' },
  ];
  const p = summarizePoint(2, rounds);
  assert.equal(p.rounds, 3);
  assert.equal(p.ops, 140);
  assert.deepEqual(p.perWorkerOps, [80, 60]);
  assert.deepEqual(p.roundThroughputs, [20, 80, 40]);
  assert.equal(p.throughput, 40);
  assert.equal(p.elapsedMs, 3000);
  assert.equal(p.wait?.count, 140);
  assert.equal(p.hold?.count, 140);
  assert.equal(p.inconsistency, 'counter off by one');
});

test('each round has its own p99 wait over fair share, from its own histograms', () => {
  // A worker whose ops all wait `wait` ms and hold `hold` ms.
  const flat = (worker: number, ops: number, wait: number, hold: number): WorkerOutcome => {
    const w = newHistogram();
    const h = newHistogram();
    for (let i = 0; i < ops; i++) {
      recordMs(w, wait);
      recordMs(h, hold);
    }
    return { worker, ops, errors: 0, errorSamples: [], elapsedNs: 1e9, wait: encodeHistogram(w), hold: encodeHistogram(h), op: encodeHistogram(h) };
  };
  const rounds = [
    { outcomes: [flat(0, 50, 4, 1), flat(1, 50, 4, 1)], inconsistency: null }, // 4 / (2 × 1)
    { outcomes: [flat(0, 50, 12, 2), flat(1, 50, 12, 2)], inconsistency: null }, // 12 / (2 × 2)
  ];
  const p = summarizePoint(2, rounds);
  assert.deepEqual(
    p.roundP99WaitOverFairShare.map((v) => Number(v!.toFixed(2))),
    [2, 3],
  );
  assert.ok(p.lockBusy !== null && p.lockBusy > 0 && p.lockBusy <= 1);
});

test('a point with no rounds reports nothing measured rather than failing', () => {
  const p = summarizePoint(4, []);
  assert.equal(p.ops, 0);
  assert.equal(p.throughput, 0);
  assert.equal(p.wait, null);
  assert.deepEqual(p.perWorkerOps, [0, 0, 0, 0]);
});
