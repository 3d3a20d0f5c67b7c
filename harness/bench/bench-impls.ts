// The rows of the contention sweep: the core's own operation, each lock peer wrapped around the
// same critical section, and flock(1) driven from bash. Which rows apply depends on the operation
// (a lock-free write has no peers) and the isolation (a bash script is a process, never a thread).
import { performance } from 'node:perf_hooks';
import type { BenchOp, OpContext, OpTiming } from './bench-ops.ts';
import type { BenchIsolation } from './bench-types.ts';
import { FLOCK_DESCRIBE, FLOCK_OPS } from './flock-script.ts';
import { LOCK_PEERS, lockPeerByName } from './lock-peers.ts';

/** The core's own operation (e.g. `reserveIds`), timed by its lock observer. */
export const CORE_IMPL = 'core';
/** flock(1) from a bash loop, one process per worker. */
export const FLOCK_IMPL = 'flock';

/** Every row name, in the order the reports show them. */
export function implNames(): string[] {
  return [CORE_IMPL, ...LOCK_PEERS.map((p) => p.name), FLOCK_IMPL];
}

/** What the row `name` is, for the reports. */
export function describeImpl(name: string, op: BenchOp): string {
  if (name === CORE_IMPL) return `racetrack core: ${op.describe}`;
  if (name === FLOCK_IMPL) return FLOCK_DESCRIBE;
  return lockPeerByName(name)?.describe ?? name;
}

/** Why the row `name` cannot run for `op` under `isolation`, or null when it can. */
export function skipReason(name: string, op: BenchOp, isolation: BenchIsolation): string | null {
  if (name === CORE_IMPL) return null;
  if (op.critical === null) return `${op.name} takes no lock, so there is no lock to compare`;
  if (name === FLOCK_IMPL) {
    if (isolation !== 'process') return 'flock(1) runs from bash, one process per worker: only with --isolation process';
    if (!FLOCK_OPS.includes(op.name)) return `the bash script implements ${FLOCK_OPS.join(', ')} only`;
    return null;
  }
  return lockPeerByName(name) === undefined ? `unknown implementation (known: ${implNames().join(', ')})` : null;
}

/**
 * The operation one in-process worker loops: the core's own call, or the critical section inside
 * the named peer's lock (wait = acquire call, hold = critical section; the release counts in the
 * op time only, as the core's hold ends when its release starts).
 */
export async function operationFor(name: string, op: BenchOp): Promise<(ctx: OpContext) => Promise<OpTiming>> {
  if (name === CORE_IMPL) return (ctx) => op.core(ctx);
  const peer = lockPeerByName(name);
  const critical = op.critical;
  if (peer === undefined || critical === null) throw new Error(`${name} cannot run ${op.name}`);
  await peer.prepare?.();
  return async (ctx) => {
    const lockPath = op.lockPath(ctx.dir)!;
    const t0 = performance.now();
    const release = await peer.acquire(lockPath);
    const t1 = performance.now();
    let t2: number;
    try {
      critical(ctx);
    } finally {
      t2 = performance.now();
      await release();
    }
    return { waitMs: t1 - t0, holdMs: t2 - t1 };
  };
}
