// The module every worker process runs. Told over stdin which task to load (once) and what to run
// (any number of times, one after the other), it answers over stdout, one JSON object per line.
// A message the task sends is written the moment it is sent (a pipe write is synchronous on
// Linux), so a worker killed or stopped mid-task has already told what it did up to there. A
// failure comes back as data. The start barrier is the parent's: the task's `start()` says
// "arrived" and waits for the instant the parent names once every worker has arrived.
import process from 'node:process';
import { createInterface } from 'node:readline';
import { untilInstant, type StartInstant } from './start-barrier.ts';
import { preloadTask, runTask, type TaskFailure, type TaskRef, type TaskResult } from './task.ts';

/** Parent → worker messages. */
export type ToProcess =
  | { readonly t: 'load'; readonly task: TaskRef; readonly party: number; readonly parties: number }
  | { readonly t: 'run'; readonly input: unknown }
  | { readonly t: 'go'; readonly at: StartInstant }
  | { readonly t: 'exit' };

/** Worker → parent messages. */
export type FromProcess =
  | { readonly t: 'ready' }
  | { readonly t: 'unloadable'; readonly failure: TaskFailure }
  | { readonly t: 'message'; readonly message: unknown }
  | { readonly t: 'arrived' }
  | { readonly t: 'result'; readonly result: TaskResult };

function send(msg: FromProcess): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function main(): void {
  let loaded: Extract<ToProcess, { t: 'load' }> | undefined;
  let released: ((at: StartInstant) => void) | undefined;
  let queue = Promise.resolve();
  const start = async () => {
    const go = new Promise<StartInstant>((resolve) => (released = resolve));
    send({ t: 'arrived' });
    await untilInstant(await go);
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as ToProcess;
    if (msg.t === 'load') {
      loaded = msg;
      void preloadTask(msg.task).then((r) => send(r.ok ? { t: 'ready' } : { t: 'unloadable', failure: r.failure }));
    } else if (msg.t === 'go') {
      released?.(msg.at);
    } else if (msg.t === 'run') {
      const { task, party, parties } = loaded!;
      queue = queue.then(async () => send({ t: 'result', result: await runTask(task, msg.input, { party, parties, start, send: (message) => send({ t: 'message', message }) }) }));
    } else {
      void queue.then(() => process.exit(0));
    }
  });
}

main();
