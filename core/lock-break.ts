import { errnoCode } from './errors.ts';
import type { FsFacade } from './fs-facade.ts';
import { encodeLockRecord, judgeStale, sightLock, type LockRecord, type LockSighting, type StaleRules } from './lock-record.ts';
import type { Identity } from './runtime.ts';

// Breaking a stale lock is where file locks usually go wrong. "stat, decide it is stale, unlink by
// path" deletes whatever is at the path by the time unlink runs, which may be a fresh lock another
// process took a microsecond earlier; two breakers racing that way both end up holding the lock.
// POSIX has no compare-and-delete, so we build one from rename: move the file to a name only we
// use, then look at what we moved. If it is the lock we judged stale, deleting it is safe; if it
// is not, we put it back with link(), which never replaces a file. Breakers also take a small
// guard file first, so that they run one at a time and never move each other's fresh locks.

/** Whether two sightings are of the same lock file (same inode and token; for unreadable ones, same mtime and size). */
export function sameLock(a: LockSighting, b: LockSighting): boolean {
  if (a.stat.ino !== b.stat.ino) return false;
  if (a.record !== null && b.record !== null) return a.record.token === b.record.token;
  if (a.record !== null || b.record !== null) return false;
  return a.stat.mtimeMs === b.stat.mtimeMs && a.stat.size === b.stat.size;
}

/**
 * Removes the file at `path` only if it is still the very file that was judged (`judged`). Returns
 * true when it removed it. The file is first moved to `aside`, a name only this breaker uses.
 */
export function removeIfSame(fs: FsFacade, path: string, judged: LockSighting, aside: string): boolean {
  try {
    fs.rename(path, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  const moved = sightLock(fs, aside);
  if (moved === null) return false; // swept away as a leftover meanwhile: what we moved is gone
  if (sameLock(moved, judged)) {
    unlinkIfPresent(fs, aside);
    return true;
  }
  // We moved someone else's lock. Put it back without replacing anything: if a third party took the
  // lock meanwhile, link fails with EEXIST and the displaced holder finds itself compromised.
  try {
    fs.link(aside, path);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST' && errnoCode(err) !== 'ENOENT') throw err;
  }
  unlinkIfPresent(fs, aside);
  return false;
}

function unlinkIfPresent(fs: FsFacade, path: string): void {
  try {
    fs.unlink(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

/** The break guard of a lock: breakers take it first, so that they run one at a time. */
export function breakGuardPath(lockPath: string): string {
  return `${lockPath}.breaking`;
}

/**
 * Where the guard holder moves a stale lock before checking and deleting it. One fixed name
 * suffices because guard holders run one at a time; and since no live lock ever has this name, a
 * file left there by a breaker that died half-way can always be deleted.
 */
export function breakAsidePath(lockPath: string): string {
  return `${lockPath}.broken`;
}

/** A break guard older than this is itself stale: a break takes microseconds. */
const GUARD_STALE_MS = 2000;

/**
 * How long a breaker may take, by its own monotonic clock, and still delete its guard by path.
 * Others judge the guard's age by the wall clock against its record; the margin keeps the two from
 * disagreeing (as a lock holder's `safeAge` does for its lock).
 */
const GUARD_SAFE_AGE_MS = GUARD_STALE_MS - 500;

export interface BreakContext {
  readonly fs: FsFacade;
  readonly me: Identity;
  readonly token: string;
  readonly now: number;
  /** Monotonic ms: how the breaker times itself while it holds the guard. */
  readonly monotonic: () => number;
  readonly rules: StaleRules;
}

/**
 * Breaks the stale lock `judged` at `lockPath`, under the break guard `<lockPath>.breaking`.
 * Returns true if this caller removed it; false if someone else did, the lock changed, or another
 * breaker holds the guard (the caller then retries its acquire loop).
 */
export function breakStaleLock(lockPath: string, judged: LockSighting, ctx: BreakContext): boolean {
  const { fs, me, token, now } = ctx;
  const guard = breakGuardPath(lockPath);
  const record: LockRecord = { pid: me.pid, threadId: me.threadId, host: me.host, token, startTime: me.startTime, acquiredAt: now };
  const takenAt = ctx.monotonic();
  try {
    const fd = fs.openExclusive(guard);
    try {
      fs.write(fd, encodeLockRecord(record));
    } finally {
      fs.close(fd);
    }
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    const other = sightLock(fs, guard);
    if (other !== null && judgeStale(other, me, now, { staleMs: GUARD_STALE_MS, graceMs: ctx.rules.graceMs }) !== null) {
      removeIfSame(fs, guard, other, `${guard}.broken.${token}`);
    }
    return false;
  }
  try {
    const again = sightLock(fs, lockPath);
    if (again === null || !sameLock(again, judged)) return false;
    return removeIfSame(fs, lockPath, again, breakAsidePath(lockPath));
  } finally {
    // Nobody removes a live breaker's guard while it is young, so a young guard at this path is
    // still ours and may be deleted by path. A breaker that stalled until others may take its guard
    // for abandoned must not: a sweeper may have removed it and another breaker taken a new one,
    // which an unlink by path would delete, letting a third breaker run beside that one. It leaves
    // the guard to age out instead, as an abandoned one does. (Moving it aside to check it is no
    // better: once it has left the guard path, another breaker may take the guard and start using
    // the shared aside name while we are still looking at what we moved.)
    if (ctx.monotonic() - takenAt < GUARD_SAFE_AGE_MS) {
      const mine = sightLock(fs, guard);
      if (mine?.record?.token === token) unlinkIfPresent(fs, guard);
    }
  }
}

/**
 * Sweeps what a breaker that died half-way left behind: its guard and the stale lock it had moved
 * aside. Called by a caller that has just created the lock. The guard is removed only if it is
 * abandoned (its owner dead on this host, older than a break can take, or unreadable past the
 * grace), and then through the same move-aside-and-check as any stale file; a live guard is left
 * alone, and so is the aside, which its owner may be using. Removing a live guard would let a
 * second breaker run beside its owner, and two breakers at once can move a fresh lock aside.
 * With our fresh lock at the lock path, no breaker can start anew on the lock, so an aside with no
 * live guard is a leftover. Costs a failed lstat and a failed unlink when there is nothing to sweep.
 *
 * Returns 'wait' for a guard that is empty or half-written and still within its grace: a breaker
 * about to write its record, or one that died writing it (a crash, a power loss); the caller looks
 * again shortly, and the guard is then either readable or past its grace.
 */
export function sweepBreakLeftovers(fs: FsFacade, lockPath: string, me: Identity, now: number, rules: StaleRules): 'done' | 'wait' {
  const guard = breakGuardPath(lockPath);
  const found = sightLock(fs, guard);
  if (found !== null) {
    if (judgeStale(found, me, now, { staleMs: GUARD_STALE_MS, graceMs: rules.graceMs }) === null) {
      return found.record === null && found.stat.isFile ? 'wait' : 'done'; // a live breaker's, or one to judge again
    }
    if (!removeIfSame(fs, guard, found, `${guard}.broken.${me.pid}.${me.threadId}`)) return 'done';
  }
  unlinkIfPresent(fs, breakAsidePath(lockPath));
  return 'done';
}
