import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { scriptCommand, siblingModule } from '../../core/runtime.ts';
import { planFaults, type ProcessFaults } from './nemesis-plan.ts';
import { monotonicNs, type RawEvent } from '../history/history.ts';
import type { FromWorker, ToWorker } from './process-worker.ts';
import type { PoolRunOptions } from './thread-runner.ts';
import type { WorkerSetup } from './worker-task.ts';

/** How long before the common start time the "go" messages are sent: enough for every worker to read its line. */
const START_MARGIN_NS = 5_000_000;
/** How far past staleMs a paused holder stays stopped, so the others surely break its lock. */
const PAUSE_MARGIN_MS = 250;
/** How often the parent looks for the pause claim of a paused holder. */
const PAUSE_WATCH_MS = 2;

/** The worker that claimed the iteration's pause (and stopped itself), or null while nobody has. */
function readPauseClaim(claim: string): number | null {
  let text: string;
  try {
    text = readFileSync(claim, 'utf8');
  } catch {
    return null;
  }
  // The claimant writes its number before it stops; an empty read is a claim still being written.
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** A worker's end of an iteration: done, or killed by us (its outcome is then unknown). */
type Settled = FromWorker | { readonly t: 'killed' };

/** One child process running harness/process-worker, driven line by line. */
class WorkerProcess {
  readonly child: ChildProcess;
  readonly worker: number;
  private readonly waiters: Array<{ match: (m: Settled) => boolean; resolve: (m: Settled) => void; reject: (e: Error) => void }> = [];
  private events: RawEvent[] = [];
  private exited: Error | null = null;
  /** Set when we sent the kill: the exit is then an outcome, not a failure. */
  killedByUs = false;
  stderr = '';

  constructor(worker: number) {
    this.worker = worker;
    const [cmd, ...args] = scriptCommand(fileURLToPath(siblingModule(import.meta.url, './process-worker')));
    this.child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin!.on('error', () => {}); // a killed worker's stdin may be gone mid-write
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.receive(JSON.parse(line) as FromWorker));
    this.child.on('exit', (code, signal) => {
      if (this.killedByUs) {
        this.exited = new Error(`worker ${worker} was killed`);
        for (const w of this.waiters.splice(0)) w.resolve({ t: 'killed' });
        return;
      }
      this.exited = new Error(`worker ${worker} exited (code ${code}, signal ${signal}): ${this.stderr.trim().slice(-500)}`);
      for (const w of this.waiters.splice(0)) w.reject(this.exited);
    });
  }

  get alive(): boolean {
    return this.exited === null;
  }

  private receive(msg: FromWorker): void {
    if (msg.t === 'event') {
      const e = msg.e as RawEvent;
      this.events.push(e);
      return;
    }
    const i = this.waiters.findIndex((w) => w.match(msg));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
  }

  send(msg: ToWorker): void {
    if (this.alive) this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  next(match: (m: Settled) => boolean): Promise<Settled> {
    if (this.exited !== null) return this.killedByUs ? Promise.resolve({ t: 'killed' }) : Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    if (signal === 'SIGKILL') this.killedByUs = true;
    this.child.kill(signal);
  }

  takeEvents(): RawEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

async function startWorker(base: PoolRunOptions['base'], worker: number): Promise<WorkerProcess> {
  const p = new WorkerProcess(worker);
  const setup: WorkerSetup = { ...base, worker };
  const ready = p.next((m) => m.t === 'ready');
  p.send({ t: 'setup', setup });
  await ready;
  return p;
}

/** Options of the process runner beyond the common ones: the faults to inject. */
export interface ProcessRunOptions extends PoolRunOptions {
  readonly faults?: ProcessFaults;
  /** Records what the nemesis did (kills, pauses), as events of worker -1. */
  readonly onNemesis?: (e: RawEvent) => void;
}

/**
 * Runs every iteration on `workers` child processes of the current runtime. Per iteration: every
 * worker gets the same start time, runs its operation, streams its events, and reports done.
 * With faults, the nemesis SIGKILLs workers at random moments (a killed worker is replaced by a
 * fresh process before the next iteration) and pauses the iteration's first lock holder right
 * after it takes its lock (it SIGSTOPs itself) until past staleMs, then
 * SIGCONTs it; after a faulted iteration the caller's `afterIteration` runs recovery.
 */
export async function runOnProcesses({ base, tasks, onIteration, afterIteration, faults, onNemesis, seed, signal }: ProcessRunOptions & { seed?: number }): Promise<void> {
  signal?.throwIfAborted();
  const procs: WorkerProcess[] = await Promise.all(Array.from({ length: base.workers }, (_, w) => startWorker(base, w)));
  const nemesis = (iteration: number, f: string, value: unknown) => onNemesis?.({ time: monotonicNs(), worker: -1, iteration, type: 'info', f, value });
  // Ctrl-C: every worker is killed where it is (a stopped one too), and the loop ends below.
  const onAbort = () => {
    for (const p of procs) p.kill('SIGKILL');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (const task of tasks) {
      signal?.throwIfAborted();
      // Killed workers are replaced by fresh processes, all started at once.
      await Promise.all(procs.map(async (p, w) => {
        if (!p.alive) procs[w] = await startWorker(base, w);
      }));
      signal?.throwIfAborted();
      const plan = faults === undefined ? undefined : planFaults(faults, seed ?? base.seed, task.iteration, procs.length);
      const startNs = monotonicNs() + START_MARGIN_NS;
      const settled = procs.map((p) => p.next((m) => m.t === 'done' || m.t === 'error' || m.t === 'killed'));
      const timers: ReturnType<typeof setTimeout>[] = [];
      let watch: ReturnType<typeof setInterval> | undefined;
      const pauseClaim = `${task.root}.pause`;
      let faulted = false;
      if (plan !== undefined) {
        const untilStartMs = (startNs - monotonicNs()) / 1e6;
        for (const [w, atMs] of plan.kills) {
          timers.push(setTimeout(() => {
            nemesis(task.iteration, 'kill', { worker: w, afterStartMs: Math.round(atMs * 1000) / 1000 });
            procs[w]!.kill('SIGKILL');
          }, untilStartMs + atMs));
          faulted = true;
        }
        if (plan.pause) {
          faulted = true;
          // The first worker to take its lock stops itself (SIGSTOP) and names itself in the
          // claim file; we wake it (SIGCONT) once the others have surely broken its lock.
          const forMs = faults!.staleMs + PAUSE_MARGIN_MS;
          watch = setInterval(() => {
            const worker = readPauseClaim(pauseClaim);
            if (worker === null) return;
            clearInterval(watch);
            nemesis(task.iteration, 'pause', { worker, forMs });
            timers.push(setTimeout(() => {
              procs[worker]?.kill('SIGCONT');
              nemesis(task.iteration, 'resume', { worker });
            }, forMs));
          }, PAUSE_WATCH_MS);
        }
      }
      for (const p of procs) {
        const mayPause = plan?.pause === true && !plan.kills.has(p.worker);
        p.send({ t: 'go', task, startNs, ...(mayPause ? { pauseClaim } : {}) });
      }
      let replies: Settled[];
      try {
        replies = await Promise.all(settled);
        signal?.throwIfAborted();
      } catch (err) {
        signal?.throwIfAborted(); // a worker died of the same Ctrl-C (a terminal signals the whole group)
        // A worker failed and the run ends with its error. The others are still at work, and one
        // may yet take its lock and stop itself with nobody left to continue it: end them all.
        for (const p of procs) p.kill('SIGKILL');
        throw err;
      } finally {
        // Also when a worker failed: a live timer or interval would keep the runtime from exiting.
        // No worker is left stopped: a stopped one cannot report, so every worker settled means
        // the paused holder was continued, and a failure kills them all. (Nor is any other worker
        // signalled: Deno takes a SIGCONT sent to a running child for its exit.)
        for (const t of timers) clearTimeout(t);
        clearInterval(watch);
        rmSync(pauseClaim, { force: true });
      }
      const failed = replies.find((r) => r.t === 'error');
      if (failed !== undefined && failed.t === 'error') throw new Error(failed.message);
      for (const p of procs) onIteration(task.iteration, p.worker, p.takeEvents());
      await afterIteration?.(task.iteration, faulted);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const p of procs) p.send({ t: 'exit' });
    await Promise.all(procs.map((p) => (p.child.exitCode !== null || p.child.signalCode !== null ? undefined : new Promise((r) => p.child.once('exit', r)))));
  }
}
