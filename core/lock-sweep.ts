import { dirname, join } from 'node:path';
import { defaultDeps, type Deps } from './deps.ts';
import { errnoCode, fromFsError } from './errors.ts';
import type { FileStat } from './fs-facade.ts';
import { breakGuardPath, dropHolderRecordName, GUARD_STALE_MS, isSighted, removeIfSame } from './lock-break.ts';
import { ownedName, parseOwnedName, stampFor, type OwnedName } from './lock-names.ts';
import { lookAtLock, sightLock, type LockSighting } from './lock-record.ts';
import { currentIdentity, isProvablyDead, pidSpaceTag, type Identity } from './runtime.ts';

/** What a sweep found beside a lock. */
export interface LockSweep {
  /** Leftovers removed: their maker is provably gone, or is unknown and the name is old; and the guard of a dead breaker. */
  readonly removed: readonly string[];
  /** Names of ours left in place: those of the lock and guard in use, and any whose maker may still be at work. */
  readonly kept: readonly string[];
}

/**
 * How old a leftover of a maker we cannot judge (another host, another PID namespace) must be,
 * on the file system's clock, before it is removed. Each lives for microseconds in normal work (between writing a record and
 * linking it, or between moving a lock aside and deleting it); removing a young one early only
 * makes its maker's next step fail and retry.
 */
export const LEFTOVER_AGE_MS = 10_000;

function statOrNull(deps: Deps, path: string): FileStat | null {
  try {
    return deps.fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw fromFsError(err, path, 'inspect');
  }
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
 * Removes what the lock protocol left beside `lockPath` after a process died at the wrong moment:
 * record names no lock uses any more, and locks a breaker or releaser had moved aside (see
 * core/lock-names.ts). Only names that match the protocol's own pattern exactly are considered,
 * and of those only the ones whose maker is provably dead (same PID space, pid gone), or unknown
 * and older than {@link LEFTOVER_AGE_MS}; everything else in the directory is left alone. A break
 * guard whose breaker is provably dead, or older than a break can take, goes too (checked and
 * removed as a breaker would remove it). The lock itself is never touched here: acquiring breaks
 * a dead holder's lock.
 */
export function sweepLockLeftovers(lockPath: string, deps: Deps = defaultDeps(), me: Identity = currentIdentity()): LockSweep {
  const dir = dirname(lockPath);
  const guard = breakGuardPath(lockPath);
  const removed: string[] = [];
  const brokenGuard = removeDeadGuard(deps, guard, me);
  if (brokenGuard) removed.push(guard);
  let names: string[];
  try {
    names = deps.fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { removed: [], kept: [] };
    throw fromFsError(err, dir, 'list the directory of lock');
  }
  const inUse = new Set([inode(deps, lockPath), inode(deps, guard)].filter((ino) => ino !== null));
  const mySpace = pidSpaceTag(me.pidSpace);
  let fsNow: number | undefined;
  const now = () => (fsNow ??= fileSystemNow(deps, ownedName(lockPath, 'aside', stampFor(me, deps.random.hex(12)))));
  const kept: string[] = [];
  for (const name of names.sort()) {
    const owned: OwnedName | null = parseOwnedName(lockPath, name) ?? parseOwnedName(guard, name);
    if (owned === null) continue;
    const path = join(dir, name);
    const stat = statOrNull(deps, path);
    if (stat === null || !stat.isFile || stat.isSymbolicLink) continue;
    const dead = isProvablyDead(owned, me);
    const mayWork = !dead && ((mySpace !== null && owned.space === mySpace) || now() - stat.mtimeMs <= LEFTOVER_AGE_MS);
    if (inUse.has(stat.ino) || mayWork) {
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
