import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { scriptCommand, siblingModule } from '../core/runtime.ts';
import { monotonicNs, type RawEvent } from './history.ts';
import type { FromWorker, ToWorker } from './process-worker.ts';
import type { PoolRunOptions } from './thread-runner.ts';
import type { WorkerSetup } from './worker-task.ts';

/** How long before the common start time the "go" messages are sent: enough for every worker to read its line. */
const START_MARGIN_NS = 5_000_000;

/** One child process running harness/process-worker, driven line by line. */
class WorkerProcess {
  readonly child: ChildProcess;
  readonly worker: number;
  private readonly waiters: Array<{ match: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  private events: RawEvent[] = [];
  private exited: Error | null = null;
  stderr = '';

  constructor(worker: number) {
    this.worker = worker;
    const [cmd, ...args] = scriptCommand(fileURLToPath(siblingModule(import.meta.url, './process-worker')));
    this.child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.receive(JSON.parse(line) as FromWorker));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`worker ${worker} exited (code ${code}, signal ${signal}): ${this.stderr.trim().slice(-500)}`);
      for (const w of this.waiters.splice(0)) w.reject(this.exited);
    });
  }

  private receive(msg: FromWorker): void {
    if (msg.t === 'event') {
      this.events.push(msg.e as RawEvent);
      return;
    }
    const i = this.waiters.findIndex((w) => w.match(msg));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
  }

  send(msg: ToWorker): void {
    this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  next(match: (m: FromWorker) => boolean): Promise<FromWorker> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  takeEvents(): RawEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

/**
 * Runs every iteration on `workers` child processes of the current runtime. Per iteration: every
 * worker gets the same start time, runs its operation, streams its events, and reports done.
 */
export async function runOnProcesses({ base, tasks, onIteration }: PoolRunOptions): Promise<void> {
  const procs = Array.from({ length: base.workers }, (_, worker) => new WorkerProcess(worker));
  try {
    await Promise.all(procs.map((p) => {
      const setup: WorkerSetup = { ...base, worker: p.worker };
      const ready = p.next((m) => m.t === 'ready');
      p.send({ t: 'setup', setup });
      return ready;
    }));
    for (const task of tasks) {
      const startNs = monotonicNs() + START_MARGIN_NS;
      const done = procs.map((p) => p.next((m) => m.t === 'done' || m.t === 'error'));
      for (const p of procs) p.send({ t: 'go', task, startNs });
      const replies = await Promise.all(done);
      const failed = replies.find((r) => r.t === 'error');
      if (failed !== undefined && failed.t === 'error') throw new Error(failed.message);
      for (const p of procs) onIteration(task.iteration, p.worker, p.takeEvents());
    }
  } finally {
    for (const p of procs) {
      if (p.child.exitCode === null) p.send({ t: 'exit' });
    }
    await Promise.all(procs.map((p) => (p.child.exitCode !== null ? undefined : new Promise((r) => p.child.once('exit', r)))));
  }
}
