import type { HistoryEvent } from './history.ts';
import { LatencyRecorder } from '../stats/latency.ts';
import type { LatencySummary } from '../stats/latency.ts';

/**
 * Lock wait (acquire invoke → ok) and hold (acquire ok → release invoke), per worker and
 * iteration, fed whole iterations at a time (what it remembers between feeds is two histograms).
 * An acquire with no release (a killed holder) counts for wait only.
 */
export class LockTimings {
  private readonly wait = new LatencyRecorder();
  private readonly hold = new LatencyRecorder();

  /** Adds the lock steps of `events`: the events of one or more whole iterations. */
  feed(events: readonly HistoryEvent[]): void {
    const invoked = new Map<string, number>();
    const held = new Map<string, number>();
    for (const e of events) {
      const key = `${e.worker}/${e.iteration}`;
      if (e.f === 'acquire' && e.type === 'invoke') invoked.set(key, e.time);
      else if (e.f === 'acquire' && e.type === 'ok') {
        const start = invoked.get(key);
        if (start !== undefined) this.wait.record((e.time - start) / 1e6);
        held.set(key, e.time);
      } else if (e.f === 'release' && e.type === 'invoke') {
        const start = held.get(key);
        if (start !== undefined) this.hold.record((e.time - start) / 1e6);
        held.delete(key);
      }
    }
  }

  summary(): { wait: LatencySummary | null; hold: LatencySummary | null } {
    return { wait: this.wait.summary(), hold: this.hold.summary() };
  }
}

/** Lock wait and hold over a whole history (see LockTimings). */
export function lockTimings(history: readonly HistoryEvent[]): { wait: LatencySummary | null; hold: LatencySummary | null } {
  const timings = new LockTimings();
  timings.feed(history);
  return timings.summary();
}
