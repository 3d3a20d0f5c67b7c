import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scriptCommand, siblingModule } from '../../core/runtime.ts';
import type { ContenderSpec, OpOutcome } from '../fixtures/contender.ts';

const contenderUrl = siblingModule(import.meta.url, '../fixtures/contender');

/**
 * Runs `parties` worker threads, each doing `count` ops of `op` from test/fixtures/ops/, all
 * released at once by a shared barrier. Resolves with each thread's outcomes.
 */
export async function contendThreads(op: string, args: Record<string, unknown>, parties: number, count: number): Promise<OpOutcome[][]> {
  const barrier = new SharedArrayBuffer(4);
  const runs = Array.from({ length: parties }, (_, contender) => {
    const spec: ContenderSpec = { op, args, count, contender, barrier, parties };
    return new Promise<OpOutcome[]>((resolve, reject) => {
      const worker = new Worker(contenderUrl, { workerData: spec });
      worker.once('message', (outcomes: OpOutcome[]) => {
        resolve(outcomes);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
  });
  return Promise.all(runs);
}

/**
 * Runs `parties` child processes of the current runtime, each doing `count` ops of `op`, all
 * starting at one wall-clock instant. Resolves with each process's outcomes.
 */
export async function contendProcesses(op: string, args: Record<string, unknown>, parties: number, count: number): Promise<OpOutcome[][]> {
  const startAt = Date.now() + 400 + parties * 60;
  const argv = scriptCommand(fileURLToPath(contenderUrl));
  return Promise.all(Array.from({ length: parties }, (_, contender) => runContenderProcess(argv, { op, args, count, contender, startAt })));
}

/**
 * Runs one contender as a child process started by `argv` (a runtime and the contender module,
 * test/fixtures/contender), and resolves with its outcomes.
 */
export function runContenderProcess(argv: readonly string[], spec: ContenderSpec): Promise<OpOutcome[]> {
  const [cmd, ...base] = argv;
  return new Promise<OpOutcome[]>((resolve, reject) => {
    execFile(cmd!, [...base, JSON.stringify(spec)], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`contender ${spec.contender} (${cmd}) failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as OpOutcome[]);
    });
  });
}

/** All successful values of a contention run, flattened. */
export function okValues(results: OpOutcome[][]): unknown[] {
  return results.flat().flatMap((o) => (o.ok ? [o.value] : []));
}

/** All failures of a contention run, flattened. */
export function failures(results: OpOutcome[][]): OpOutcome[] {
  return results.flat().filter((o) => !o.ok);
}
