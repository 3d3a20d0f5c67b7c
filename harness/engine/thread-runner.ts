import type { RawEvent } from '../history/history.ts';
import { taskRef } from './task.ts';
import { runThreads } from './thread-group.ts';
import type { IterationEvents, IterationWindow, ThreadIterations, WorkerSetup } from './worker-task.ts';

/** How the runners report back: the events of one worker's iteration, as soon as it is done. */
export type IterationSink = (iteration: number, worker: number, events: readonly RawEvent[]) => void;

export interface PoolRunOptions {
  readonly base: Omit<WorkerSetup, 'worker'>;
  /** How many iterations to run, 0 to iterations - 1, each on a fresh root laid out under `rootsDir` just before it runs. */
  readonly iterations: number;
  readonly rootsDir: string;
  readonly onIteration: IterationSink;
  /** Called after each iteration with whether faults were injected in it (the process runner's nemesis). */
  readonly afterIteration?: (iteration: number, faulted: boolean) => Promise<void>;
  /** Aborting it stops the run (Ctrl-C): the workers are ended, and the runner rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs every iteration on `workers` threads (the engine's thread group: a Piscina pool, one long
 * task per thread, the start barrier before each iteration). Worker 0 lays out each iteration's
 * root before the barrier, once the parent has settled all but `window.ahead` of the iterations
 * before it (the parent publishes how many it has settled in `window.settled`). Rejects if any
 * thread fails, or when `signal` aborts (the threads are terminated where they are).
 */
export async function runOnThreads({ base, iterations, rootsDir, onIteration, window, signal }: PoolRunOptions & { readonly window: IterationWindow }): Promise<void> {
  await runThreads({
    task: taskRef(import.meta.url, './worker-task', 'runIterations'),
    inputs: Array.from({ length: base.workers }, (_, worker) => ({ setup: { ...base, worker }, iterations, rootsDir, window }) satisfies ThreadIterations),
    onMessage: (worker, m) => onIteration((m as IterationEvents).iteration, worker, (m as IterationEvents).events),
    signal,
  });
}
