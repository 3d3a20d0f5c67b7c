import { join } from 'node:path';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { incrementCounter, inspectCounter, setupCounter } from './counter-file.ts';

const LOCK = 'section.lock';

/**
 * Mutual exclusion of a critical section: each worker takes the lock, increments a plain counter
 * file with a non-atomic read and write, and releases. The scenario records the hold interval
 * itself (not through the core's observer), so any lock implementation is judged the same way;
 * a lock that reports when its lease began (the core's) has that noted too.
 */
export const lockScenario: Scenario = {
  name: 'lock',
  description: 'each worker takes one lock, increments a plain counter file inside it and releases; no two holds may overlap',
  primitive: 'lock',
  setup: setupCounter,
  async operate(ctx) {
    const { root, sut, rec } = ctx;
    const path = join(root, LOCK);
    const lease = rec.leaseLead(ctx.lockOptions);
    const lock = await rec.op(
      'acquire',
      { path },
      () => sut.acquire!(path, { lockOptions: lease.lockOptions }),
      () => lease.withLead({ path }),
    );
    if (lock === undefined) return;
    // A holder woken after its lock was broken (--pause) must find it compromised and not write.
    await rec.op('update', {}, () => incrementCounter(root, 0, () => lock.assertHeld?.()));
    await rec.op(
      'release',
      { path },
      async () => lock.release(),
      () => ({ path }),
    );
  },
  inspect: inspectCounter,
  recover: (root, staleMs) => recoverFiles([], [join(root, LOCK)], staleMs),
  checks: [{ checker: 'mutual-exclusion' }, { checker: 'lost-updates' }, { checker: 'files-valid' }, { checker: 'no-orphans' }],
};
