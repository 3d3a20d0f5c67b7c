import { errnoCode } from '../errors.ts';
import type { FsFacade } from '../fs-facade.ts';
import { createLockFile, dropRecordName, recordStamp } from './create.ts';
import { ownedName, stampFor } from './names.ts';
import { judgeStale, lookAtLock, sameLock, sightLock, type LockLook, type LockRecord, type LockSighting } from './record.ts';
import { isProvablyDead, type Identity } from '../runtime.ts';

// Breaking a stale lock is where file locks usually go wrong. "stat, decide it is stale, unlink by
// path" deletes whatever is at the path by the time unlink runs, which may be a fresh lock another
// process took a microsecond earlier; two breakers racing that way both end up holding the lock.
// POSIX has no compare-and-delete, so we build one from rename: move the file to a name only we
// use, then look at what we moved. If it is the lock we judged stale, deleting it is safe; if it
// is not, we put it back with link(), which never replaces a file. Breakers also take a small
// guard file first, so that they run one at a time and never move each other's fresh locks.

/** Whether what a look found is the lock `judged`: the same inode, and its token (or, content lost, its record name). */
export function isSighted(judged: LockSighting): (look: LockLook) => boolean {
  return (look) => look.stat.ino === judged.stat.ino && (look.record === null ? judged.from === 'name' : look.record.token === judged.record.token);
}

/**
 * Removes the file at `path` only if it is still the very lock `isSame` recognises. Returns true
 * when it removed it. The file is first moved to `aside`, a name only this caller uses; anything
 * else found there (another lock, a file that is not racetrack's) is put back.
 */
export function removeIfSame(fs: FsFacade, path: string, isSame: (look: LockLook) => boolean, aside: string): boolean {
  try {
    fs.rename(path, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  const moved = lookAtLock(fs, aside);
  if (moved === null) return false; // swept away as a leftover meanwhile: what we moved is gone
  if (isSame(moved)) {
    unlinkIfPresent(fs, aside);
    return true;
  }
  // We moved something else. Put it back without replacing anything: if a third party took the
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

/** Removes a holder's record name once its lock is gone (core/lock/names.ts, `rec`). */
export function dropHolderRecordName(fs: FsFacade, path: string, record: LockRecord): void {
  unlinkIfPresent(fs, ownedName(path, 'rec', recordStamp(record)));
}

/** The break guard of a lock: breakers take it first, so that they run one at a time. */
export function breakGuardPath(lockPath: string): string {
  return `${lockPath}.breaking`;
}

/** A break guard older than this is itself stale: a break takes microseconds. */
export const GUARD_STALE_MS = 2000;

/**
 * How long a breaker may take, by its own clocks, and still delete its guard by path. Others
 * judge the guard's age by the file system's clock against its mtime; the margin keeps the two
 * from disagreeing (as a lock holder's safe age does for its lock).
 */
const GUARD_SAFE_AGE_MS = GUARD_STALE_MS - 500;

export interface BreakContext {
  readonly fs: FsFacade;
  readonly me: Identity;
  readonly token: string;
  /** The breaker's record for its guard. */
  readonly record: LockRecord;
  /** How long the breaker has held its guard, by its own clocks (the larger of monotonic and wall-clock time). */
  readonly startStopwatch: () => () => number;
  readonly staleMs: number;
}

/**
 * Whether the break removed the lock; when it did not because the lock is younger by the file
 * system's clock than the breaker's own clock said, for how much longer it stays young.
 */
export interface BreakResult {
  readonly broke: boolean;
  readonly youngForMs?: number;
}

/**
 * Breaks the stale lock `judged` at `lockPath`, under the break guard `<lockPath>.breaking`.
 * `broke` is true if this caller removed it; false if someone else did, the lock changed, it turns
 * out not to be stale by the file system's clock, or another breaker holds the guard (the caller
 * then retries its acquire loop). An expiry the caller judged by its own wall clock is confirmed
 * here against the file system's clock (the mtime of the guard just written), so a process whose
 * clock is wrong (a faked time, a clock set a day ahead) never breaks a young lock.
 */
export function breakStaleLock(lockPath: string, judged: LockSighting, ctx: BreakContext): BreakResult {
  const { fs, me, token } = ctx;
  const guard = breakGuardPath(lockPath);
  const stamp = stampFor(me, token);
  const held = ctx.startStopwatch();
  const outcome = createLockFile(fs, guard, ctx.record);
  if (!outcome.created) {
    const other = sightLock(fs, guard);
    if (other !== null && outcome.fsNow !== null && (isProvablyDead(other.record, me) || outcome.fsNow - other.stat.mtimeMs > GUARD_STALE_MS)) {
      if (removeIfSame(fs, guard, isSighted(other), ownedName(guard, 'aside', stamp))) dropHolderRecordName(fs, guard, other.record);
    }
    return { broke: false };
  }
  const mine = outcome.lock;
  try {
    const again = sightLock(fs, lockPath);
    if (again === null || !sameLock(again, judged)) return { broke: false };
    const fsNow = mine.mtimeMs;
    if (judgeStale(again, me, fsNow, ctx.staleMs) === null) return { broke: false, youngForMs: ctx.staleMs - (fsNow - again.stat.mtimeMs) };
    if (!removeIfSame(fs, lockPath, isSighted(again), ownedName(lockPath, 'aside', stamp))) return { broke: false };
    dropHolderRecordName(fs, lockPath, again.record);
    return { broke: true };
  } finally {
    // Nobody removes a live breaker's guard while it is young, so a young guard at this path is
    // still ours and may be deleted by path. A breaker that stalled until others may take its guard
    // for abandoned must not: a sweeper may have removed it and another breaker taken a new one,
    // which an unlink by path would delete, letting a third breaker run beside that one. It leaves
    // the guard (and its record name) to age out instead, as an abandoned one does.
    if (held() < GUARD_SAFE_AGE_MS && lookAtLock(fs, guard)?.stat.ino === mine.ino) {
      unlinkIfPresent(fs, guard);
      dropRecordName(fs, mine);
    }
  }
}
