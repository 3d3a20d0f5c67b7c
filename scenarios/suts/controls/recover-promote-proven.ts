// Known-broken control: racetrack's own recovery before it stopped publishing temps. It promotes
// the newest removable temp that proves itself complete (its size and digest are what its name
// promises) and is newer than the target, then deletes the rest. A torn temp is never published,
// but a complete one can still be stale: a holder whose lock was broken while it stalled, and that
// died after writing its temp but before deleting it, leaves a write made from what it read before
// the breaker's. Publishing it sets the file back: a counter handing an ID out twice, a claim
// undone, an acknowledged update lost.
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { errnoCode } from '../../../core/errors.ts';
import { withLock } from '../../../core/lock/lock.ts';
import { listOrphans, readProvenTemp } from '../../../core/write/orphans.ts';
import { lockFileFor } from '../../../core/lock/lock-path.ts';
import { DEFAULT_MIN_AGE_MS, recover, removableReason, type RecoverOptions } from '../../../core/write/recover.ts';

function mtimeOrNull(deps: Deps, path: string): number | null {
  try {
    return deps.fs.lstat(path).mtimeMs;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Returns the temp it promoted, or null; then the core's recovery deletes every removable temp. */
export async function recoverPromoteProven(file: string, options: RecoverOptions = {}, deps: Deps = defaultDeps()): Promise<string | null> {
  const minAgeMs = options.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  const promoted = await withLock(
    options.lockFile ?? lockFileFor(file),
    (lock) => {
      // Orphans first, then the target, as the old recovery did.
      const orphans = listOrphans(file, options, deps);
      const target = mtimeOrNull(deps, file);
      const candidates = orphans
        .filter((o) => removableReason(o, minAgeMs) !== null && o.provenComplete && (target === null || o.mtimeMs > target))
        .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? 1 : -1));
      for (const candidate of candidates) {
        const bytes = readProvenTemp(file, candidate.path, deps);
        if (bytes === null) continue;
        writeAtomic(file, bytes, { durable: options.durable ?? true, lock }, deps); // the bug: the temp was never acknowledged
        return candidate.path;
      }
      return null;
    },
    options.lockOptions,
    deps,
  );
  await recover(file, options, deps);
  return promoted;
}
