// A worker as a child process (`--isolation process`): the same iterations as a worker thread, told
// what to do over stdin and answering over stdout, one JSON object per line. Every event is
// written the moment it is recorded, so a worker killed mid-operation still leaves its `invoke`
// in the history (and the runner completes it as `info`).
//
// The start barrier cannot be shared memory across processes. The parent instead sends every
// worker the same start time on the machine-wide monotonic clock; each sleeps until just before
// it and spins for the rest, so all workers start within a few microseconds of each other.
import process from 'node:process';
import { createInterface } from 'node:readline';
import { monotonicNs } from './history.ts';
import { performIteration, type IterationTask, type WorkerSetup } from './worker-task.ts';

/** Parent → child messages. */
export type ToWorker =
  | { readonly t: 'setup'; readonly setup: WorkerSetup }
  | { readonly t: 'go'; readonly task: IterationTask; readonly startNs: number }
  | { readonly t: 'exit' };

/** Child → parent messages. */
export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'event'; readonly e: unknown }
  | { readonly t: 'done'; readonly iteration: number }
  | { readonly t: 'error'; readonly message: string };

function send(msg: FromWorker): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

async function untilNs(startNs: number): Promise<void> {
  const sleepMs = (startNs - monotonicNs()) / 1e6 - 2;
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
  while (monotonicNs() < startNs) {
    // spin: the last two milliseconds are too short for a timer to hit precisely
  }
}

async function main(): Promise<void> {
  let setup: WorkerSetup | undefined;
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as ToWorker;
    if (msg.t === 'setup') {
      setup = msg.setup;
      send({ t: 'ready' });
    } else if (msg.t === 'go') {
      queue = queue.then(async () => {
        try {
          await performIteration(setup!, msg.task, () => untilNs(msg.startNs), (e) => send({ t: 'event', e }));
          send({ t: 'done', iteration: msg.task.iteration });
        } catch (err) {
          send({ t: 'error', message: err instanceof Error ? err.message : String(err) });
        }
      });
    } else {
      void queue.then(() => process.exit(0));
    }
  });
}

void main();
