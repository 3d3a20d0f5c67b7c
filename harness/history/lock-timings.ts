import type { HistoryEvent } from './history.ts';
import { LatencyRecorder } from '../stats/latency.ts';
import type { LatencySummary } from '../stats/latency.ts';

/**
 * Lock wait (acquire invoke → ok) and hold (acquire ok → release invoke) from a history, per
 * worker and iteration. An acquire with no release (a killed holder) counts for wait only.
 */
export function lockTimings(history: readonly HistoryEvent[]): { wait: LatencySummary | null; hold: LatencySummary | null } {
  const wait = new LatencyRecorder();
  const hold = new LatencyRecorder();
  const invoked = new Map<string, number>();
  const held = new Map<string, number>();
  for (const e of history) {
    const key = `${e.worker}/${e.iteration}`;
    if (e.f === 'acquire' && e.type === 'invoke') invoked.set(key, e.time);
    else if (e.f === 'acquire' && e.type === 'ok') {
      const start = invoked.get(key);
      if (start !== undefined) wait.record((e.time - start) / 1e6);
      held.set(key, e.time);
    } else if (e.f === 'release' && e.type === 'invoke') {
      const start = held.get(key);
      if (start !== undefined) hold.record((e.time - start) / 1e6);
      held.delete(key);
    }
  }
  return { wait: wait.summary(), hold: hold.summary() };
}
