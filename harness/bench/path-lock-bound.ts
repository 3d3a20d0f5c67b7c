import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Deps } from '../../core/deps.ts';
import { kernelFlock } from '../../scenarios/suts/peers/kernel-flock.ts';
import type { ContentionRow, PathLockBound } from './bench-types.ts';

type Fs = Deps['fs'];

/**
 * The ways a lock can be taken by creating a name, each as the two calls it cannot do without:
 * create the name (refused if it exists), remove it. racetrack's lock links a prepared record,
 * proper-lockfile makes a directory, the ID-reservation spec's spin lock opens with O_EXCL.
 */
const WAYS: readonly { readonly name: string; readonly take: (fs: Fs, lock: string, prepared: string) => void; readonly give: (fs: Fs, lock: string) => void }[] = [
  { name: 'link', take: (fs, lock, prepared) => fs.link(prepared, lock), give: (fs, lock) => fs.unlink(lock) },
  { name: 'mkdir', take: (fs, lock) => fs.mkdir(lock), give: (fs, lock) => fs.rmdir(lock) },
  { name: 'O_EXCL open', take: (fs, lock) => fs.close(fs.openExclusive(lock)), give: (fs, lock) => fs.unlink(lock) },
];

/** What the fastest way allowed, and which way that was. */
export interface PathLockFloor {
  readonly opsPerSecond: number;
  readonly way: string;
}

/**
 * How fast the least any lock taken by creating a name on the file system must do can run
 * `critical` here: create the lock's name, run the critical section, remove the name, one thread
 * alone, with no record, no queue, no waiting, no stale-lock check and nobody to hand over to. Each
 * way of creating the name runs `rounds` times for `roundMs` after a short warm-up; the best round
 * of the fastest way is the bound, so that a slow moment of the machine lowers it as little as
 * possible. Works in a temporary directory of its own under `dir`, removed afterwards.
 */
export function measurePathLockFloor(dir: string, roundMs: number, rounds: number, fs: Fs, critical: (dir: string) => void, setup: (dir: string) => void): PathLockFloor {
  const work = mkdtempSync(join(dir, 'path-lock-bound-'));
  try {
    setup(work);
    const prepared = join(work, 'prepared');
    const lock = join(work, 'lock');
    writeFileSync(prepared, '');
    let best: PathLockFloor = { opsPerSecond: 0, way: WAYS[0]!.name };
    for (const way of WAYS) {
      const run = (ms: number): number => {
        let ops = 0;
        const started = performance.now();
        const until = started + ms;
        while (performance.now() < until) {
          way.take(fs, lock, prepared);
          critical(work);
          way.give(fs, lock);
          ops++;
        }
        return (ops * 1000) / (performance.now() - started);
      };
      run(Math.min(100, roundMs)); // warm-up
      for (let r = 0; r < Math.max(1, rounds); r++) {
        const opsPerSecond = run(roundMs);
        if (opsPerSecond > best.opsPerSecond) best = { opsPerSecond, way: way.name };
      }
    }
    return best;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bound beside the rows it limits: the kernel's flock(2) and proper-lockfile at `reference` workers. */
export function pathLockBound(floor: PathLockFloor, rows: readonly ContentionRow[], reference: number): PathLockBound {
  const at = (name: string) => rows.find((r) => r.name === name)?.points.find((p) => p.workers === reference)?.throughput;
  const over = (theirs: number | undefined) => (theirs === undefined || !(theirs > 0) ? null : floor.opsPerSecond / theirs);
  return {
    opsPerSecond: floor.opsPerSecond,
    way: floor.way,
    vsKernelFlock: over(at(kernelFlock.name)),
    vsProperLockfile: over(at('proper-lockfile')),
    basis: `the fastest of link, mkdir and an O_EXCL open (${floor.way}, ${Math.round(floor.opsPerSecond)} ops/s) around the critical section, one thread alone, best round; over each row at ${reference} workers`,
  };
}
