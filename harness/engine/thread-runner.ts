import type { RawEvent } from '../history/history.ts';
import { taskRef } from './task.ts';
import { runThreads } from './thread-group.ts';
import type { IterationEvents, IterationTask, WorkerSetup } from './worker-task.ts';

/** How the runners report back: the events of one worker's iteration, as soon as it is done. */
export type IterationSink = (iteration: number, worker: number, events: readonly RawEvent[]) => void;

export interface PoolRunOptions {
  readonly base: Omit<WorkerSetup, 'worker'>;
  readonly tasks: readonly IterationTask[];
  readonly onIteration: IterationSink;
  /** Called after each iteration with whether faults were injected in it (the process runner's nemesis). */
  readonly afterIteration?: (iteration: number, faulted: boolean) => Promise<void>;
  /** Aborting it stops the run (Ctrl-C): the workers are ended, and the runner rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs every iteration on `workers` threads (the engine's thread group: a Piscina pool, one long
 * task per thread, the start barrier before each iteration). Rejects if any thread fails, or when
 * `signal` aborts (the threads are terminated where they are).
 */
export async function runOnThreads({ base, tasks, onIteration, signal }: PoolRunOptions): Promise<void> {
  await runThreads({
    task: taskRef(import.meta.url, './worker-task', 'runIterations'),
    inputs: Array.from({ length: base.workers }, (_, worker) => ({ setup: { ...base, worker }, tasks })),
    onMessage: (worker, m) => onIteration((m as IterationEvents).iteration, worker, (m as IterationEvents).events),
    signal,
  });
}
