import { collisionText } from '../../reports/collision-text.ts';
import type { ProgressState } from '../engine/run.ts';

/** `racetrack: iteration 7/100, 70 ops, 0 values handed out more than once (0 extra holders), 0.4s`. */
export function formatProgress(p: ProgressState): string {
  const secs = (p.elapsedMs / 1000).toFixed(1);
  return `racetrack: iteration ${p.iterationsDone}/${p.iterations}, ${p.operations} ops, ${collisionText(p.collisions)}, ${secs}s`;
}

/**
 * A live progress line on a terminal (rewritten in place at most every 100 ms), and plain lines
 * every few seconds otherwise, so CI logs show a run is alive without drowning in updates.
 */
export function createProgress(write: (text: string) => void, isTty: boolean, intervalMs = isTty ? 100 : 5000): { update(p: ProgressState): void; done(p: ProgressState): void } {
  let last = -Infinity;
  return {
    update(p) {
      if (p.elapsedMs - last < intervalMs) return;
      last = p.elapsedMs;
      write(isTty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`);
    },
    done(p) {
      write(isTty ? `\r\x1b[2K${formatProgress(p)}\n` : `${formatProgress(p)}\n`);
    },
  };
}
