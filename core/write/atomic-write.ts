import { dirname } from 'node:path';
import process from 'node:process';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError } from '../errors.ts';
import type { FileStat } from '../fs-facade.ts';
import type { LockHandle } from '../lock/lock.ts';
import { checkNameFits } from '../name-limits.ts';
import { currentIdentity } from '../runtime.ts';
import { formatTempName, TEMP_NAME_MAX_SUFFIX_BYTES, TEMP_NONCE_BYTES } from './temp-name.ts';

export interface WriteAtomicOptions {
  /** fsync the temp before the rename and the directory after it. Default true; false only for benchmarks. */
  readonly durable?: boolean;
  /** When the write publishes work done under a lock: checked right before the rename, so a holder whose lock was broken never writes. */
  readonly lock?: LockHandle;
  /**
   * fsync the directory after the rename. Default: `durable`. A caller writing under a lock may
   * pass false and call {@link syncDirectoryOf} after releasing it, to keep one fsync out of the
   * critical section: the next holder already sees the renamed file, and each caller still syncs
   * before it reports success (a later sync persists every earlier rename in the directory too).
   */
  readonly syncDirectory?: boolean;
}

const encoder = new TextEncoder();

/**
 * Throws EINVALID unless `file`'s name leaves room for the longest temp name beside it (and is
 * valid UTF-8): a check that writers under a lock make before they take it, so that a name that
 * cannot be written touches nothing.
 */
export function checkTempNameFits(file: string): void {
  checkNameFits(file, TEMP_NAME_MAX_SUFFIX_BYTES, 'file');
}

/**
 * Replaces `file` with `data` so that a reader, or a crash at any instant, sees either the old
 * content or the new, never a mix: a temp unique to this writer in the same directory, opened
 * `'wx'`, written, fsynced, renamed over the target, and the directory fsynced. A regular file it
 * replaces keeps its permission bits and, when we run as root, its owner and group (as
 * write-file-atomic does); a new file, or one replacing a symlink, gets the default mode.
 * EINVALID, before anything is touched, for a name too long to have a temp beside it.
 */
export function writeAtomic(file: string, data: string | Uint8Array, options: WriteAtomicOptions = {}, deps: Deps = defaultDeps()): void {
  checkTempNameFits(file);
  const { fs, random } = deps;
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const durable = options.durable ?? true;
  const keep = replacedFileMeta(deps, file);
  const temp = formatTempName(file, currentIdentity(), random.hex(TEMP_NONCE_BYTES), bytes);
  let fd: number;
  try {
    fd = fs.openExclusive(temp);
  } catch (err) {
    throw fromFsError(err, file, 'create a temp file beside');
  }
  let renamed = false;
  try {
    try {
      // Owner first: a chown clears the set-user-ID and set-group-ID bits that the chmod restores.
      if (keep?.owner === true) fs.fchown(fd, keep.stat.uid, keep.stat.gid);
      if (keep !== null) fs.fchmod(fd, keep.stat.mode);
      fs.write(fd, bytes);
      if (durable) fs.fsync(fd);
    } finally {
      fs.close(fd);
    }
    options.lock?.assertHeld();
    fs.rename(temp, file);
    renamed = true;
    if (options.syncDirectory ?? durable) fs.fsyncDir(dirname(file));
  } catch (err) {
    if (!renamed) removeQuietly(deps, temp);
    throw errnoCode(err) === undefined ? err : fromFsError(err, file, 'write');
  }
}

/**
 * What `file` is now when it is a regular file (looked at without following a symlink), and
 * whether its owner is to be kept too (only root may give a file away); null when there is no
 * regular file whose mode to keep.
 */
function replacedFileMeta(deps: Deps, file: string): { stat: FileStat; owner: boolean } | null {
  let stat: FileStat;
  try {
    stat = deps.fs.lstat(file);
  } catch (err) {
    const errno = errnoCode(err);
    if (errno === 'ENOENT') return null;
    throw fromFsError(err, file, 'inspect');
  }
  if (!stat.isFile || stat.isSymbolicLink) return null;
  return { stat, owner: process.getuid?.() === 0 };
}

function removeQuietly(deps: Deps, path: string): void {
  try {
    deps.fs.unlink(path);
  } catch {
    // Best effort: a temp we cannot remove is an orphan that `recover` will report.
  }
}

/** fsyncs the directory holding `file`: the second half of a write made with `syncDirectory: false`. */
export function syncDirectoryOf(file: string, deps: Deps = defaultDeps()): void {
  try {
    deps.fs.fsyncDir(dirname(file));
  } catch (err) {
    throw fromFsError(err, dirname(file), 'sync the directory of');
  }
}
