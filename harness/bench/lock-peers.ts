// The locks the bench compares, as a small registry. Each one wraps the same critical section (see
// bench-ops.ts), so the rows differ only in how they lock. To add a row, e.g. the previous version
// of the core lock for a before-and-after table in the same run, add an entry here: its name is
// what `racetrack bench --impls` takes and what the reports print.
import type { LockOptions as ProperLockfileOptions } from 'proper-lockfile';
import { defaultDeps, type Deps } from '../../core/deps.ts';
import { createRealFs } from '../../core/fs-facade.ts';
import { acquireLock, type LockOptions } from '../../core/lock/lock.ts';
import { seedSpinAcquire } from './seed-spin-lock.ts';

/** Gives the lock back. May be async (proper-lockfile's is). */
export type Release = () => void | Promise<void>;

/** A lock implementation the bench can wrap around a critical section. */
export interface LockPeer {
  readonly name: string;
  /** What the row is, for the reports. */
  readonly describe: string;
  /** Loads what `acquire` needs, before the clock starts. */
  prepare?(): Promise<void>;
  /** Takes the lock at `lockPath`, waiting as the implementation does; resolves to its release. */
  acquire(lockPath: string): Promise<Release>;
}

/**
 * A row of racetrack's own lock (core/lock/lock.ts) with `options` (and `deps`), and a timeout long
 * enough never to fire under the bench.
 */
function corePeer(name: string, describe: string, options: LockOptions = {}, deps?: Deps): LockPeer {
  return {
    name,
    describe,
    async acquire(lockPath) {
      const handle = await acquireLock(lockPath, { timeoutMs: 60_000, ...options }, deps);
      return () => handle.release();
    },
  };
}

const coreLock = corePeer(
  'core-lock',
  'core acquireLock (core/lock/lock.ts as built, default options) around the same critical section as the peers: the core lock without the reserver around it',
);

/**
 * The core lock without the process's turn table (`threadTurns: false`): every thread works the
 * file protocol alone, as it did before the threads of a process took turns in shared memory.
 * With child processes (one thread each) it is the same lock as core-lock.
 */
const coreNoTurns = corePeer(
  'core-no-turns',
  'the core lock with every thread on the file protocol alone (acquireLock with threadTurns: false): FIFO waiter queue and inotify wake-ups, no turns in shared memory',
  { threadTurns: false },
);

/**
 * The core lock as it was before it learned fairness (the "before" of the before-and-after table):
 * no waiter queue (`fair: false`) and a file system that cannot watch, so waiters poll with
 * jittered exponential backoff and whoever retries first after a release wins.
 */
const { watch: _watch, ...pollingFs } = createRealFs();
const coreBefore = corePeer(
  'core-before',
  'the core lock before the fairness work: O_EXCL, jittered backoff 1-32 ms, no waiter queue, no wake-up on release (acquireLock with fair: false and a facade without watch)',
  { fair: false },
  defaultDeps({ fs: pollingFs }),
);

type ProperLock = (file: string, options: ProperLockfileOptions) => Promise<() => Promise<void>>;
let properLock: Promise<ProperLock> | undefined;

/**
 * proper-lockfile, loaded on first use only: it brings graceful-fs, which patches `fs.close` for
 * the whole thread, and the other rows should not pay for that.
 */
function loadProperLockfile(): Promise<ProperLock> {
  properLock ??= import('proper-lockfile').then((m) => (m.default ?? m).lock as ProperLock);
  return properLock;
}

/** proper-lockfile 4 (mkdir lock, mtime refresh), told to wait: without `retries` it fails at once. */
const properLockfile: LockPeer = {
  name: 'proper-lockfile',
  prepare: async () => void (await loadProperLockfile()),
  describe: 'proper-lockfile 4: mkdir lock, stale 5000 ms, retries {retries: 1000, minTimeout: 1, maxTimeout: 20}, realpath false',
  async acquire(lockPath) {
    let compromised: Error | null = null;
    const lock = await loadProperLockfile();
    const release = await lock(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: 5000,
      retries: { retries: 1000, minTimeout: 1, maxTimeout: 20 },
      // The default throws from a timer, which would take the whole worker down; report it on release instead.
      onCompromised: (err) => {
        compromised = err;
      },
    });
    return async () => {
      await release();
      if (compromised !== null) throw compromised;
    };
  },
};

/** Seed 002's spin lock: O_EXCL, a fixed 10 ms sleep between tries, 5 s timeout. */
const seedSpin: LockPeer = {
  name: 'seed-spin',
  describe: "seed 002's lock: O_EXCL, FIXED 10 ms sleep between tries, 5 s timeout, naive stale break",
  acquire: seedSpinAcquire,
};

/** Every in-process lock peer, in the order the reports show them. */
export const LOCK_PEERS: readonly LockPeer[] = [coreLock, coreNoTurns, coreBefore, properLockfile, seedSpin];

/** The peer called `name`, or undefined. */
export function lockPeerByName(name: string): LockPeer | undefined {
  return LOCK_PEERS.find((p) => p.name === name);
}
