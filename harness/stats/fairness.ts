/**
 * Jain's fairness index over per-worker throughputs: (Σx)² / (n·Σx²). 1 when every worker did the
 * same amount, 1/n when one worker did everything. 1 for no workers or no work at all (nobody
 * was treated worse than anybody else).
 */
export function jainIndex(perWorker: readonly number[]): number {
  const n = perWorker.length;
  let sum = 0;
  let squares = 0;
  for (const x of perWorker) {
    sum += x;
    squares += x * x;
  }
  if (n === 0 || squares === 0) return 1;
  return (sum * sum) / (n * squares);
}

/**
 * How the slowest waits compare with a fair queue: p99 wait / (workers × median hold). In a FIFO
 * lock every waiter is behind at most `workers − 1` holds, so a value near 1 is fair and DESIGN.md
 * accepts up to 3. Null when there is nothing to divide by.
 */
export function p99WaitOverFairShare(p99WaitMs: number, workers: number, medianHoldMs: number): number | null {
  const fairShare = workers * medianHoldMs;
  if (!Number.isFinite(p99WaitMs) || !(fairShare > 0)) return null;
  return p99WaitMs / fairShare;
}
