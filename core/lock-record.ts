import { errnoCode } from './errors.ts';
import type { FileStat, FsFacade } from './fs-facade.ts';
import { isProcessAlive, type Identity } from './runtime.ts';

/** What a lock file holds: who took it and when. Written once, at creation, never changed. */
export interface LockRecord {
  readonly pid: number;
  readonly threadId: number;
  readonly host: string;
  readonly token: string;
  /** The holder's process start time (ticks since boot), to tell a recycled pid from the holder. */
  readonly startTime: number | null;
  /** Wall-clock ms since the epoch when the lock was taken. */
  readonly acquiredAt: number;
}

/** A lock file as found on disk: its stat, and its record if it parsed. */
export interface LockSighting {
  readonly stat: FileStat;
  /** null when the file is empty or half-written (its creator has not finished writing it). */
  readonly record: LockRecord | null;
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
    acquiredAt: r.acquiredAt,
  };
}

/**
 * Looks at the lock file at `path` without following a symlink. Returns null when there is no
 * lock file (it was released between our attempt and our look).
 */
export function sightLock(fs: FsFacade, path: string): LockSighting | null {
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

/** Why a lock may be broken, or null when it must be left alone. */
export type StaleReason = 'dead' | 'expired' | 'unreadable' | null;

export interface StaleRules {
  readonly staleMs: number;
  /** How long an empty or half-written record is given to be completed before it counts stale. */
  readonly graceMs: number;
}

/**
 * Judges a sighted lock. A lock is stale on proof of death (same host, and the holder's pid is gone
 * or was recycled), when it is older than `staleMs`, or when its record is still unreadable after
 * `graceMs`. A symlink or a directory at the lock path is never judged stale: it is not ours.
 */
export function judgeStale(sighting: LockSighting, me: Identity, now: number, rules: StaleRules): StaleReason {
  const { stat, record } = sighting;
  if (stat.isSymbolicLink || !stat.isFile) return null;
  if (record === null) return now - stat.mtimeMs > rules.graceMs ? 'unreadable' : null;
  if (record.host === me.host && !isProcessAlive(record.pid, record.startTime)) return 'dead';
  return now - record.acquiredAt > rules.staleMs ? 'expired' : null;
}

/** The holder's facts as an error detail: pid, host, thread, age. */
export function describeHolder(sighting: LockSighting | null, now: number): Record<string, unknown> {
  if (sighting === null) return { holder: null };
  const { record, stat } = sighting;
  if (record === null) return { holder: { unreadable: true, ageMs: Math.round(now - stat.mtimeMs) } };
  return {
    holder: {
      pid: record.pid,
      host: record.host,
      threadId: record.threadId,
      ageMs: Math.round(now - record.acquiredAt),
    },
  };
}
