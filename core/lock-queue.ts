import { join } from 'node:path';
import { errnoCode } from './errors.ts';
import type { FsFacade } from './fs-facade.ts';
import { encodeLockRecord, sightLock, type LockRecord } from './lock-record.ts';
import { isProcessAlive, type Identity } from './runtime.ts';

// The waiters of a lock queue up in a directory beside it, `<lock>.q/`, one file per waiter named
// by its arrival time, so that the lock goes to them in order. Without a queue, whoever happens to
// retry first after a release wins: the releaser itself, on-CPU and about to ask again, wins
// almost every time, and the rest starve. The queue decides only who *tries* next; the lock is
// still taken by O_EXCL creation, so a queue gone wrong can cost fairness or time, never
// exclusion. The directory exists only while someone waits.

/** The queue directory of a lock. */
export function queueDir(lockPath: string): string {
  return `${lockPath}.q`;
}

/**
 * Whether anyone is queued for the lock (one failed readdir when nobody is). An empty queue
 * directory, left by a waiter that died between creating it and its entry, is removed on sight.
 */
export function hasWaiters(fs: FsFacade, lockPath: string): boolean {
  let names: string[];
  try {
    names = fs.readdir(queueDir(lockPath));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return false;
    throw err;
  }
  if (names.length > 0) return true;
  try {
    fs.rmdir(queueDir(lockPath));
  } catch {
    // Someone queued meanwhile, or removed it first: either is fine.
  }
  return false;
}

/** Joins the queue: creates `<lock>.q/<arrival>-<token>` with our record. Returns the entry's name. */
export function enqueue(fs: FsFacade, lockPath: string, record: LockRecord, arrival: number): string {
  const dir = queueDir(lockPath);
  const name = `${String(Math.floor(arrival * 1000)).padStart(17, '0')}-${record.token}`;
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdir(dir);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    try {
      const fd = fs.openExclusive(join(dir, name));
      try {
        fs.write(fd, encodeLockRecord(record));
      } finally {
        fs.close(fd);
      }
      return name;
    } catch (err) {
      // The last waiter may have removed the directory between our mkdir and our create.
      if (errnoCode(err) !== 'ENOENT' || attempt > 10) throw err;
    }
  }
}

/** Leaves the queue, and removes the directory if we were the last in it. */
export function dequeue(fs: FsFacade, lockPath: string, name: string): void {
  removeEntry(fs, lockPath, name);
  try {
    fs.rmdir(queueDir(lockPath));
  } catch {
    // Not empty (others wait), or already gone: either is fine.
  }
}

function removeEntry(fs: FsFacade, lockPath: string, name: string): void {
  try {
    fs.unlink(join(queueDir(lockPath), name));
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

/** Where a waiter stands: evicted (its entry is gone), at the head, or behind `ahead`. */
export type QueuePosition = { readonly evicted: true } | { readonly evicted: false; readonly ahead: string | null };

/**
 * Our place in the queue: the live waiter right ahead of `entry`, or null when we are at the head.
 * Only the entries just ahead of ours are read, nearest first, until a live one is found, so a
 * waiter costs one readdir and usually one read, whatever the length of the queue. Entries of dead
 * waiters (same host, process gone), and entries still unreadable after `graceMs`, are removed on
 * sight; names in `skip` (waiters that left a free lock untaken) are passed over.
 */
export function queuePosition(fs: FsFacade, lockPath: string, entry: string, me: Identity, now: number, graceMs: number, skip: ReadonlySet<string>): QueuePosition {
  let names: string[];
  try {
    names = fs.readdir(queueDir(lockPath));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { evicted: true };
    throw err;
  }
  names.sort();
  const mine = names.indexOf(entry);
  if (mine < 0) return { evicted: true };
  for (let i = mine - 1; i >= 0; i--) {
    const name = names[i]!;
    if (skip.has(name)) continue;
    const seen = sightLock(fs, join(queueDir(lockPath), name));
    if (seen === null) continue;
    const { record, stat } = seen;
    const dead = record === null ? now - stat.mtimeMs > graceMs : record.host === me.host && !isProcessAlive(record.pid, record.startTime);
    if (!dead) return { evicted: false, ahead: name };
    removeEntry(fs, lockPath, name);
  }
  return { evicted: false, ahead: null };
}

/** Removes a waiter's entry that stayed at the head of the queue, ignoring a free lock, for too long. */
export function evictStalled(fs: FsFacade, lockPath: string, name: string): void {
  removeEntry(fs, lockPath, name);
}
