// HDR histograms for the bench: recorded in microseconds (3 significant digits, as harness/latency
// does), shipped between workers and the parent as compressed base64, merged, and summarised.
import * as hdr from 'hdr-histogram-js';
import type { HistogramBucket, LatencyStats } from '../bench/bench-types.ts';

import { newHistogram, type Histogram } from './latency.ts';

export { newHistogram, recordMs, type Histogram } from './latency.ts';

/** The histogram as compressed base64, small enough to post or print as one JSON line. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds every encoded histogram into one fresh histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  return mergeHistograms(encoded.map((e) => hdr.decodeFromCompressedBase64(e, 64, false)));
}

/** Adds histograms into one fresh histogram. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const total = newHistogram();
  for (const h of histograms) total.add(h);
  return total;
}

/** count, mean, p50, p99 and max in ms; null when nothing was recorded. */
export function latencyStats(h: Histogram): LatencyStats | null {
  if (h.totalCount === 0) return null;
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: h.totalCount,
    meanMs: Math.round(h.mean) / 1000,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}

interface RecordedValues {
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
  reset(): void;
}

/**
 * The histogram folded into log-spaced buckets, `perDecade` per factor of ten, from the decade of
 * the smallest recorded value to that of the largest. Every recorded value lands in exactly one
 * bucket, so the counts add up to the total. Empty when nothing was recorded.
 */
export function logBuckets(h: Histogram, perDecade = 5): HistogramBucket[] {
  if (h.totalCount === 0) return [];
  const values = (h as unknown as { recordedValuesIterator: RecordedValues }).recordedValuesIterator;
  values.reset();
  const counts = new Map<number, number>();
  while (values.hasNext()) {
    const v = values.next();
    const index = Math.floor(Math.log10(Math.max(1, v.valueIteratedTo)) * perDecade);
    counts.set(index, (counts.get(index) ?? 0) + v.countAtValueIteratedTo);
  }
  const indexes = [...counts.keys()];
  const lo = Math.min(...indexes);
  const hi = Math.max(...indexes);
  const edge = (i: number) => Number((10 ** (i / perDecade) / 1000).toPrecision(3));
  const buckets: HistogramBucket[] = [];
  for (let i = lo; i <= hi; i++) buckets.push({ fromMs: edge(i), toMs: edge(i + 1), count: counts.get(i) ?? 0 });
  return buckets;
}
