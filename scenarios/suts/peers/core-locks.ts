// The core lock with other options, measured beside it: what each of its design choices buys.
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import type { Sut } from '../sut.ts';

const honours = { kind: 'peer', honoursDeps: true, honoursIdentity: true } as const;

/**
 * The core lock without the process's turn table (`threadTurns: false`): every thread works the
 * file protocol alone, as it did before the threads of a process took turns in shared memory.
 * With child processes (one thread each) it is the same lock as the core's.
 */
export const coreNoTurns: Sut = {
  name: 'core-no-turns',
  ...honours,
  description: 'the core lock with every thread on the file protocol alone (threadTurns: false): FIFO waiter queue and inotify wake-ups, no turns in shared memory',
  acquire: (lockPath, { lockOptions, deps }) => acquireLock(lockPath, { ...lockOptions, threadTurns: false }, deps),
};

const polling = new WeakMap<Deps, Deps>();

/** `deps` with a file system that cannot watch, so that a waiter can only poll. */
function pollingDeps(deps: Deps): Deps {
  let found = polling.get(deps);
  if (found === undefined) {
    const { watch: _watch, ...fs } = deps.fs;
    found = { ...deps, fs };
    polling.set(deps, found);
  }
  return found;
}

const defaults = defaultDeps();

/**
 * The core lock as it was before it learned fairness (the "before" of a before-and-after table):
 * no waiter queue (`fair: false`) and a file system that cannot watch, so waiters poll with
 * jittered exponential backoff and whoever retries first after a release wins.
 */
export const coreBefore: Sut = {
  name: 'core-before',
  ...honours,
  description: 'the core lock before the fairness work: O_EXCL, jittered backoff 1-32 ms, no waiter queue, no wake-up on release (fair: false and a file system without watch)',
  acquire: (lockPath, { lockOptions, deps }) => acquireLock(lockPath, { ...lockOptions, fair: false }, pollingDeps(deps ?? defaults)),
};
