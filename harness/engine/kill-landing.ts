import type { RawEvent } from '../history/history.ts';

/**
 * Where a kill landed in its worker's part of the iteration, judged from the worker's own events
 * (on the history's clock): `before-operation` (nothing invoked yet), `in-operation` (an operation
 * invoked and not completed: for `--exec`, the command was starting, running or being read),
 * `between-operations` (all invoked ones completed, more to come, as between a lock's acquire and
 * release steps), `after-operations` (the worker's part was done: a kill then tests nothing).
 */
export type KillLanding = 'before-operation' | 'in-operation' | 'between-operations' | 'after-operations';

/** One kill the nemesis planned, and where it landed: what `faults.killList` in result.json holds. */
export interface KillFact {
  readonly iteration: number;
  readonly worker: number;
  /** ms after the iteration's common start. */
  readonly delayMs: number;
  /** The window the delay was drawn over (killWindowMs). */
  readonly windowMs: number;
  readonly landed: KillLanding;
  /** The operation it interrupted, when `in-operation`. */
  readonly operation?: string;
  /** Whether the worker's process group was sent SIGKILL (not when its part had already ended). */
  readonly signalled: boolean;
}

/**
 * Where a kill at `time` landed among `events`, the killed worker's events of the iteration.
 * `settled`: the worker's part had ended (it returned its result, whether or not the parent had
 * read it by the time it sent the kill).
 */
export function killLanding(events: readonly RawEvent[], time: number, settled: boolean): { landed: KillLanding; operation?: string } {
  if (settled) return { landed: 'after-operations' };
  const open = new Map<string, number>();
  let invoked = 0;
  for (const e of events) {
    if (e.time > time) continue;
    if (e.type === 'invoke') {
      invoked++;
      open.set(e.f, (open.get(e.f) ?? 0) + 1);
    } else if ((open.get(e.f) ?? 0) > 0) open.set(e.f, open.get(e.f)! - 1);
  }
  const running = [...open].find(([, n]) => n > 0);
  if (running !== undefined) return { landed: 'in-operation', operation: running[0] };
  // Everything invoked had completed, and the worker's part had not ended (it had not returned):
  // it was between two steps, as a lock holder between its acquire and its update.
  return { landed: invoked === 0 ? 'before-operation' : 'between-operations' };
}

/** Whether a kill that landed there interrupted work (and so counts as a kill). */
export const interrupted = (landed: KillLanding): boolean => landed !== 'after-operations';
