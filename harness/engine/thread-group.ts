import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { siblingModule } from '../../core/runtime.ts';
import { abortThreadBarrier, newThreadBarrier } from './start-barrier.ts';
import { failureError, type TaskRef } from './task.ts';
import type { FromThread, ThreadJob } from './thread-entry.ts';

/** What a group of workers runs: one task, one input per worker, and where their messages go. */
export interface GroupOptions {
  readonly task: TaskRef;
  /** One input per worker: their number is the number of workers. */
  readonly inputs: readonly unknown[];
  /** Receives every message a worker sends, in the order that worker sent them. */
  readonly onMessage?: (party: number, message: unknown) => void;
  /** Aborting it ends every worker where it is, and the group rejects with its reason. */
  readonly signal?: AbortSignal;
}

/** The young generation of each worker thread, in MB (see runThreads). */
const YOUNG_GENERATION_MB = 6;

/**
 * Runs the task on one worker thread per input, all on one start barrier, and resolves with their
 * values in input order. The threads are a Piscina pool, one long task per thread. Rejects with
 * the first worker's failure (the others are released from the barrier and ended), or with the
 * signal's reason when it aborts.
 */
export async function runThreads<O>({ task, inputs, onMessage, signal }: GroupOptions): Promise<O[]> {
  signal?.throwIfAborted();
  const parties = inputs.length;
  const pool = new Piscina({
    filename: siblingModule(import.meta.url, './thread-entry').href,
    name: 'runThreadJob',
    minThreads: parties,
    maxThreads: parties,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
    // V8 lets each thread's young generation grow to tens of megabytes when it allocates steadily,
    // as a long run's threads do: 10 threads of run reserve held 561 MB at 10^5 iterations, most
    // of it young garbage. Capped, a scavenge comes sooner and costs no measurable time.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    workerData: { task },
  });
  const barrier = newThreadBarrier();
  let destroyed: Promise<void> | undefined;
  const destroy = () => (destroyed ??= pool.destroy());
  const onAbort = () => {
    abortThreadBarrier(barrier);
    void destroy(); // a thread deep in an operation would otherwise finish it first
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const runs = inputs.map((input, party) =>
      new Promise<O>((resolve, reject) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: FromThread) => {
          if (m.t === 'message') return onMessage?.(party, m.message);
          port1.close();
          if (m.result.ok) resolve(m.result.value as O);
          else reject(failureError(m.result.failure, party));
        });
        const job: ThreadJob = { task, input, party, parties, barrier, port: port2 };
        // A thread that dies (or a destroyed pool) settles here; a task that ends settles above.
        pool.run(job, { transferList: [port2] }).catch((err: unknown) => {
          port1.close();
          reject(err);
        });
      }).catch((err: unknown) => {
        abortThreadBarrier(barrier);
        throw err;
      }),
    );
    return await Promise.all(runs);
  } catch (err) {
    signal?.throwIfAborted(); // the threads failed because they were stopped: report the abort
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await destroy();
  }
}
