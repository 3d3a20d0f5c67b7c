import { dirname, resolve } from 'node:path';
import { lockFileFor } from '../lock/lock-path.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { sweepLockLeftovers } from '../lock/sweep.ts';
import { withLock, type LockObserver, type LockOptions } from '../lock/lock.ts';
import { listOrphans, type ListOrphansOptions, type Orphan, type WriterState } from './orphans.ts';

export interface RecoverOptions extends ListOrphansOptions {
  /** A temp this old (ms since its last write) is removable even if its writer lives. Default 60000. */
  readonly minAgeMs?: number;
  /** The lock the writers of the file take. Default: the one its writers take (core/lock/lock-path.ts `lockFileFor`). */
  readonly lockFile?: string;
  /** How to wait for and judge that lock. */
  readonly lockOptions?: LockOptions;
  /** fsync the directory after deleting. Default true. */
  readonly durable?: boolean;
}

/** Why a temp was removable: its writer is gone, it is this thread's own leftover, or it is old. */
export type RemovableReason = 'writer-dead' | 'this-thread' | 'old';

/** Why a temp was left alone: it may be mid-write (writer alive or unknown, and young), or it is not a plain file. */
export type KeptReason = 'in-progress' | 'not-a-regular-file';

/** What `recover` did, as JSON-friendly data. */
export interface RecoveryReport {
  readonly target: string;
  /** The temps deleted; `proven`: it held a complete write, which was discarded all the same (never acknowledged). */
  readonly deleted: readonly { readonly path: string; readonly why: RemovableReason; readonly proven: boolean }[];
  readonly kept: readonly { readonly path: string; readonly why: KeptReason; readonly writer: WriterState }[];
  /** Whether recover found the lock stale (dead or expired holder) and broke it. */
  readonly lockBroken: boolean;
  /** What processes killed inside the lock protocol had left beside the lock, now removed (core/lock/sweep.ts). */
  readonly lockLeftovers: readonly string[];
}

/** How old a temp of a live (or unknown) writer must be before recovery deletes it: a minute. */
export const DEFAULT_MIN_AGE_MS = 60_000;

/**
 * Cleans up after interrupted atomic writes to `file`, under the lock its writers take (so no
 * writer that locks is mid-write meanwhile). A temp is removable when its writer is provably dead,
 * is this thread, or it is at least `minAgeMs` old; removable temps are deleted, and any other temp
 * may be mid-write and is kept.
 *
 * Recovery never publishes a temp, even one that proves itself complete: a temp was never
 * acknowledged (its writer reports success only after the rename), so discarding it loses
 * nothing anyone was told, while publishing it can roll back acknowledged state: a holder whose
 * lock was broken while it stalled, and that then died before deleting its temp, leaves a
 * complete write from before the breaker's (a counter set back, an ID handed out twice).
 */
export async function recover(file: string, options: RecoverOptions = {}, deps: Deps = defaultDeps()): Promise<RecoveryReport> {
  const minAgeMs = options.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  if (!Number.isFinite(minAgeMs) || minAgeMs < 0) {
    throw new RacetrackError('EINVALID', 'minAgeMs must be a non-negative number', { minAgeMs });
  }
  const lockFile = options.lockFile ?? lockFileFor(file);
  if (resolve(lockFile) === resolve(file)) throw new RacetrackError('EINVALID', 'the lock file must not be the file itself', { lockFile });
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
  // The leftovers of the lock protocol (record names, locks moved aside by processes killed
  // half-way) are swept under the lock too, while nobody else can be mid-step on it.
  return withLock(lockFile, (lock) => ({ ...recoverUnderLock(file, minAgeMs, options, deps), lockBroken, lockLeftovers: sweepLockLeftovers(lock, deps).removed }), lockOptions, deps);
}

function recoverUnderLock(file: string, minAgeMs: number, options: RecoverOptions, deps: Deps): Omit<RecoveryReport, 'lockBroken' | 'lockLeftovers'> {
  const kept: RecoveryReport['kept'][number][] = [];
  const deleted: RecoveryReport['deleted'][number][] = [];
  for (const orphan of listOrphans(file, options, deps)) {
    const why = removableReason(orphan, minAgeMs);
    if (why === null) {
      kept.push({ path: orphan.path, why: orphan.regularFile ? 'in-progress' : 'not-a-regular-file', writer: orphan.writer });
    } else if (removeIfPresent(deps, orphan.path)) {
      deleted.push({ path: orphan.path, why, proven: orphan.provenComplete });
    }
  }
  if ((options.durable ?? true) && deleted.length > 0) {
    try {
      deps.fs.fsyncDir(dirname(file));
    } catch (err) {
      throw fromFsError(err, dirname(file), 'fsync');
    }
  }
  return { target: file, deleted, kept };
}

/**
 * Why `orphan` may be deleted (see {@link RemovableReason}), or null when it must be kept: it is
 * not a regular file (never touched), or its writer may still be writing it.
 */
export function removableReason(orphan: Orphan, minAgeMs: number): RemovableReason | null {
  if (!orphan.regularFile) return null;
  if (orphan.writer === 'dead') return 'writer-dead';
  if (orphan.writer === 'this-thread') return 'this-thread';
  return orphan.ageMs >= minAgeMs ? 'old' : null;
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
