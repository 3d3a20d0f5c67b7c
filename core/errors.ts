/**
 * The one error type racetrack throws. `code` says what went wrong; `details` carries the facts a
 * caller needs to act on it (the lock holder, the offending prefix, the file that is corrupt).
 *
 * - `EINVALID`: bad input (unknown prefix, bad count, a name that would escape its root).
 * - `ENOTFOUND`: a file or directory the operation needs does not exist.
 * - `ECORRUPT`: a file exists but cannot be parsed (counters JSON, registry table, lock record).
 * - `ELOCKED`: the lock is held and the caller asked not to wait.
 * - `ETIMEOUT`: the lock was still held when the deadline passed.
 * - `ECOMPROMISED`: a lock we held was broken by someone else; our work under it is suspect.
 * - `EIO`: the file system refused (permissions, a full disk, a directory that cannot be written).
 * - `EEXEC`: an external command under test exited with an error.
 */
export type ErrorCode = 'EINVALID' | 'ENOTFOUND' | 'ECORRUPT' | 'ELOCKED' | 'ETIMEOUT' | 'ECOMPROMISED' | 'EIO' | 'EEXEC';

/** A typed racetrack failure. Never thrown for "no work found"; that is a result, not an error. */
export class RacetrackError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RacetrackError';
    this.code = code;
    this.details = details;
  }

  /** The JSON shape the CLI prints on stdout: `{"error": code, "message": …, …details}`. */
  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

/**
 * EINVALID for an option `name` (`--workers`) given `value`: `--workers must be an integer from 1
 * to 256, got "0"`, with `{ option, value }`, the one shape every bad option value takes.
 */
export function badOption(name: string, value: unknown, want: string): RacetrackError {
  return new RacetrackError('EINVALID', `${name} must be ${want}, got ${JSON.stringify(value)}`, { option: name, value });
}

/** True when `err` is a RacetrackError, optionally with the given code. */
export function isRacetrackError(err: unknown, code?: ErrorCode): err is RacetrackError {
  return err instanceof RacetrackError && (code === undefined || err.code === code);
}

/** The errno code of a system error (`ENOENT`, `EEXIST`, …), or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Turns a system error from the file system into a RacetrackError, keeping the path and errno.
 * A RacetrackError passes through unchanged; anything that is not a system error is rethrown.
 */
export function fromFsError(err: unknown, path: string, action: string): RacetrackError {
  if (err instanceof RacetrackError) return err;
  const errno = errnoCode(err);
  if (errno === undefined) throw err;
  const message = err instanceof Error ? err.message : String(err);
  // Node reports bad arguments (a NUL in a path, say) as ERR_* codes: bad input, not a disk error.
  const code: ErrorCode = errno === 'ENOENT' ? 'ENOTFOUND' : errno.startsWith('ERR_') ? 'EINVALID' : 'EIO';
  return new RacetrackError(code, `cannot ${action} ${path}: ${message}`, { path, errno }, err);
}
