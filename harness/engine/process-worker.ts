// A worker as a child process (`--isolation process`): the same iterations as a worker thread, told
// what to do over stdin and answering over stdout, one JSON object per line. Every event is
// written the moment it is recorded, so a worker killed mid-operation still leaves its `invoke`
// in the history (and the runner completes it as `info`).
//
// The start barrier cannot be shared memory across processes. The parent instead sends every
// worker the same start time on the machine-wide monotonic clock; each sleeps until just before
// it and spins for the rest, so all workers start within a few microseconds of each other.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { monotonicNs, type RawEvent } from '../history/history.ts';
import { performIteration, type IterationTask, type WorkerSetup } from './worker-task.ts';

/** Parent → child messages. */
export type ToWorker =
  | { readonly t: 'setup'; readonly setup: WorkerSetup }
  | {
    readonly t: 'go';
    readonly task: IterationTask;
    readonly startNs: number;
    /**
     * Set in an iteration where the nemesis pauses a holder (and this worker is not to be
     * killed): the claim file that makes the first worker to take its lock the one paused.
     */
    readonly pauseClaim?: string;
  }
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

/**
 * Whether we are the iteration's paused holder: the first to create `claim`, writing our worker
 * number into it, so the parent (which watches for it) knows whom to wake.
 */
function claimPause(claim: string, worker: number): boolean {
  try {
    writeFileSync(claim, String(worker), { flag: 'wx' });
    return true;
  } catch {
    return false; // taken by the first holder, or out of reach: either way not us
  }
}

/**
 * The sink of an iteration's events: each goes to the parent as it is recorded. With a pause
 * claim, the first worker to take its lock stops itself right there, before its critical section,
 * so that the pause tests what a woken holder does (it must find the lock broken and not write),
 * and never lands between a holder's last check and its publish, which no lease can guard.
 */
function eventSink(worker: number, pauseClaim: string | undefined): (e: RawEvent) => void {
  let stopped = false;
  return (e) => {
    send({ t: 'event', e });
    if (pauseClaim === undefined || stopped || e.f !== 'acquire' || e.type !== 'ok') return;
    stopped = true;
    if (claimPause(pauseClaim, worker)) process.kill(process.pid, 'SIGSTOP');
  };
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
          await performIteration(setup!, msg.task, () => untilNs(msg.startNs), eventSink(setup!.worker, msg.pauseClaim));
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
