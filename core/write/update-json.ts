import { checkTempNameFits, syncDirectoryOf, writeAtomic } from './atomic-write.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { withLock, type LockOptions } from '../lock/lock.ts';
import { lockFileFor } from '../lock/lock-path.ts';

export interface UpdateJsonOptions {
  /**
   * The value `fn` gets when `file` does not exist (the file is then created). Without it, a
   * missing file is ENOTFOUND and nothing is created. Must be JSON-serialisable.
   */
  readonly initial?: unknown;
  /** fsync the new content and the directory. Default true; false only for benchmarks. */
  readonly durable?: boolean;
  /** How to wait for and judge the lock `<file>.lock`. */
  readonly lockOptions?: LockOptions;
  /** Spaces of indentation in the written JSON. Default 2. The file always ends with a newline. */
  readonly indent?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Read-modify-write of the JSON file `file`: under the lock `<file>.lock`, parses the file, calls
 * `fn` with the value, and atomically replaces the file with `fn`'s result (the atomic-write spec's
 * `update_json_atomic`, with the lock it lacks, which otherwise loses concurrent updates). The
 * rename is made only if the lock is still ours, so a holder whose lock was broken never writes.
 * Resolves with the value written.
 *
 * Errors, all leaving `file` byte for byte as it was: ECORRUPT when the file is not valid UTF-8
 * JSON; ENOTFOUND when it (or its directory) does not exist and no `initial` was given; EINVALID
 * when it is a symlink (never followed) or `fn` returns something JSON cannot hold; ECOMPROMISED
 * when the lock was lost; whatever `fn` throws, unchanged.
 */
export async function updateJson<T>(file: string, fn: (current: unknown) => T | Promise<T>, options: UpdateJsonOptions = {}, deps: Deps = defaultDeps()): Promise<T> {
  const indent = options.indent ?? 2;
  if (!Number.isInteger(indent) || indent < 0 || indent > 10) {
    throw new RacetrackError('EINVALID', 'indent must be an integer from 0 to 10', { indent });
  }
  checkTempNameFits(file);
  const durable = options.durable ?? true;
  const written = await withLock(
    lockFileFor(file),
    async (lock) => {
      const current = readJson(deps, file, options.initial);
      const next = await fn(current);
      const text = serialise(file, next, indent);
      writeAtomic(file, text, { durable, lock, syncDirectory: false }, deps);
      return next;
    },
    options.lockOptions,
    deps,
  );
  // The rename is made durable outside the lock, before the caller hears it succeeded.
  if (durable) syncDirectoryOf(file, deps);
  return written;
}

/** Parses `file`, or returns a fresh copy of `initial` when it is missing and `initial` is given. */
function readJson(deps: Deps, file: string, initial: unknown): unknown {
  let bytes: Uint8Array;
  try {
    bytes = deps.fs.readFile(file);
  } catch (err) {
    const errno = errnoCode(err);
    if (errno === 'ENOENT' && initial !== undefined) return JSON.parse(serialise(file, initial, 0));
    if (errno === 'ENOENT') throw new RacetrackError('ENOTFOUND', `${file} does not exist and no initial value was given`, { path: file }, err);
    if (errno === 'ELOOP') throw new RacetrackError('EINVALID', `${file} is a symlink; refusing to follow it`, { path: file }, err);
    throw fromFsError(err, file, 'read');
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new RacetrackError('ECORRUPT', `${file} is not valid JSON: ${reason}`, { path: file, bytes: bytes.length, reason }, err);
  }
}

function serialise(file: string, value: unknown, indent: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, indent);
  } catch (err) {
    // BigInt and cyclic values throw; say so as bad input rather than as an internal error.
    const reason = err instanceof Error ? err.message : String(err);
    throw new RacetrackError('EINVALID', `the new value for ${file} cannot be written as JSON: ${reason}`, { path: file, reason }, err);
  }
  if (text === undefined) {
    throw new RacetrackError('EINVALID', `the new value for ${file} is not JSON (undefined, a function or a symbol)`, { path: file });
  }
  return `${text}\n`;
}
