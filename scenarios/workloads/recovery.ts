import { acquireLock } from '../../core/lock/lock.ts';
import { sweepLockLeftovers } from '../../core/lock/sweep.ts';
import { recover } from '../../core/write/recover.ts';

/**
 * What a restarted system does before going on after its workers were killed: recover the temps
 * of the files it writes, and take and release each lock, which breaks a lock whose holder died,
 * sweeping (while it holds the lock) what processes killed half-way through taking it left beside it.
 * Every lock judged here is one whose holders are gone or paused past `staleMs`.
 */
export async function recoverFiles(files: readonly string[], locks: readonly string[], staleMs: number): Promise<void> {
  for (const file of files) await recover(file, { minAgeMs: 0, lockOptions: { staleMs, timeoutMs: 60_000 } });
  for (const path of locks) {
    const lock = await acquireLock(path, { staleMs, timeoutMs: 60_000 });
    sweepLockLeftovers(lock);
    lock.release();
  }
}
