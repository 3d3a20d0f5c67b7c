import { errnoCode } from '../errors.ts';
import type { FsFacade } from '../fs-facade.ts';
import { ownedName } from './names.ts';
import { encodeLockRecord, type LockRecord } from './record.ts';

// A lock file is never half-written: its record is written under a name of its own beside it
// (core/lock/names.ts, `rec`), and that complete file is then linked to the lock path, which
// link(2) refuses if anything is there. So a racetrack lock always holds a whole record, and a
// file at a lock path without one was not made by racetrack: it is refused, never broken. The
// record name stays until the lock is given up: a power loss can keep the link and lose the
// unsynced record, and the name then still says whose lock it is.

/** A lock (or break guard) this caller created. */
export interface CreatedLock {
  readonly path: string;
  /** Its record name beside it, a second link to the same file until the lock is given up. */
  readonly recName: string;
  /** Who made it (core/lock/names.ts): its record name's stamp, for the other names it may use. */
  readonly stamp: string;
  readonly ino: number;
  /** Its mtime: the file system's clock when the record was written. */
  readonly mtimeMs: number;
}

/**
 * Either the lock is ours, or something was at its path; then `fsNow` is the file system's clock
 * (our record name's mtime, taken just before), for judging the age of what is there, or null if
 * our record name was gone before we could read it.
 */
export type CreateOutcome = { readonly created: true; readonly lock: CreatedLock } | { readonly created: false; readonly fsNow: number | null };

function unlinkQuietly(fs: FsFacade, path: string): void {
  try {
    fs.unlink(path);
  } catch {
    // Gone already (swept as a leftover): nothing to do.
  }
}

/** The `<token>-<pid>-…` stamp of a record, as its record name carries it (core/lock/names.ts). */
export function recordStamp(record: LockRecord): string {
  return `${record.token}-${record.pid}-${record.threadId}-${record.startTime ?? 'x'}-${record.space ?? 'x'}`;
}

/**
 * Creates the lock file `path` holding `record`: written to its record name, then linked into
 * place. Throws the fs error of anything but a taken path (which is `created: false`).
 */
export function createLockFile(fs: FsFacade, path: string, record: LockRecord): CreateOutcome {
  const stamp = recordStamp(record);
  const recName = ownedName(path, 'rec', stamp);
  const fd = fs.openExclusive(recName);
  try {
    fs.write(fd, encodeLockRecord(record));
  } catch (err) {
    fs.close(fd);
    unlinkQuietly(fs, recName);
    throw err;
  }
  fs.close(fd);
  let mtimeMs = Number.NaN;
  try {
    const stat = fs.lstat(recName);
    mtimeMs = stat.mtimeMs;
    fs.link(recName, path);
    return { created: true, lock: { path, recName, stamp, ino: stat.ino, mtimeMs } };
  } catch (err) {
    unlinkQuietly(fs, recName);
    // EEXIST: the lock is taken. ENOENT: our record name was swept as a leftover while we were
    // descheduled between writing and linking it; nothing is ours, so try again like a taken lock.
    const code = errnoCode(err);
    if (code === 'EEXIST' || code === 'ENOENT') return { created: false, fsNow: Number.isNaN(mtimeMs) ? null : mtimeMs };
    throw err;
  }
}

/** Removes the record name of a lock we gave up (the lock path itself is gone or not ours). */
export function dropRecordName(fs: FsFacade, lock: CreatedLock): void {
  unlinkQuietly(fs, lock.recName);
}
