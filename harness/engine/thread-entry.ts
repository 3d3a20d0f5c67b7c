// The module every worker thread runs (Piscina's `filename`): it loads the task it is told by
// module and name, runs it with the thread start barrier, and answers over the job's port. The
// result goes over the port too, after every message the task sent, rather than as Piscina's
// return value, which travels on another channel and may overtake them. A failure is sent as data
// (and aborts the barrier at once, so the other threads stop waiting); what the task threw never
// crosses as an exception, which would lose its code and facts on the way.
import { type MessagePort, workerData } from 'node:worker_threads';
import { abortThreadBarrier, waitAtThreadBarrier } from './start-barrier.ts';
import { preloadTask, runTask, type TaskRef, type TaskResult } from './task.ts';

// The pool hands every thread its group's task when it starts the thread (see thread-group.ts).
// Loading it here, where Piscina loads this module, lets each thread import the task (for a run:
// the scenario, its SUTs, the core) while the pool starts, not after the first job arrived.
const preload = (workerData as { readonly task?: TaskRef } | null)?.task;
if (preload !== undefined) await preloadTask(preload);

/** What the parent hands each thread: the task, its input, its place, the barrier and a port home. */
export interface ThreadJob {
  readonly task: TaskRef;
  readonly input: unknown;
  readonly party: number;
  readonly parties: number;
  /** See start-barrier.ts newThreadBarrier. */
  readonly barrier: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Thread → parent messages on the job's port. */
export type FromThread = { readonly t: 'message'; readonly message: unknown } | { readonly t: 'result'; readonly result: TaskResult };

/** Runs one job (Piscina calls it by this name). */
export async function runThreadJob(job: ThreadJob): Promise<void> {
  const post = (m: FromThread) => job.port.postMessage(m);
  const result = await runTask(job.task, job.input, {
    party: job.party,
    parties: job.parties,
    start: async () => waitAtThreadBarrier(job.barrier, job.parties),
    send: (message) => post({ t: 'message', message }),
  });
  post({ t: 'result', result });
  // After the post: the others, woken to fail, must not report their own failure first.
  if (!result.ok) abortThreadBarrier(job.barrier);
  job.port.close();
}
