import * as hdr from 'hdr-histogram-js';

/** Percentiles of a latency distribution, in milliseconds (from an HDR histogram). */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** A histogram of durations in microseconds. */
export type Histogram = hdr.Histogram;

/**
 * An empty histogram at microsecond resolution, 3 significant digits (plain JavaScript: the
 * WebAssembly build would need an async init per worker). The run results and the bench share it.
 */
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Records `ms` (rounded to the microsecond, at least 1 µs); ignores non-finite or negative values. */
export function recordMs(h: Histogram, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** Records durations (ms) and summarises them as p50, p99 and max. */
export class LatencyRecorder {
  private readonly histogram = newHistogram();

  record(ms: number): void {
    recordMs(this.histogram, ms);
  }

  /** p50, p99 and max in ms; null when nothing was recorded. */
  summary(): LatencySummary | null {
    const h = this.histogram;
    if (h.totalCount === 0) return null;
    const ms = (us: number) => Math.round(us) / 1000;
    return { count: h.totalCount, p50Ms: ms(h.getValueAtPercentile(50)), p99Ms: ms(h.getValueAtPercentile(99)), maxMs: ms(h.maxValue) };
  }
}
