// The baseline of the harness-throughput ratio: a worker thread that allocates one topic in each of
// the given roots, with nothing around it but the start barrier that puts every thread on the same
// root at the same instant, as a run does (the same operations under the same contention): no
// history, no checks, no roots laid out or read back.
import { parentPort, workerData } from 'node:worker_threads';
import { allocateTopic } from '../../core/topics/allocator.ts';
import { waitAtThreadBarrier } from '../engine/start-barrier.ts';

const { roots, name, barrier, parties } = workerData as { roots: string[]; name: string; barrier: SharedArrayBuffer; parties: number };
for (const root of roots) {
  waitAtThreadBarrier(barrier, parties);
  await allocateTopic(root, name);
}
parentPort!.postMessage('done');
