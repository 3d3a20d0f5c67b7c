import { dirname } from 'node:path';
import { writeAtomic } from './atomic-write.ts';
import { defaultDeps, type Deps } from './deps.ts';
import { errnoCode, fromFsError, RacetrackError } from './errors.ts';
import type { FileStat } from './fs-facade.ts';
import { sweepLockLeftovers } from './lock-sweep.ts';
import { withLock, type LockHandle, type LockObserver, type LockOptions } from './lock.ts';
import { listOrphans, readProvenTemp, type ListOrphansOptions, type Orphan, type WriterState } from './orphans.ts';

export interface RecoverOptions extends ListOrphansOptions {
  /** A temp this old (ms since its last write) is removable even if its writer lives. Default 60000. */
  readonly minAgeMs?: number;
  /** How to wait for and judge the lock `<file>.lock`. */
  readonly lockOptions?: LockOptions;
  /** fsync the promoted content and the directory after deleting. Default true. */
  readonly durable?: boolean;
}

/** Why a temp was removable: its writer is gone, it is this thread's own leftover, or it is old. */
export type RemovableReason = 'writer-dead' | 'this-thread' | 'old';

/** Why a temp was left alone: it may be mid-write (writer alive or unknown, and young), or it is not a plain file. */
export type KeptReason = 'in-progress' | 'not-a-regular-file';

/** What `recover` did, as JSON-friendly data. */
export interface RecoveryReport {
  readonly target: string;
  /** The temp whose content now is the target's, or null. */
  readonly promoted: string | null;
  readonly deleted: readonly { readonly path: string; readonly why: RemovableReason; readonly proven: boolean }[];
  readonly kept: readonly { readonly path: string; readonly why: KeptReason; readonly writer: WriterState }[];
  /** Whether recover found `<file>.lock` stale (dead or expired holder) and broke it. */
  readonly lockBroken: boolean;
  /** What processes killed inside the lock protocol had left beside the lock, now removed (core/lock-sweep.ts). */
  readonly lockLeftovers: readonly string[];
}

const DEFAULT_MIN_AGE_MS = 60_000;

/**
 * Cleans up after interrupted atomic writes to `file`, under the lock `<file>.lock`. A temp is
 * removable when its writer is dead, is this thread, or it is at least `minAgeMs` old; any other
 * temp may be mid-write and is kept. Of the removable temps, the newest that proves itself
 * complete (size and digest in its name) and is newer than the target (or the target is missing)
 * is promoted; all other removable temps are deleted. A temp is never promoted for being merely
 * non-empty (seed 001's check, which can promote a torn file).
 *
 * Promotion rewrites the verified bytes with writeAtomic (new temp, fsync, rename, directory
 * fsync) rather than renaming the orphan: the orphan's writer may have died before its fsync, and
 * renaming unsynced data would make a power loss able to empty the target.
 */
export async function recover(file: string, options: RecoverOptions = {}, deps: Deps = defaultDeps()): Promise<RecoveryReport> {
  const minAgeMs = options.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  if (!Number.isFinite(minAgeMs) || minAgeMs < 0) {
    throw new RacetrackError('EINVALID', 'minAgeMs must be a non-negative number', { minAgeMs });
  }
  let lockBroken = false;
  const user = options.lockOptions?.observer;
  // Inherits every other callback from the caller's observer, including ones added later.
  const observer: LockObserver = Object.assign(Object.create(user ?? null) as LockObserver, {
    broke(event: Parameters<NonNullable<LockObserver['broke']>>[0]) {
      lockBroken = true;
      user?.broke?.(event);
    },
  });
  const lockOptions: LockOptions = { ...options.lockOptions, observer };
  const lockPath = `${file}.lock`;
  return withLock(
    lockPath,
    // Under the lock, so that the leftovers of the lock protocol (record names, locks moved aside
    // by processes killed half-way) are judged while nobody else can be mid-step on this lock.
    (lock) => ({ ...recoverUnderLock(file, lock, minAgeMs, options, deps), lockBroken, lockLeftovers: sweepLockLeftovers(lockPath, deps).removed }),
    lockOptions,
    deps,
  );
}

function recoverUnderLock(file: string, lock: LockHandle, minAgeMs: number, options: RecoverOptions, deps: Deps): Omit<RecoveryReport, 'lockBroken' | 'lockLeftovers'> {
  const durable = options.durable ?? true;
  // Orphans first, then the target: a live writer that renames in between then shows up as a
  // newer target, never as a stale target beside an older orphan that we would wrongly promote.
  const orphans = listOrphans(file, options, deps);
  const target = lstatOrNull(deps, file);
  const kept: RecoveryReport['kept'][number][] = [];
  const removable: { orphan: Orphan; why: RemovableReason }[] = [];
  for (const orphan of orphans) {
    if (!orphan.regularFile) {
      kept.push({ path: orphan.path, why: 'not-a-regular-file', writer: orphan.writer });
      continue;
    }
    const why = removableReason(orphan, minAgeMs);
    if (why === null) kept.push({ path: orphan.path, why: 'in-progress', writer: orphan.writer });
    else removable.push({ orphan, why });
  }

  let promoted: string | null = null;
  const candidates = removable
    .map((r) => r.orphan)
    .filter((o) => o.provenComplete && (target === null || o.mtimeMs > target.mtimeMs))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? 1 : -1));
  for (const candidate of candidates) {
    const bytes = readProvenTemp(file, candidate.path, deps);
    if (bytes === null) continue; // changed or vanished since it was listed: no longer proven
    writeAtomic(file, bytes, { durable, lock }, deps);
    promoted = candidate.path;
    break;
  }

  const deleted: RecoveryReport['deleted'][number][] = [];
  for (const { orphan, why } of removable) {
    if (!removeIfPresent(deps, orphan.path)) continue;
    if (orphan.path !== promoted) deleted.push({ path: orphan.path, why, proven: orphan.provenComplete });
  }
  if (durable && removable.length > 0) {
    try {
      deps.fs.fsyncDir(dirname(file));
    } catch (err) {
      throw fromFsError(err, dirname(file), 'fsync');
    }
  }
  return { target: file, promoted, deleted, kept };
}

function removableReason(orphan: Orphan, minAgeMs: number): RemovableReason | null {
  if (orphan.writer === 'dead') return 'writer-dead';
  if (orphan.writer === 'this-thread') return 'this-thread';
  return orphan.ageMs >= minAgeMs ? 'old' : null;
}

function lstatOrNull(deps: Deps, path: string): FileStat | null {
  try {
    return deps.fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw fromFsError(err, path, 'inspect');
  }
}

/** Deletes `path`; false if it was already gone (its writer renamed it, or another recover ran). */
function removeIfPresent(deps: Deps, path: string): boolean {
  try {
    deps.fs.unlink(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw fromFsError(err, path, 'delete temp');
  }
}
