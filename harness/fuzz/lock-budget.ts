import { hostname } from 'node:os';
import type { FsFacade } from '../../core/fs-facade.ts';
import type { LockOptions } from '../../core/lock.ts';
import { parseLockRecord } from '../../core/lock-record.ts';
import { readPidSpace, type Identity } from '../../core/runtime.ts';
import { DEAD_PID } from '../../scenarios/dead-holder.ts';

/** How long a stale lock left by a dead process may keep the next acquirer waiting: "at once". */
export const AT_ONCE_MS = 200;
/** The lock's staleMs during fuzzing: the default, far above AT_ONCE_MS, so breaks are on proof of death. */
export const FUZZ_STALE_MS = 5000;
/** The grace the core gives an empty or half-written owner record (its default, min(1000, staleMs)). */
export const FUZZ_GRACE_MS = 1000;

/**
 * The identity of the i-th simulated process that will crash or die holding a lock: a pid no
 * process can have (above Linux's pid_max), on this host, so any lock it leaves is provably dead.
 */
export function deadIdentity(i: number): Identity {
  return { pid: DEAD_PID + 1 + i, threadId: 0, host: hostname(), startTime: null, pidSpace: readPidSpace() };
}

/** Lock options of a simulated process that will crash: it waits at most AT_ONCE_MS. */
export function crashingLockOptions(i: number): LockOptions {
  return { identity: deadIdentity(i), timeoutMs: AT_ONCE_MS, staleMs: FUZZ_STALE_MS, graceMs: FUZZ_GRACE_MS };
}

function readable(fs: FsFacade, path: string): boolean {
  try {
    return parseLockRecord(fs.readFile(path)) !== null;
  } catch {
    return true; // absent (or not a file): nothing to wait for
  }
}

/**
 * Lock options for the next acquirer after a crash, and why. A lock (or break guard) the crash
 * left with a complete record names a dead holder: it must be broken at once (AT_ONCE_MS, with
 * staleMs at 5000, so only proof of death can do it). One left empty or half-written has no
 * holder to judge; the core gives it a grace period (DESIGN.md, "Lock"), so the budget is that
 * grace plus AT_ONCE_MS.
 */
export function nextAcquirerOptions(fs: FsFacade, lockPath: string): { options: LockOptions; budgetMs: number; reason: string } {
  const unreadable = [lockPath, `${lockPath}.breaking`].filter((p) => !readable(fs, p));
  const budgetMs = unreadable.length === 0 ? AT_ONCE_MS : FUZZ_GRACE_MS + AT_ONCE_MS;
  const reason = unreadable.length === 0 ? 'at once' : `within the ${FUZZ_GRACE_MS} ms grace for an unreadable record (${unreadable.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')}) + ${AT_ONCE_MS} ms`;
  // Backoff between 25 and 100 ms: waiting out a grace period then takes 10-40 polls instead of
  // hundreds (the core's jitter hovers near its 1 ms minimum), and still ends within the budget
  // (the break comes at most one step after the grace runs out).
  return { options: { timeoutMs: budgetMs, staleMs: FUZZ_STALE_MS, graceMs: FUZZ_GRACE_MS, retryMinMs: 25, retryMaxMs: 100 }, budgetMs, reason };
}
