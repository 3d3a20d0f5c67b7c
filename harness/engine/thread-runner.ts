import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { siblingModule } from '../../core/runtime.ts';
import type { RawEvent } from '../history/history.ts';
import type { ThreadTask } from './thread-worker.ts';
import type { IterationTask, WorkerSetup } from './worker-task.ts';

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
 * Runs every iteration on a Piscina pool of `workers` threads, one long task per thread. Rejects if
 * any thread fails (after telling the others to stop waiting at the barrier), or when `signal`
 * aborts (the threads are terminated where they are).
 */
export async function runOnThreads({ base, tasks, onIteration, signal }: PoolRunOptions): Promise<void> {
  signal?.throwIfAborted();
  const pool = new Piscina({
    filename: siblingModule(import.meta.url, './thread-worker').href,
    minThreads: base.workers,
    maxThreads: base.workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
  });
  const barrier = new SharedArrayBuffer(4 * (tasks.length + 1));
  const flags = new Int32Array(barrier);
  const stopWaiting = () => {
    Atomics.store(flags, tasks.length, 1);
    Atomics.notify(flags, tasks.length);
    for (let i = 0; i < tasks.length; i++) Atomics.notify(flags, i);
  };
  let destroyed: Promise<void> | undefined;
  const destroy = () => (destroyed ??= pool.destroy());
  const onAbort = () => {
    stopWaiting();
    void destroy(); // a thread deep in an operation would otherwise finish it first
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const runs = Array.from({ length: base.workers }, (_, worker) => {
      const { port1, port2 } = new MessageChannel();
      // The task may resolve before its last message is delivered on this side: count the
      // iterations received and settle only when all of them are in (or the task failed).
      let received = 0;
      let allReceived: () => void = () => {};
      const delivered = new Promise<void>((resolve) => {
        allReceived = resolve;
      });
      port1.on('message', (m: { iteration: number; events: RawEvent[] }) => {
        onIteration(m.iteration, worker, m.events);
        if (++received === tasks.length) allReceived();
      });
      if (tasks.length === 0) allReceived();
      const task: ThreadTask = { setup: { ...base, worker }, tasks, barrier, port: port2 };
      return pool
        .run(task, { transferList: [port2] })
        .then(() => delivered)
        .catch((err: unknown) => {
          stopWaiting();
          throw err;
        })
        .finally(() => port1.close());
    });
    await Promise.all(runs);
  } catch (err) {
    signal?.throwIfAborted(); // the threads failed because they were stopped: report the abort
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await destroy();
  }
}
