import { runProcesses, type ProcessGroupOptions } from './process-group.ts';
import { runThreads } from './thread-group.ts';

/** Where workers run: threads of this process, or child processes of the same runtime. */
export type Isolation = 'thread' | 'process';

/**
 * Runs the task once on one worker per input, threads or processes, all released at once by the
 * start barrier, and resolves with their values in input order (see runThreads, runProcesses).
 * The options that only processes have (launch, marginMs) are ignored on threads.
 */
export function runWorkerGroup<O>(isolation: Isolation, o: ProcessGroupOptions): Promise<O[]> {
  return isolation === 'thread' ? runThreads<O>(o) : runProcesses<O>(o);
}
