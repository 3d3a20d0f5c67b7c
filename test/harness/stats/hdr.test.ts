import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, latencyStats, logBuckets, mergeEncoded, newHistogram, recordMs } from '../../../harness/stats/hdr.ts';

test('histograms survive encoding and merge by adding their counts', () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 1; i <= 100; i++) recordMs(a, i / 10);
  for (let i = 1; i <= 50; i++) recordMs(b, i);
  const merged = mergeEncoded([encodeHistogram(a), encodeHistogram(b)]);
  assert.equal(merged.totalCount, 150);
  const stats = latencyStats(merged)!;
  assert.equal(stats.count, 150);
  assert.ok(stats.p50Ms <= stats.p99Ms && stats.p99Ms <= stats.maxMs);
  assert.ok(Math.abs(stats.maxMs - 50) / 50 < 0.01);
});

test('an empty histogram has no stats and no buckets', () => {
  const h = mergeEncoded([encodeHistogram(newHistogram())]);
  assert.equal(latencyStats(h), null);
  assert.deepEqual(logBuckets(h), []);
});

test('negative and non-finite durations are not recorded', () => {
  const h = newHistogram();
  recordMs(h, -1);
  recordMs(h, Number.NaN);
  recordMs(h, Number.POSITIVE_INFINITY);
  assert.equal(h.totalCount, 0);
});

test('log buckets hold every recorded value once, in ascending contiguous ranges', () => {
  const h = newHistogram();
  const values = [0.003, 0.05, 0.05, 0.9, 1, 1.1, 7, 40, 400, 2500];
  for (const v of values) recordMs(h, v);
  const buckets = logBuckets(h);
  assert.equal(
    buckets.reduce((s, b) => s + b.count, 0),
    values.length,
  );
  for (let i = 1; i < buckets.length; i++) assert.equal(buckets[i]!.fromMs, buckets[i - 1]!.toMs);
  for (const b of buckets) assert.ok(b.fromMs < b.toMs);
  assert.ok(buckets[0]!.fromMs <= 0.003 && buckets[buckets.length - 1]!.toMs >= 2500);
});
