import { monotonicNs } from '../../core/runtime.ts';

/**
 * A history is everything that happened in a run, one event per line, in the style of Jepsen:
 * each operation is an `invoke` followed by exactly one completion — `ok` (it happened), `fail`
 * (it certainly did not happen) or `info` (nobody knows: the worker was killed or timed out).
 */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export interface HistoryEvent {
  /** Position in the merged history, in time order. */
  readonly index: number;
  /** Monotonic nanoseconds (one clock for all threads and processes of the machine). */
  readonly time: number;
  readonly worker: number;
  readonly iteration: number;
  readonly type: EventType;
  /** The operation: `allocate`, `reserve`, `claim`, `write`, `update`, `acquire`, `release`, `hold`. */
  readonly f: string;
  readonly value: unknown;
}

/** An event as a worker records it, before the merge gives it an index. */
export type RawEvent = Omit<HistoryEvent, 'index'>;

/** Merges the events of all workers into one history ordered by time (ties keep worker order). */
export function mergeEvents(batches: readonly (readonly RawEvent[])[]): HistoryEvent[] {
  const all = batches.flat();
  const order = all.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  return order.map(({ e }, index) => ({ index, ...e }));
}

/** An operation as checkers see it: its invoke and its completion paired up. */
export interface Operation {
  readonly worker: number;
  readonly iteration: number;
  readonly f: string;
  readonly type: Exclude<EventType, 'invoke'>;
  readonly invokeTime: number;
  readonly completeTime: number;
  readonly input: unknown;
  readonly value: unknown;
}

/**
 * Pairs each invoke with the next completion of the same worker, iteration and f. An invoke with no
 * completion (the worker was killed, or the run ended under it) becomes `info`.
 */
export function pairOperations(history: readonly HistoryEvent[]): Operation[] {
  const open = new Map<string, HistoryEvent>();
  const ops: Operation[] = [];
  let lastTime = 0;
  for (const e of history) {
    lastTime = Math.max(lastTime, e.time);
    const key = `${e.worker}/${e.iteration}/${e.f}`;
    if (e.type === 'invoke') {
      // A second invoke before the first completed: the first's outcome is unknown.
      const dangling = open.get(key);
      if (dangling !== undefined) ops.push(unknownOutcome(dangling, e.time));
      open.set(key, e);
      continue;
    }
    const inv = open.get(key);
    if (inv === undefined) continue;
    open.delete(key);
    ops.push({ worker: e.worker, iteration: e.iteration, f: e.f, type: e.type, invokeTime: inv.time, completeTime: e.time, input: inv.value, value: e.value });
  }
  for (const inv of open.values()) ops.push(unknownOutcome(inv, lastTime));
  return ops;
}

function unknownOutcome(inv: HistoryEvent, until: number): Operation {
  return { worker: inv.worker, iteration: inv.iteration, f: inv.f, type: 'info', invokeTime: inv.time, completeTime: until, input: inv.value, value: null };
}

export { monotonicNs };
