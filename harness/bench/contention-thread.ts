// A contention worker as a thread (`racetrack bench`, the default isolation). It loads its
// operation, says ready, and starts when the parent sends the common start and deadline, so that
// thread start-up (tens of ms each on a busy machine) never eats into the measured window.
// Errors are sent back as data rather than thrown, so the parent can name the worker that failed.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareWorker, type Go, type WorkerConfig } from './contention-loop.ts';

const port = parentPort!;
const failed = (err: unknown) => port.postMessage({ t: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });

prepareWorker(workerData as WorkerConfig).then((run) => {
  port.once('message', (go: Go) => {
    run(go).then((outcome) => port.postMessage({ t: 'done', outcome }), failed);
  });
  port.postMessage({ t: 'ready' });
}, failed);
