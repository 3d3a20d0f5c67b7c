import { dirname, join } from 'node:path';
import { errnoCode, RacetrackError } from '../errors.ts';
import type { FileStat, FsFacade } from '../fs-facade.ts';
import { parseOwnedName } from './names.ts';
import { isProvablyDead, type Identity } from '../runtime.ts';

/** What a lock file holds: who took it and when. Written once, before the file is linked into place. */
export interface LockRecord {
  readonly pid: number;
  readonly threadId: number;
  readonly host: string;
  readonly token: string;
  /** The holder's process start time (ticks since boot), to tell a recycled pid from the holder. */
  readonly startTime: number | null;
  /**
   * The holder's PID-space tag (core/runtime.ts `pidSpaceTag`): its pid proves anything only to a
   * process whose tag is the same. null in records that name none (older racetrack versions).
   */
  readonly space: string | null;
  /** Wall-clock ms since the epoch when the lock was taken, by the holder's clock (informative: ages are judged by the file's mtime). */
  readonly acquiredAt: number;
}

/** A lock file as found on disk: its stat, and its record. */
export interface LockSighting {
  readonly stat: FileStat;
  readonly record: LockRecord;
  /**
   * `content`: the file holds a complete record. `name`: it does not (a power loss took data that
   * was never fsynced), and the record was read from the name it was written under, which the
   * holder keeps beside the lock as a second link (core/lock/names.ts, `rec`).
   */
  readonly from: 'content' | 'name';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeLockRecord(record: LockRecord): Uint8Array {
  return encoder.encode(`${JSON.stringify(record)}\n`);
}

/** Parses a lock record; null for anything that is not a complete, well-formed record. */
export function parseLockRecord(bytes: Uint8Array): LockRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.pid !== 'number' || typeof r.host !== 'string' || typeof r.token !== 'string') return null;
  if (typeof r.acquiredAt !== 'number') return null;
  return {
    pid: r.pid,
    threadId: typeof r.threadId === 'number' ? r.threadId : 0,
    host: r.host,
    token: r.token,
    startTime: typeof r.startTime === 'number' ? r.startTime : null,
    space: typeof r.space === 'string' ? r.space : null,
    acquiredAt: r.acquiredAt,
  };
}

/**
 * The EINVALID for a file at a lock path that racetrack did not make: it is never broken,
 * removed or followed. `what` says what was found.
 */
export function foreignLock(path: string, what: string): RacetrackError {
  return new RacetrackError(
    'EINVALID',
    `${path} is not a racetrack lock: ${what}. racetrack never removes or follows a file it did not create; ` +
      'if this is a lock of flock(1), fcntl or another tool, give racetrack a path of its own; if nothing uses it, remove it',
    { path, reason: 'foreign', found: what },
  );
}

/** What a lock path holds, without judging it: absent (null), a file with or without a readable record, or something else. */
export interface LockLook {
  readonly stat: FileStat;
  readonly record: LockRecord | null;
}

/** Looks at `path` without following a symlink; null when nothing is there. */
export function lookAtLock(fs: FsFacade, path: string): LockLook | null {
  let stat: FileStat;
  let bytes: Uint8Array;
  try {
    stat = fs.lstat(path);
    if (stat.isSymbolicLink || !stat.isFile) return { stat, record: null };
    bytes = fs.readFile(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  return { stat, record: parseLockRecord(bytes) };
}

/**
 * Looks at the lock (or break guard) at `path` without following a symlink. null when there is
 * none. Throws EINVALID ({@link foreignLock}) for anything racetrack did not make: a symlink, a
 * directory, or a file that holds no lock record and has no record name beside it (an existing
 * data file, a flock(1) lock file).
 */
export function sightLock(fs: FsFacade, path: string): LockSighting | null {
  const look = lookAtLock(fs, path);
  if (look === null) return null;
  const { stat, record } = look;
  if (stat.isSymbolicLink) throw foreignLock(path, 'it is a symbolic link');
  if (!stat.isFile) throw foreignLock(path, stat.isDirectory ? 'it is a directory' : 'it is not a regular file');
  if (record !== null) return { stat, record, from: 'content' };
  const named = stat.nlink > 1 ? recordByName(fs, path, stat) : null;
  if (named === null) throw foreignLock(path, stat.size === 0 ? 'it is an empty file' : 'it holds no racetrack lock record');
  return { stat, record: named, from: 'name' };
}

/** The record a lock was written under, from its `rec` name beside it (the same inode), or null. */
function recordByName(fs: FsFacade, path: string, stat: FileStat): LockRecord | null {
  let names: string[];
  try {
    names = fs.readdir(dirname(path));
  } catch {
    return null;
  }
  for (const entry of names) {
    const owned = parseOwnedName(path, entry);
    if (owned?.kind !== 'rec') continue;
    try {
      if (fs.lstat(join(dirname(path), entry)).ino !== stat.ino) continue;
    } catch {
      continue;
    }
    return { pid: owned.pid, threadId: owned.threadId, host: '', token: owned.token, startTime: owned.startTime, space: owned.space, acquiredAt: stat.mtimeMs };
  }
  return null;
}

/** Why a lock may be broken, or null when it must be left alone. */
export type StaleReason = 'dead' | 'expired' | null;

/**
 * Judges a sighted lock at wall-clock `now`. Stale on proof of death (its holder ran in our PID
 * space and is gone: core/runtime.ts `isProvablyDead`), or when it is older than `staleMs`. Its age
 * is its file's mtime against `now`: the mtime comes from the clock of the file system (the
 * kernel's, or an NFS server's), never from the holder's own idea of the time. A breaker confirms
 * an expiry against the same file system clock before it breaks (core/lock/break.ts).
 */
export function judgeStale(sighting: LockSighting, me: Identity, now: number, staleMs: number): StaleReason {
  if (isProvablyDead(sighting.record, me)) return 'dead';
  return now - sighting.stat.mtimeMs > staleMs ? 'expired' : null;
}

/** The holder's facts as an error detail: pid, host, thread, age (by the file's mtime). */
export function describeHolder(sighting: LockSighting | null, now: number): Record<string, unknown> {
  if (sighting === null) return { holder: null };
  const { record, stat } = sighting;
  return {
    holder: {
      pid: record.pid,
      host: record.host,
      threadId: record.threadId,
      ageMs: Math.round(now - stat.mtimeMs),
    },
  };
}

/** Whether two sightings are of the same lock file: same inode and token. */
export function sameLock(a: LockSighting, b: LockSighting): boolean {
  return a.stat.ino === b.stat.ino && a.record.token === b.record.token;
}
