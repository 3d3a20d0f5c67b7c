import { checkTempNameFits, syncDirectoryOf, writeAtomic } from '../write/atomic-write.ts';
import { encodeCounters, missingCounters, readCountersIfExists } from './counters.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { withLock, type LockOptions } from '../lock/lock.ts';
import { checkPrefix, checkPrefixList, formatTaskId } from './task-id.ts';
import { lockFileFor } from '../lock/lock-path.ts';

/** The most IDs one reservation may take: a typo like `SEC 100000000` should not burn a range. */
export const MAX_RESERVE_COUNT = 10000;

/** Which prefixes `reserveIds` accepts, and how it locks and syncs. */
export interface ReserveOptions {
  /** The prefixes that may be reserved. Default `DEFAULT_PREFIXES` (core/ids/task-id.ts) (the ID-reservation spec's list). */
  readonly prefixes?: readonly string[];
  readonly lockOptions?: LockOptions;
  /** fsync the new counter before returning. Default true; false only for benchmarks. */
  readonly durable?: boolean;
}

/** What a reservation hands out: consecutive IDs, and when (ISO 8601). */
export interface Reservation {
  readonly ids: string[];
  readonly reservedAt: string;
}

/** Returns `count` if it is an integer in 1…{@link MAX_RESERVE_COUNT}, else throws EINVALID. */
export function checkCount(count: unknown): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_RESERVE_COUNT) {
    throw new RacetrackError('EINVALID', `count must be an integer from 1 to ${MAX_RESERVE_COUNT}, got ${String(count)}`, { count });
  }
  return count;
}

function assertExists(deps: Deps, countersFile: string): void {
  try {
    deps.fs.lstat(countersFile);
  } catch (err) {
    const errno = errnoCode(err);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') throw missingCounters(countersFile);
    throw fromFsError(err, countersFile, 'inspect counters file');
  }
}

/**
 * Reserves `count` consecutive IDs under `prefix`: with the counter at c, returns
 * `PREFIX-(c+1)` … `PREFIX-(c+count)`. Read, increment and write happen under `<file>.lock`, and the
 * new counter is written atomically and durably before the IDs are returned, so a crash can lose
 * IDs (a gap) but never hand one out twice.
 *
 * A prefix that is valid but has no entry in the file yet starts at 0 (its first ID is `-1`).
 * Errors: EINVALID for an unknown prefix, a bad count, or a counter that would pass 2^53 (all
 * checked before any file is touched); ENOTFOUND when the counters file is missing (run
 * `init-counters`); ECORRUPT when it does not parse. On any error the file is left as it was.
 */
export async function reserveIds(countersFile: string, prefix: string, count: number = 1, options: ReserveOptions = {}, deps: Deps = defaultDeps()): Promise<Reservation> {
  const prefixes = checkPrefixList(options.prefixes);
  const wanted = checkPrefix(prefix, prefixes);
  const n = checkCount(count);
  if (typeof countersFile !== 'string' || countersFile.length === 0 || countersFile.includes('\0')) {
    throw new RacetrackError('EINVALID', 'the counters file must be a non-empty path without NUL', { countersFile });
  }
  checkTempNameFits(countersFile);
  // Checked before locking so a missing file (or directory) reports the init hint, not a lock error.
  assertExists(deps, countersFile);

  const durable = options.durable ?? true;
  const ids = await withLock(
    lockFileFor(countersFile),
    (lock) => {
      const state = readCountersIfExists(countersFile, deps);
      if (state === null) throw missingCounters(countersFile);
      const current = state.counters[wanted] ?? 0;
      const next = current + n;
      if (!Number.isSafeInteger(next)) {
        throw new RacetrackError('EINVALID', `reserving ${n} ${wanted} IDs would take the counter past 2^53`, { prefix: wanted, counter: current, count: n });
      }
      const counters = { ...state.counters, [wanted]: next };
      const updatedAt = new Date(deps.clock.now()).toISOString();
      writeAtomic(countersFile, encodeCounters(counters, state.extra, updatedAt), { durable, lock, syncDirectory: false }, deps);
      return Array.from({ length: n }, (_, i) => formatTaskId(wanted, current + 1 + i));
    },
    options.lockOptions,
    deps,
  );
  // The rename is made durable outside the lock (one fsync less in the critical section), but
  // still before the IDs are returned.
  if (durable) syncDirectoryOf(countersFile, deps);
  return { ids, reservedAt: new Date(deps.clock.now()).toISOString() };
}
