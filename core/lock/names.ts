import { basename } from 'node:path';
import { pidSpaceTag, type Identity } from '../runtime.ts';

// Every file the lock protocol creates beside a lock, other than the lock and its break guard
// themselves, is named after its creator:
//   <lock>.<kind>.<token>-<pid>-<thread id>-<start time or x>-<PID-space tag or x>
// so that the protocol can tell its own leftovers from anything else in the directory by the
// name alone, and judge from the name whether the process that made one is gone. Nothing is ever
// removed unless its name matches exactly and says it is ours.

/**
 * - `rec`: the name a lock (or break guard) record is written under before it is linked into
 *   place; it stays, a second name of the same file, until the lock is given up, so that a lock
 *   whose content a power loss took still names its holder;
 * - `aside`: where a breaker moves a stale lock (or a dead breaker's guard) to check it;
 * - `released`: where a holder past its safe age moves its own lock to check it.
 */
export type OwnedKind = 'rec' | 'aside' | 'released';

const KINDS: readonly OwnedKind[] = ['rec', 'aside', 'released'];

/** What an owned name tells about its creator. */
export interface OwnedName {
  readonly kind: OwnedKind;
  readonly token: string;
  readonly pid: number;
  readonly threadId: number;
  readonly startTime: number | null;
  /** The creator's PID-space tag, or null when it did not know its PID space. */
  readonly space: string | null;
}

const STAMP = /^([0-9a-f]{24})-(\d{1,10})-(\d{1,10})-(\d{1,20}|x)-([0-9a-f]{12}|x)$/;

/** The longest suffix an owned name adds to the path it belongs to, in bytes. */
export const OWNED_SUFFIX_BYTES = '.released.'.length + 24 + 1 + 10 + 1 + 10 + 1 + 20 + 1 + 12;

/** `<token>-<pid>-<thread>-<start>-<space>`: who made a name. */
export function stampFor(me: Identity, token: string): string {
  return `${token}-${me.pid}-${me.threadId}-${me.startTime ?? 'x'}-${pidSpaceTag(me.pidSpace) ?? 'x'}`;
}

/** The name of kind `kind` that the creator with `stamp` uses beside `path`. */
export function ownedName(path: string, kind: OwnedKind, stamp: string): string {
  return `${path}.${kind}.${stamp}`;
}

/**
 * Reads a directory entry as an owned name of `path` (given as the lock's or guard's full path),
 * or null when it is not exactly one: anything else is left alone.
 */
export function parseOwnedName(path: string, entry: string): OwnedName | null {
  const prefix = `${basename(path)}.`;
  if (!entry.startsWith(prefix)) return null;
  const rest = entry.slice(prefix.length);
  const dot = rest.indexOf('.');
  const kind = rest.slice(0, dot) as OwnedKind;
  if (dot < 0 || !KINDS.includes(kind)) return null;
  const m = STAMP.exec(rest.slice(dot + 1));
  if (m === null) return null;
  return {
    kind,
    token: m[1]!,
    pid: Number(m[2]),
    threadId: Number(m[3]),
    startTime: m[4] === 'x' ? null : Number(m[4]),
    space: m[5] === 'x' ? null : m[5]!,
  };
}
