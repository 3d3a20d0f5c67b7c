import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { monotonicNs, scriptCommand, siblingModule } from '../../core/runtime.ts';
import { BENCH_OP_TABLE, countersFileIn } from './bench-ops.ts';
import { FLOCK_IMPL } from './bench-impls.ts';
import type { BenchIsolation, BenchOpName, ContentionPoint } from './bench-types.ts';
import type { Go, WorkerConfig, WorkerOutcome } from './contention-loop.ts';
import { runFlockWorkers } from './flock-runner.ts';
import { summarizePoint } from './point-summary.ts';

/** One point of the sweep: an implementation, an operation, a number of workers and how long. */
export interface PointSpec {
  readonly impl: string;
  readonly op: BenchOpName;
  readonly workers: number;
  readonly durationMs: number;
  readonly isolation: BenchIsolation;
  readonly durable: boolean;
}

type FromWorker = { t: 'ready' } | { t: 'done'; outcome: WorkerOutcome } | { t: 'error'; message: string };

/** A started worker: resolves `ready` once loaded, `result` with its outcome. */
interface Handle {
  readonly ready: Promise<void>;
  readonly result: Promise<WorkerOutcome>;
  go(go: Go): void;
  stop(): void;
}

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // surfaced through `ready` or `result`, whichever is awaited
  return { promise, resolve, reject };
}

function dispatch(msg: FromWorker, ready: ReturnType<typeof deferred<void>>, result: ReturnType<typeof deferred<WorkerOutcome>>, worker: number): void {
  if (msg.t === 'ready') ready.resolve();
  else if (msg.t === 'done') result.resolve(msg.outcome);
  else {
    const err = new Error(`bench worker ${worker} failed: ${msg.message}`);
    ready.reject(err);
    result.reject(err);
  }
}

function startThread(config: WorkerConfig): Handle {
  const ready = deferred<void>();
  const result = deferred<WorkerOutcome>();
  const thread = new Worker(siblingModule(import.meta.url, './contention-thread'), { workerData: config });
  thread.on('message', (msg: FromWorker) => dispatch(msg, ready, result, config.worker));
  thread.on('error', (err) => dispatch({ t: 'error', message: err.message }, ready, result, config.worker));
  thread.on('exit', (code) => dispatch({ t: 'error', message: `thread exited with ${code}` }, ready, result, config.worker));
  return { ready: ready.promise, result: result.promise, go: (go) => thread.postMessage(go), stop: () => void thread.terminate() };
}

function startProcess(config: WorkerConfig): Handle {
  const ready = deferred<void>();
  const result = deferred<WorkerOutcome>();
  const [cmd, ...args] = scriptCommand(fileURLToPath(siblingModule(import.meta.url, './contention-process')));
  const child: ChildProcess = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  createInterface({ input: child.stdout! }).on('line', (line) => dispatch(JSON.parse(line) as FromWorker, ready, result, config.worker));
  child.on('exit', (code, signal) => dispatch({ t: 'error', message: `process exited (${code ?? signal}): ${stderr.trim()}` }, ready, result, config.worker));
  child.stdin!.write(`${JSON.stringify(config)}\n`);
  return {
    ready: ready.promise,
    result: result.promise,
    go: (go) => child.stdin!.write(`${JSON.stringify(go)}\n`),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/**
 * How long past its deadline a round may run before the bench gives up on it: longer than any
 * row's own lock timeout (the core gets 60 s here, the seed 5 s, proper-lockfile about 20 s).
 */
const WATCHDOG_MS = 90_000;

function withWatchdog<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench round ${what} still running ${ms} ms after its start: a worker is stuck`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Margin between "go" and the common start: every worker must have read its message by then. */
const START_MARGIN_MS = 30;

async function runInProcessWorkers(spec: PointSpec, dir: string): Promise<WorkerOutcome[]> {
  const start = spec.isolation === 'thread' ? startThread : startProcess;
  const handles = Array.from({ length: spec.workers }, (_, worker) => start({ impl: spec.impl, op: spec.op, dir, worker, durable: spec.durable }));
  try {
    await Promise.all(handles.map((h) => h.ready));
    const startNs = monotonicNs() + (START_MARGIN_MS + spec.workers) * 1e6;
    const go: Go = { startNs, endNs: startNs + spec.durationMs * 1e6 };
    for (const h of handles) h.go(go);
    return await withWatchdog(Promise.all(handles.map((h) => h.result)), spec.durationMs + WATCHDOG_MS, `${spec.impl} x${spec.workers}`);
  } finally {
    for (const h of handles) h.stop();
  }
}

/** One round of one point: what each worker did, and the check of the shared file after. */
export interface Round {
  readonly outcomes: readonly WorkerOutcome[];
  readonly inconsistency: string | null;
}

/**
 * Runs one round of a point: a fresh directory with the operation's shared files, `workers`
 * workers contending on them from a common start until a common deadline, and a check of the
 * files after.
 */
export async function runRound(spec: PointSpec): Promise<Round> {
  const op = BENCH_OP_TABLE[spec.op];
  const dir = mkdtempSync(join(tmpdir(), `racetrack-bench-${spec.op}-`));
  try {
    op.setup(dir, spec.workers);
    const outcomes = spec.impl === FLOCK_IMPL
      ? await runFlockWorkers({ lockPath: op.lockPath(dir)!, countersFile: countersFileIn(dir), workers: spec.workers, durationMs: spec.durationMs, durable: spec.durable })
      : await runInProcessWorkers(spec, dir);
    const ops = outcomes.reduce((s, o) => s + o.ops, 0);
    const errors = outcomes.reduce((s, o) => s + o.errors, 0);
    let inconsistency: string | null;
    try {
      inconsistency = op.verify?.(dir, ops, errors) ?? null;
    } catch (err) {
      inconsistency = `the shared file could not be checked: ${(err as Error).message}`;
    }
    return { outcomes, inconsistency };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures one point in one round. */
export async function measurePoint(spec: PointSpec): Promise<ContentionPoint> {
  return summarizePoint(spec.workers, [await runRound(spec)]);
}
