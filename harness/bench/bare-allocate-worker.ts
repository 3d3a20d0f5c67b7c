// The baseline of the harness-overhead ratio: a worker thread that allocates one topic in each of
// the given roots, back to back, with nothing around it: no barrier, no history, no checks.
import { parentPort, workerData } from 'node:worker_threads';
import { allocateTopic } from '../../core/topics/allocator.ts';

const { roots, name } = workerData as { roots: string[]; name: string };
for (const root of roots) await allocateTopic(root, name);
parentPort!.postMessage('done');
