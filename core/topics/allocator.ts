import { join, resolve } from 'node:path';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { withLock, type LockOptions } from '../lock/lock.ts';
import { validateTopicName } from './topic-name.ts';

/** The lock file the allocator takes in its root unless told otherwise (the allocation spec's name). */
export const TOPIC_LOCK_NAME = '.topic_number.lock';

/** How `allocateTopic` locks and syncs. */
export interface AllocateOptions {
  /** How to wait for and judge the lock. */
  readonly lockOptions?: LockOptions;
  /** The lock file. Default `<root>/.topic_number.lock`. */
  readonly lockFile?: string;
  /** fsync the root after the mkdir, so the allocation survives a power loss. Default true. */
  readonly durable?: boolean;
}

/** An allocated topic: its zero-padded number (`"007"`) and the absolute path of its directory. */
export interface TopicAllocation {
  readonly number: string;
  readonly path: string;
}

const NUMBERED = /^(\d{3,})_/;

/**
 * The highest `N` among entries named `NNN_…` (three or more digits, then `_`), or 0n when there
 * are none. Every matching entry counts, not only directories: a file named `008_x` still holds
 * its number, and skipping it could send the next mkdir into it. Arbitrary precision, so a
 * hand-made `99999999999999999999_x` cannot make the next number wrap or round.
 */
export function highestTopicNumber(entries: readonly string[]): bigint {
  let max = 0n;
  for (const entry of entries) {
    const m = NUMBERED.exec(entry);
    if (m !== null) {
      const n = BigInt(m[1]!);
      if (n > max) max = n;
    }
  }
  return max;
}

/** `n` zero-padded to at least three digits: 7n → `"007"`, 1000n → `"1000"`. */
export function formatTopicNumber(n: bigint): string {
  return n.toString().padStart(3, '0');
}

function checkPath(what: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new RacetrackError('EINVALID', `${what} must be a non-empty path without NUL`, { [what]: path });
  }
  return resolve(path);
}

function assertRootDirectory(deps: Deps, root: string): void {
  let isDirectory: boolean;
  try {
    const stat = deps.fs.lstat(root);
    // A symlinked root is allowed: readdir and mkdir follow it, and report ENOTDIR if they must.
    isDirectory = stat.isDirectory || stat.isSymbolicLink;
  } catch (err) {
    const errno = errnoCode(err);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') {
      throw new RacetrackError('ENOTFOUND', `topic root ${root} does not exist`, { root, errno }, err);
    }
    throw fromFsError(err, root, 'inspect topic root');
  }
  if (!isDirectory) throw new RacetrackError('EINVALID', `topic root ${root} is not a directory`, { root });
}

/**
 * Allocates the next topic number in `root` and creates its directory `<root>/NNN_<name>`, all
 * under one lock (the allocation spec's fix: the lock covers the mkdir, not only the scan). The number is
 * one more than the highest `NNN_` entry, zero-padded to at least three digits and growing past
 * 999. Only the topic directory is made; its subdirectories are left to be created lazily.
 *
 * Errors, all thrown before anything changes on disk: EINVALID for a bad name or a root that is
 * not a directory, ENOTFOUND for a missing root, EIO when the root cannot be written. An EEXIST
 * from the mkdir means someone creates numbered entries without the lock; it is thrown, never
 * retried with the next number.
 */
export async function allocateTopic(root: string, name: string, options: AllocateOptions = {}, deps: Deps = defaultDeps()): Promise<TopicAllocation> {
  const topic = validateTopicName(name);
  const dir = checkPath('root', root);
  const lockFile = options.lockFile === undefined ? join(dir, TOPIC_LOCK_NAME) : checkPath('lockFile', options.lockFile);
  const durable = options.durable ?? true;
  assertRootDirectory(deps, dir);

  return withLock(
    lockFile,
    (lock) => {
      const { fs } = deps;
      let entries: string[];
      try {
        entries = fs.readdir(dir);
      } catch (err) {
        throw fromFsError(err, dir, 'list topic root');
      }
      const number = formatTopicNumber(highestTopicNumber(entries) + 1n);
      const path = join(dir, `${number}_${topic}`);
      lock.assertHeld();
      try {
        fs.mkdir(path);
      } catch (err) {
        if (errnoCode(err) === 'EEXIST') {
          throw new RacetrackError(
            'EIO',
            `topic directory ${path} already exists although the scan under ${lockFile} saw no number above ${number}: something creates numbered entries without taking the lock`,
            { path, errno: 'EEXIST', lockFile },
            err,
          );
        }
        throw fromFsError(err, path, 'create topic directory');
      }
      if (durable) {
        try {
          fs.fsyncDir(dir);
        } catch (err) {
          // The caller never learns this number, so take the directory back rather than leave an
          // allocation whose durability is unknown.
          try {
            fs.rmdir(path);
          } catch {
            // Best effort: an empty numbered directory is a harmless gap.
          }
          throw fromFsError(err, dir, 'sync topic root');
        }
      }
      return { number, path };
    },
    options.lockOptions,
    deps,
  );
}
