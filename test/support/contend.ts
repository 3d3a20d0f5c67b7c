import { runProcesses } from '../../harness/engine/process-group.ts';
import type { ProcessLaunch } from '../../harness/engine/process-party.ts';
import { taskRef } from '../../harness/engine/task.ts';
import { runThreads } from '../../harness/engine/thread-group.ts';
import type { ContenderSpec, OpOutcome } from '../fixtures/contender.ts';

/** The contender task (test/fixtures/contender) of the runtime running the tests. */
export const contenderTask = taskRef(import.meta.url, '../fixtures/contender', 'contend');

/**
 * Runs `parties` worker threads, each doing `count` ops of `op` from test/fixtures/ops/, all
 * released at once by the engine's start barrier. Resolves with each thread's outcomes.
 */
export function contendThreads(op: string, args: Record<string, unknown>, parties: number, count: number): Promise<OpOutcome[][]> {
  const spec: ContenderSpec = { op, args, count };
  return runThreads<OpOutcome[]>({ task: contenderTask, inputs: Array.from({ length: parties }, () => spec) });
}

/**
 * Runs `parties` child processes, each doing `count` ops of `op`, all released at once by the
 * engine's start barrier. They run the current runtime unless `launch` says otherwise (a Node and
 * a Deno process on one lock). Resolves with each process's outcomes.
 */
export function contendProcesses(op: string, args: Record<string, unknown>, parties: number, count: number, launch?: (party: number) => ProcessLaunch): Promise<OpOutcome[][]> {
  const spec: ContenderSpec = { op, args, count };
  return runProcesses<OpOutcome[]>({ task: contenderTask, inputs: Array.from({ length: parties }, () => spec), launch });
}

/** All successful values of a contention run, flattened. */
export function okValues(results: OpOutcome[][]): unknown[] {
  return results.flat().flatMap((o) => (o.ok ? [o.value] : []));
}

/** All failures of a contention run, flattened. */
export function failures(results: OpOutcome[][]): OpOutcome[] {
  return results.flat().filter((o) => !o.ok);
}
