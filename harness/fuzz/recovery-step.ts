import type { FsFacade } from '../../core/fs-facade.ts';
import type { LockOptions } from '../../core/lock.ts';
import { recoveryLockFile } from '../../core/recover.ts';
import type { RecoveryEnv, Violation } from './fuzz-target.ts';
import { nextAcquirerOptions } from './lock-budget.ts';
import { describeError } from './tree.ts';

/**
 * Recovery as a fresh process runs it after the crash: the SUT's recover on `file`, whose lock
 * (the one its writers take, see recoveryLockFile) a crash may have left behind and which the
 * recovering acquirer must break in time. Returns the lock options the fresh process used (so it
 * can go on with them), or null, with a `recovery-completes` violation added, when recovery itself
 * failed.
 */
export async function recoverAfterCrash(env: RecoveryEnv<unknown>, fs: FsFacade, file: string, violations: Violation[]): Promise<LockOptions | null> {
  const lock = nextAcquirerOptions(fs, recoveryLockFile(file));
  try {
    await env.sut.recover(file, lock.options, env.deps, true);
    return lock.options;
  } catch (err) {
    violations.push({ invariant: 'recovery-completes', message: `recover failed: ${describeError(err)} (a lock left by the crash must be broken ${lock.reason})` });
    return null;
  }
}
