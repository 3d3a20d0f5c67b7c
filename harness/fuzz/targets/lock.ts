import fc from 'fast-check';
import { join } from 'node:path';
import { crashingLockOptions, nextAcquirerOptions } from '../lock-budget.ts';
import { sweepLock } from '../recovery-step.ts';
import { runOps } from '../run-ops.ts';
import type { FuzzTarget, Violation } from '../fuzz-target.ts';
import { describeError, namesIn, readOrNull, showBytes } from '../tree.ts';

/**
 * One simulated process's turn with the lock: acquire, optionally check it still holds it, then
 * release, or die holding it (`abandon`: the next process must break it, on proof of death).
 */
export interface LockOp {
  readonly abandon: boolean;
  readonly assert: boolean;
}

export const LOCK_FILE = 'x.lock';

/**
 * Files beside the lock that the protocol did not make, named as near to its own names as a
 * mistake could come (a record name with a bad stamp, a bare aside, dotfiles): no crash, recovery
 * or sweep may touch them.
 */
const NEIGHBOURS: ReadonlyMap<string, string> = new Map([
  ['.env', 'SECRET=1\n'],
  [`${LOCK_FILE}.rec.not-a-stamp`, 'mine\n'],
  [`${LOCK_FILE}.aside`, 'mine\n'],
  [`${LOCK_FILE}.released.0123456789abcdef01234567`, 'mine\n'],
]);

/**
 * `lock`: a sequence of simulated processes, each with a pid that is provably dead once it stops,
 * takes the lock in turn, holds it and releases it or dies holding it; the world stops at a crash
 * point. Every acquire of a lock left by a dead process must succeed at once (AT_ONCE_MS, with
 * staleMs 5000), the next acquirer after the crash too, and nothing may be left behind after it
 * releases.
 */
export const lockTarget: FuzzTarget<LockOp> = {
  name: 'lock',
  description:
    'processes take the lock in turn and release it or die holding it, one crashes; the next acquirer breaks what is left at once, nothing is left behind, and files beside the lock that it did not make are untouched',
  uses: ['acquire'],
  ops: fc.array(fc.record({ abandon: fc.boolean(), assert: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const ok = value.every((v) => typeof v === 'object' && v !== null && typeof (v as LockOp).abandon === 'boolean' && typeof (v as LockOp).assert === 'boolean');
    return ok ? value.map((v) => ({ abandon: (v as LockOp).abandon, assert: (v as LockOp).assert })) : undefined;
  },
  describeOp: (op, i) => `process ${i + 1}: acquire${op.assert ? ', assertHeld' : ''}, ${op.abandon ? 'die holding the lock' : 'release'}`,
  setup(fs, root) {
    for (const [name, text] of NEIGHBOURS) {
      const fd = fs.openExclusive(join(root, name));
      fs.write(fd, new TextEncoder().encode(text));
      fs.close(fd);
    }
  },
  run(ops, env, events) {
    const path = join(env.root, LOCK_FILE);
    return runOps(ops, env, events, async (op, i) => {
      const lock = await env.sut.acquire(path, { lockOptions: crashingLockOptions(i), deps: env.deps });
      if (op.assert) lock.assertHeld?.();
      if (op.abandon) return 'died holding it';
      await lock.release();
      return 'released';
    });
  },
  async recoverAndCheck(env) {
    const { fs } = env.deps;
    const path = join(env.root, LOCK_FILE);
    const violations: Violation[] = [];
    const next = nextAcquirerOptions();
    try {
      const lock = await env.sut.acquire(path, { lockOptions: next.options, deps: env.deps });
      await lock.release();
      // What the crash left inside the protocol (a record name, a lock moved aside) is swept, as
      // `racetrack recover` does; only the protocol's own names go.
      await sweepLock(path, env.deps);
    } catch (err) {
      violations.push({ invariant: 'next-acquirer-breaks-stale-lock', message: `the next acquirer failed: ${describeError(err)} (the lock left by the crash must be broken ${next.reason})` });
      return violations;
    }
    for (const [name, text] of NEIGHBOURS) {
      const now = readOrNull(fs, join(env.root, name));
      if (now === null || new TextDecoder().decode(now) !== text)
        violations.push({ invariant: 'foreign-files-untouched', message: `${name}, which the lock protocol did not make, is now ${showBytes(now)}` });
    }
    const left = namesIn(fs, env.root).filter((n) => !NEIGHBOURS.has(n));
    if (left.length > 0) violations.push({ invariant: 'no-orphans', message: `after the next acquirer released the lock and the leftovers were swept, left behind: ${left.join(', ')}` });
    return violations;
  },
};
