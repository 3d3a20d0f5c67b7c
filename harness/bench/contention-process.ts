// A contention worker as a child process (`racetrack bench --isolation process`). Over stdin it
// gets one line with its config, answers `ready`, then one line with the common start and deadline
// (on the machine-wide monotonic clock, since processes share no memory), and prints its outcome
// as one JSON line before exiting.
import process from 'node:process';
import { createInterface } from 'node:readline';
import { prepareWorker, type Go, type WorkerConfig } from './contention-loop.ts';

function send(msg: unknown, then?: () => void): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`, then);
}

const exit = () => process.exit(0);

const failed = (err: unknown) => send({ t: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }, exit);

let run: Promise<(go: Go) => Promise<unknown>> | undefined;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (run === undefined) {
    run = prepareWorker(JSON.parse(line) as WorkerConfig);
    run.then(() => send({ t: 'ready' }), failed);
    return;
  }
  lines.close();
  const go = JSON.parse(line) as Go;
  run.then((loop) => loop(go)).then((outcome) => send({ t: 'done', outcome }, exit), failed);
});
