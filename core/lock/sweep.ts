import { dirname, join } from 'node:path';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError } from '../errors.ts';
import { breakGuardPath, dropHolderRecordName, GUARD_STALE_MS, isSighted, removeIfSame } from './break.ts';
import { ownedName, parseOwnedName, stampFor } from './names.ts';
import { lookAtLock, sightLock, type LockSighting } from './record.ts';
import type { LockHandle } from './lock.ts';
import { currentIdentity, isProvablyDead, type Identity } from '../runtime.ts';

/** What a sweep found beside a lock. */
export interface LockSweep {
  /** Leftovers removed: names of the protocol that no lock uses, and the guard of a dead or stalled-out breaker. */
  readonly removed: readonly string[];
  /** Names of the protocol left in place: those of the lock we hold and of a live breaker's guard. */
  readonly kept: readonly string[];
}

/**
 * The file system's clock now: the mtime of a file created at `probe` (a name of ours, removed at
 * once). Ages of files are judged on it, never on this process's own idea of the time.
 */
function fileSystemNow(deps: Deps, probe: string): number {
  deps.fs.close(deps.fs.openExclusive(probe));
  try {
    return deps.fs.lstat(probe).mtimeMs;
  } finally {
    deps.fs.unlink(probe);
  }
}

/**
 * Removes the break guard `guard` if its breaker is provably dead or the guard is older (by its
 * mtime, on the file system's clock) than a break can take; true if it did. Anything at the guard
 * path that racetrack did not make is left alone.
 */
function removeDeadGuard(deps: Deps, guard: string, me: Identity): boolean {
  let found: LockSighting | null;
  try {
    found = sightLock(deps.fs, guard);
  } catch {
    return false; // not ours, or out of reach: left alone
  }
  if (found === null) return false;
  const aside = ownedName(guard, 'aside', stampFor(me, deps.random.hex(12)));
  if (!isProvablyDead(found.record, me) && fileSystemNow(deps, aside) - found.stat.mtimeMs <= GUARD_STALE_MS) return false;
  if (!removeIfSame(deps.fs, guard, isSighted(found), aside)) return false;
  dropHolderRecordName(deps.fs, guard, found.record);
  return true;
}

function inode(deps: Deps, path: string): number | null {
  try {
    return lookAtLock(deps.fs, path)?.stat.ino ?? null;
  } catch {
    return null;
  }
}

/**
 * Removes what the lock protocol left beside the lock after a process died at the wrong moment
 * (record names no lock uses any more, locks a breaker or releaser had moved aside: see
 * core/lock/names.ts), and the break guard of a breaker that is provably dead or older than a
 * break can take. Call it holding `lock`: then nobody else can be linking the lock or be half-way
 * through releasing it, so every name of the protocol beside it, other than the record names of
 * the lock we hold and of a live breaker's guard, is a leftover, whoever made it (a process of
 * another host or of a boot before a power loss included, which no pid can prove dead). Only
 * names that match the protocol's own pattern exactly are touched; everything else in the
 * directory is left alone.
 */
export function sweepLockLeftovers(lock: LockHandle, deps: Deps = defaultDeps(), me: Identity = currentIdentity()): LockSweep {
  const lockPath = lock.path;
  const dir = dirname(lockPath);
  const guard = breakGuardPath(lockPath);
  const removed: string[] = [];
  if (removeDeadGuard(deps, guard, me)) removed.push(guard);
  let names: string[];
  try {
    names = deps.fs.readdir(dir);
  } catch (err) {
    throw fromFsError(err, dir, 'list the directory of lock');
  }
  const inUse = new Set([inode(deps, lockPath), inode(deps, guard)].filter((ino) => ino !== null));
  const kept: string[] = [];
  for (const name of names.sort()) {
    if (parseOwnedName(lockPath, name) === null && parseOwnedName(guard, name) === null) continue;
    const path = join(dir, name);
    let ino: number;
    try {
      const stat = deps.fs.lstat(path);
      if (!stat.isFile || stat.isSymbolicLink) continue;
      ino = stat.ino;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      throw fromFsError(err, path, 'inspect lock leftover');
    }
    if (inUse.has(ino)) {
      kept.push(path);
      continue;
    }
    try {
      deps.fs.unlink(path);
      removed.push(path);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw fromFsError(err, path, 'remove lock leftover');
    }
  }
  return { removed, kept };
}
