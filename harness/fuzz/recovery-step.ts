import type { Deps } from '../../core/deps.ts';
import { sweepLockLeftovers } from '../../core/lock/sweep.ts';
import { withLock, type LockOptions } from '../../core/lock/lock.ts';
import type { RecoveryEnv, Violation } from './fuzz-target.ts';
import { nextAcquirerOptions } from './lock-budget.ts';
import { describeError } from './tree.ts';

/**
 * Recovery as a fresh process runs it after the crash: the SUT's recover on `file`, whose lock
 * (the one its writers take, core/lock/lock-path.ts) a crash may have left behind and which the
 * recovering acquirer must break in time. Returns the lock options the fresh process used (so it
 * can go on with them), or null, with a `recovery-completes` violation added, when recovery itself
 * failed.
 */
export async function recoverAfterCrash(env: RecoveryEnv<unknown>, file: string, violations: Violation[]): Promise<LockOptions | null> {
  const lock = nextAcquirerOptions();
  try {
    await env.sut.recover(file, true, { lockOptions: lock.options, deps: env.deps });
    return lock.options;
  } catch (err) {
    violations.push({ invariant: 'recovery-completes', message: `recover failed: ${describeError(err)} (a lock left by the crash must be broken ${lock.reason})` });
    return null;
  }
}

/**
 * What `racetrack recover` does for a lock alone: under the lock (taken as the next acquirer takes
 * it), sweeps what processes killed inside the lock protocol left beside it.
 */
export async function sweepLock(lockPath: string, deps: Deps): Promise<void> {
  await withLock(lockPath, (lock) => sweepLockLeftovers(lock, deps), nextAcquirerOptions().options, deps);
}
