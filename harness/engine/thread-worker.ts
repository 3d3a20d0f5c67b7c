// The Piscina task a worker thread runs: all of one worker's iterations, in order. Each iteration
// has its own slot in a shared Int32Array; a worker adds itself to the slot and sleeps on it with
// Atomics.wait until every worker has arrived, so all threads hit the primitive at the same
// instant. The last slot is an abort flag: if any thread fails, the parent raises it, and the
// others stop waiting for a party that will never come.
import type { MessagePort } from 'node:worker_threads';
import { performIteration, type IterationTask, type WorkerSetup } from './worker-task.ts';

export interface ThreadTask {
  readonly setup: WorkerSetup;
  readonly tasks: readonly IterationTask[];
  /** Int32Array(tasks.length + 1): arrivals per iteration, then the abort flag. */
  readonly barrier: SharedArrayBuffer;
  /** Receives `{iteration, events}` after each iteration. */
  readonly port: MessagePort;
}

function waitAll(barrier: Int32Array, slot: number, parties: number): void {
  const abort = barrier.length - 1;
  Atomics.add(barrier, slot, 1);
  Atomics.notify(barrier, slot);
  for (;;) {
    const arrived = Atomics.load(barrier, slot);
    if (arrived >= parties) return;
    if (Atomics.load(barrier, abort) !== 0) throw new Error('run aborted');
    Atomics.wait(barrier, slot, arrived, 100);
  }
}

export default async function runThreadTask(task: ThreadTask): Promise<number> {
  const barrier = new Int32Array(task.barrier);
  try {
    for (let i = 0; i < task.tasks.length; i++) {
      const events = await performIteration(task.setup, task.tasks[i]!, () => waitAll(barrier, i, task.setup.workers));
      task.port.postMessage({ iteration: task.tasks[i]!.iteration, events });
    }
  } finally {
    task.port.close();
  }
  return task.tasks.length;
}
