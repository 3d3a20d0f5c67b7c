import { hostname } from 'node:os';
import type { LockOptions } from '../../core/lock/lock.ts';
import { readPidSpace, type Identity } from '../../core/runtime.ts';
import { DEAD_PID } from '../../scenarios/workloads/dead-holder.ts';

/** How long a stale lock left by a dead process may keep the next acquirer waiting: "at once". */
export const AT_ONCE_MS = 200;
/** The lock's staleMs during fuzzing: the default, far above AT_ONCE_MS, so breaks are on proof of death. */
export const FUZZ_STALE_MS = 5000;
/**
 * The identity of the i-th simulated process that will crash or die holding a lock: a pid no
 * process can have (above Linux's pid_max), in this PID space, so any lock it leaves is provably dead.
 */
export function deadIdentity(i: number): Identity {
  return { pid: DEAD_PID + 1 + i, threadId: 0, host: hostname(), startTime: null, pidSpace: readPidSpace() };
}

/** Lock options of a simulated process that will crash: it waits at most AT_ONCE_MS. */
export function crashingLockOptions(i: number): LockOptions {
  return { identity: deadIdentity(i), timeoutMs: AT_ONCE_MS, staleMs: FUZZ_STALE_MS };
}

/**
 * Lock options for the next acquirer after a crash, and why. Whatever the crash left at the lock
 * path names a dead holder, in its content or, if a power loss took that, in the record name kept
 * beside it (core/lock/create.ts): it must be broken at once (AT_ONCE_MS, with staleMs at 5000, so
 * only proof of death can do it).
 */
export function nextAcquirerOptions(): { options: LockOptions; budgetMs: number; reason: string } {
  return { options: { timeoutMs: AT_ONCE_MS, staleMs: FUZZ_STALE_MS, retryMinMs: 25, retryMaxMs: 100 }, budgetMs: AT_ONCE_MS, reason: 'at once' };
}
