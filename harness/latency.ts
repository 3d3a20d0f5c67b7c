import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './run-result.ts';

/** Records durations (ms) into an HDR histogram at microsecond resolution, 3 significant digits. */
export class LatencyRecorder {
  private readonly histogram = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  private count = 0;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    this.count++;
  }

  /** p50, p99 and max in ms; null when nothing was recorded. */
  summary(): LatencySummary | null {
    if (this.count === 0) return null;
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      p50Ms: ms(this.histogram.getValueAtPercentile(50)),
      p99Ms: ms(this.histogram.getValueAtPercentile(99)),
      maxMs: ms(this.histogram.maxValue),
    };
  }
}
