import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Deps } from '../../core/deps.ts';
import type { ContentionRow, PathLockBound } from './bench-types.ts';

/**
 * How fast the least any lock taken by creating a name on the file system must do can run
 * `critical` here: link a prepared file to the lock's name, run the critical section, unlink the
 * name, one thread alone, for `durationMs`. No record, no queue, no waiting, no stale-lock check and
 * nobody to hand over to, so no such lock (racetrack's, proper-lockfile, the spec's spin lock) can
 * go faster on this machine. Returns ops/s. Works in a temporary directory of its own under `dir`.
 */
export function measurePathLockFloor(dir: string, durationMs: number, fs: Deps['fs'], critical: (dir: string) => void, setup: (dir: string) => void): number {
  const work = mkdtempSync(join(dir, 'path-lock-bound-'));
  try {
    setup(work);
    const prepared = join(work, 'prepared');
    const lockName = join(work, 'lock');
    writeFileSync(prepared, '');
    let ops = 0;
    const started = performance.now();
    const until = started + durationMs;
    while (performance.now() < until) {
      fs.link(prepared, lockName);
      critical(work);
      fs.unlink(lockName);
      ops++;
    }
    return (ops * 1000) / (performance.now() - started);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bound beside the rows it limits: the kernel's flock(2) and proper-lockfile at `reference` workers. */
export function pathLockBound(opsPerSecond: number, rows: readonly ContentionRow[], reference: number): PathLockBound {
  const at = (name: string) => rows.find((r) => r.name === name)?.points.find((p) => p.workers === reference)?.throughput;
  const over = (theirs: number | undefined) => (theirs === undefined || !(theirs > 0) ? null : opsPerSecond / theirs);
  return {
    opsPerSecond,
    vsKernelFlock: over(at('kernel-flock')),
    vsProperLockfile: over(at('proper-lockfile')),
    basis: `link a prepared file to the lock's name, the critical section, unlink; one thread alone, nothing else (${Math.round(opsPerSecond)} ops/s), over each row at ${reference} workers`,
  };
}
