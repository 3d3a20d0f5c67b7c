import type { CheckInput, IterationSnapshot } from '../../../harness/checkers/checker.ts';
import { mergeEvents, type HistoryEvent, type RawEvent } from '../../../harness/history/history.ts';

/** One operation of a hand-made history: an invoke at `invoke` and (unless `type` is 'none') a completion at `complete`. */
export interface OpSpec {
  readonly f: string;
  readonly worker: number;
  /** Default 0. */
  readonly iteration?: number;
  /** Invoke time (ns). */
  readonly invoke: number;
  /** Completion time (ns). Default `invoke + 1`. */
  readonly complete?: number;
  /** Default 'ok'; 'none' records no completion (pairOperations then makes the op info). */
  readonly type?: 'ok' | 'fail' | 'info' | 'none';
  readonly input?: unknown;
  readonly value?: unknown;
}

/** The merged history of `ops`: each op's invoke and completion as events, in time order. */
export function historyOf(ops: readonly OpSpec[]): HistoryEvent[] {
  const events: RawEvent[] = [];
  for (const op of ops) {
    const iteration = op.iteration ?? 0;
    events.push({ time: op.invoke, worker: op.worker, iteration, type: 'invoke', f: op.f, value: op.input ?? null });
    const type = op.type ?? 'ok';
    if (type !== 'none') events.push({ time: op.complete ?? op.invoke + 1, worker: op.worker, iteration, type, f: op.f, value: op.value ?? null });
  }
  return mergeEvents([events]);
}

/** A snapshot of `iteration` with nothing in it unless given. */
export function snapshotOf(iteration: number, parts: Partial<Omit<IterationSnapshot, 'iteration'>> = {}): IterationSnapshot {
  return { iteration, root: `/tmp/root-${iteration}`, entries: [], fileProblems: [], facts: {}, ...parts };
}

/** A checker input: `ops` as a history, with snapshots, keep globs and the faulted flag when given. */
export function inputOf(ops: readonly OpSpec[], rest: Partial<Omit<CheckInput, 'history'>> = {}): CheckInput {
  return { history: historyOf(ops), snapshots: [], keep: [], faulted: false, ...rest };
}

/** Options of `hold`. */
export interface HoldSpec {
  readonly iteration?: number;
  /** Default `/root/a.lock`. */
  readonly path?: string;
  /** How the release completes; 'none' records no release at all (the holder was killed). Default 'ok'. */
  readonly release?: 'ok' | 'fail' | 'info' | 'none';
  /** The acquire's `leadMs`: how long before its ok the lock's lease began. Default: not reported. */
  readonly leadMs?: number;
}

/**
 * A lock hold by `worker` from `from` to `to` (ns): an acquire that completes at `from` and a
 * release invoked at `to`, as the recorder writes them.
 */
export function hold(worker: number, from: number, to: number, spec: HoldSpec = {}): OpSpec[] {
  const { iteration = 0, path = '/root/a.lock', release = 'ok', leadMs } = spec;
  const acquire: OpSpec = { f: 'acquire', worker, iteration, invoke: from - 1, complete: from, input: { path }, value: leadMs === undefined ? { path } : { path, leadMs } };
  if (release === 'none') return [acquire];
  const value = release === 'ok' ? { path } : { error: 'ECOMPROMISED', message: 'the lock was broken' };
  return [acquire, { f: 'release', worker, iteration, invoke: to, complete: to + 1, type: release, input: { path }, value }];
}

/**
 * A correct sequential counter's history: `counts[i]` numbers handed to op `i`, ops back to back
 * on `workers` workers in turn, numbered from 1. `value(numbers)` builds each ok value.
 */
export function sequentialOps(f: string, counts: readonly number[], workers: number, value: (numbers: number[]) => unknown, iteration = 0): OpSpec[] {
  let next = 1;
  return counts.map((count, i) => {
    const numbers = Array.from({ length: count }, () => next++);
    return { f, worker: i % workers, iteration, invoke: 10 * i, complete: 10 * i + 5, input: { count }, value: value(numbers) };
  });
}
