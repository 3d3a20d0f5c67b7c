import { join } from 'node:path';
import { errnoCode, RacetrackError } from '../errors.ts';
import type { FsFacade } from '../fs-facade.ts';
import type { LockRecord } from './record.ts';
import { isProvablyDead, type Identity } from '../runtime.ts';

// The waiters of a lock queue up in a directory beside it, `<lock>.q/`, one file per waiter named
// by its arrival time, so that the lock goes to them in order. Without a queue, whoever happens to
// retry first after a release wins: the releaser itself, on-CPU and about to ask again, wins
// almost every time, and the rest starve. The queue decides only who *tries* next; the lock is
// still taken by creating the lock file, so a queue gone wrong can cost fairness or time, never
// exclusion. The directory exists only while someone waits.
//
// An entry is an empty file whose name says everything about its waiter:
//   <arrival µs, 17 digits>-<token>-<pid>-<process start time or x>-<PID-space tag or x>
// so it is complete the moment it exists (a waiter killed half-way through joining leaves either
// nothing or a whole entry), and the queue is read with one readdir and no file reads. The queue
// directory must be a real directory (never followed through a symlink), and only names of exactly
// this shape are ever removed from it: anything else in it is left alone and reported.

/** The queue directory of a lock. */
export function queueDir(lockPath: string): string {
  return `${lockPath}.q`;
}

const ENTRY = /^\d{17}-[0-9a-f]{24}-(\d{1,10})-(\d{1,20}|x)-([0-9a-f]{12}|x)$/;

/** Whether `name` is a queue entry racetrack wrote. */
export function isEntryName(name: string): boolean {
  return ENTRY.test(name);
}

/** Called with the path of each thing in the queue directory that is not a racetrack entry. */
export type ForeignReport = (path: string) => void;

/**
 * Checks that the queue directory, if it exists, is a real directory and not a symlink to one
 * elsewhere (whose files a dead-waiter sweep would then delete). false when it does not exist.
 */
function queueExists(fs: FsFacade, lockPath: string): boolean {
  const dir = queueDir(lockPath);
  let isDirectory: boolean;
  try {
    const stat = fs.lstat(dir);
    isDirectory = stat.isDirectory && !stat.isSymbolicLink;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  if (!isDirectory) {
    throw new RacetrackError(
      'EINVALID',
      `${dir}, the waiter queue of lock ${lockPath}, is not a directory racetrack made (a file or a symbolic link); racetrack leaves it alone: remove it, or give the lock another path`,
      {
        path: dir,
        lock: lockPath,
        reason: 'foreign',
      },
    );
  }
  return true;
}

/** Our entries in the queue directory, sorted (arrival order); anything else is reported. */
function entries(fs: FsFacade, lockPath: string, onForeign: ForeignReport | undefined): string[] | null {
  if (!queueExists(fs, lockPath)) return null;
  let names: string[];
  try {
    names = fs.readdir(queueDir(lockPath));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  const ours: string[] = [];
  for (const name of names) {
    if (isEntryName(name)) ours.push(name);
    else onForeign?.(join(queueDir(lockPath), name));
  }
  return ours.sort();
}

/**
 * Whether anyone is queued for the lock (one failed lstat when nobody is). An empty queue
 * directory, left by a waiter that died between creating it and its entry, is removed on sight.
 */
export function hasWaiters(fs: FsFacade, lockPath: string, onForeign?: ForeignReport): boolean {
  let foreign = 0;
  const ours = entries(fs, lockPath, (path) => {
    foreign++;
    onForeign?.(path);
  });
  if (ours === null) return false;
  if (ours.length > 0) return true;
  if (foreign === 0) {
    try {
      fs.rmdir(queueDir(lockPath));
    } catch {
      // Someone queued meanwhile, or removed it first: either is fine.
    }
  }
  return false;
}

/** The name of a waiter's entry: arrival order first, then everything needed to judge it dead. */
export function entryName(record: LockRecord, arrival: number): string {
  const at = String(Math.floor(arrival * 1000)).padStart(17, '0');
  return `${at}-${record.token}-${record.pid}-${record.startTime ?? 'x'}-${record.space ?? 'x'}`;
}

/** Whether the waiter an entry names is certainly dead: same PID space, and its process gone or recycled. */
export function entryIsDead(name: string, me: Identity): boolean {
  const m = ENTRY.exec(name);
  if (m === null) return false; // not ours: never judged, never removed
  return isProvablyDead({ pid: Number(m[1]), startTime: m[2] === 'x' ? null : Number(m[2]), space: m[3] === 'x' ? null : m[3]! }, me);
}

/** Joins the queue: creates the (empty) entry `<lock>.q/<entryName>`. Returns the entry's name. */
export function enqueue(fs: FsFacade, lockPath: string, record: LockRecord, arrival: number): string {
  const dir = queueDir(lockPath);
  const name = entryName(record, arrival);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdir(dir);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
      queueExists(fs, lockPath); // EEXIST from a file or a symlink there: refuse it
    }
    try {
      fs.close(fs.openExclusive(join(dir, name)));
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
  if (!isEntryName(name)) return;
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
 * Names are judged nearest first until a live one is found; entries of dead waiters are removed on
 * sight, and names in `skip` (waiters that left a free lock untaken) are passed over. One lstat
 * and one readdir, no file reads, whatever the length of the queue.
 */
export function queuePosition(fs: FsFacade, lockPath: string, entry: string, me: Identity, skip: ReadonlySet<string>, onForeign?: ForeignReport): QueuePosition {
  const names = entries(fs, lockPath, onForeign);
  if (names === null) return { evicted: true };
  const mine = names.indexOf(entry);
  if (mine < 0) return { evicted: true };
  for (let i = mine - 1; i >= 0; i--) {
    const name = names[i]!;
    if (skip.has(name)) continue;
    if (!entryIsDead(name, me)) return { evicted: false, ahead: name };
    removeEntry(fs, lockPath, name);
  }
  return { evicted: false, ahead: null };
}

/** Removes a waiter's entry that stayed at the head of the queue, ignoring a free lock, for too long. */
export function evictStalled(fs: FsFacade, lockPath: string, name: string): void {
  removeEntry(fs, lockPath, name);
}
