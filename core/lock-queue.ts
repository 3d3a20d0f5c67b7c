import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { errnoCode } from './errors.ts';
import type { FsFacade } from './fs-facade.ts';
import type { LockRecord } from './lock-record.ts';
import { isProcessAlive, type Identity } from './runtime.ts';

// The waiters of a lock queue up in a directory beside it, `<lock>.q/`, one file per waiter named
// by its arrival time, so that the lock goes to them in order. Without a queue, whoever happens to
// retry first after a release wins: the releaser itself, on-CPU and about to ask again, wins
// almost every time, and the rest starve. The queue decides only who *tries* next; the lock is
// still taken by O_EXCL creation, so a queue gone wrong can cost fairness or time, never
// exclusion. The directory exists only while someone waits.
//
// An entry is an empty file whose name says everything about its waiter:
//   <arrival µs, 17 digits>-<token>-<pid>-<process start time or x>-<host tag>
// so it is complete the moment it exists (a waiter killed half-way through joining leaves either
// nothing or a whole entry), and the queue is read with one readdir and no file reads.

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

/** 8 hex digits naming a host in entry names (host names may hold any character). */
function hostTag(host: string): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

let cachedTag: { host: string; tag: string } | undefined;

function myHostTag(host: string): string {
  if (cachedTag?.host !== host) cachedTag = { host, tag: hostTag(host) };
  return cachedTag.tag;
}

/** The name of a waiter's entry: arrival order first, then everything needed to judge it dead. */
export function entryName(record: LockRecord, arrival: number): string {
  const at = String(Math.floor(arrival * 1000)).padStart(17, '0');
  return `${at}-${record.token}-${record.pid}-${record.startTime ?? 'x'}-${myHostTag(record.host)}`;
}

/** Whether the waiter an entry names is certainly dead: same host, and its process gone or recycled. */
export function entryIsDead(name: string, me: Identity): boolean {
  const m = /^\d+-[0-9a-f]+-(\d+)-(\d+|x)-([0-9a-f]{8})$/.exec(name);
  if (m === null) return true; // not an entry we wrote: nothing waits behind it
  if (m[3] !== myHostTag(me.host)) return false;
  const pid = Number(m[1]);
  if (pid === me.pid) return false; // a thread of our own process: alive as long as we are
  return !isProcessAlive(pid, m[2] === 'x' ? null : Number(m[2]));
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
 * sight, and names in `skip` (waiters that left a free lock untaken) are passed over. One readdir,
 * no file reads, whatever the length of the queue.
 */
export function queuePosition(fs: FsFacade, lockPath: string, entry: string, me: Identity, skip: ReadonlySet<string>): QueuePosition {
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
    if (!entryIsDead(name, me)) return { evicted: false, ahead: name };
    removeEntry(fs, lockPath, name);
  }
  return { evicted: false, ahead: null };
}

/** Removes a waiter's entry that stayed at the head of the queue, ignoring a free lock, for too long. */
export function evictStalled(fs: FsFacade, lockPath: string, name: string): void {
  removeEntry(fs, lockPath, name);
}
