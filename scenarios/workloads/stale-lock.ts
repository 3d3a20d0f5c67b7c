import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadHolderRecord } from './dead-holder.ts';
import type { Scenario } from './scenario.ts';
import { incrementCounter, inspectCounter, setupCounter } from './counter-file.ts';

const LOCK = 'section.lock';

/**
 * Breakers racing on stale locks. Each iteration starts with a lock left by a dead holder, and
 * every worker, once it holds the lock, increments a plain counter and then "dies" holding it: its
 * lock file is replaced by a dead process's record. So every acquisition after the first races the
 * other workers to break a stale lock. A break with two winners shows as overlapping holds.
 */
export const staleLockScenario: Scenario = {
  name: 'stale-lock',
  description: 'every holder dies holding the lock, so each acquisition races the others to break a stale lock; no two holds may overlap',
  primitive: 'lock',
  setup(root) {
    setupCounter(root);
    writeFileSync(join(root, LOCK), deadHolderRecord('dead-at-start'));
  },
  places: (root) => ({ lock: join(root, LOCK) }),
  // Every holder "dies" by leaving a lock record in the core's format, which a lock of another
  // format would not take for a lock at all: the scenario tests breakers of racetrack's own lock
  // files. A command's stale locks are tested by killing it (run lock --exec … --kill-rate).
  noExec: "its dead holders leave lock records in racetrack's own format, which another lock does not read; kill your command with run lock --kill-rate instead",
  async operate(ctx) {
    const { root, worker, iteration, sut, rec } = ctx;
    const path = join(root, LOCK);
    // Each worker stands for a process that dies holding the lock; a real one would take its
    // threads' turn table with it, so the workers do not share one.
    const lease = rec.leaseLead({ ...ctx.lockOptions, threadTurns: false });
    const lock = await rec.op(
      'acquire',
      { path },
      () => sut.acquire!(path, { lockOptions: lease.lockOptions }),
      () => lease.withLead({ path }),
    );
    if (lock === undefined) return;
    // Hold the lock a moment, as real work would: long enough for a second holder to show.
    await rec.op('update', {}, () => incrementCounter(root, 1));
    await rec.op(
      'release',
      { path, died: true },
      async () => {
        const tomb = `${path}.dying.${worker}`;
        writeFileSync(tomb, deadHolderRecord(`dead-${iteration}-${worker}`));
        renameSync(tomb, path);
      },
      () => ({ path }),
    );
  },
  // The last holder died holding the lock, so one stale lock file is expected here (no-orphans is not among the checkers).
  inspect: inspectCounter,
  checks: [{ checker: 'mutual-exclusion' }, { checker: 'lost-updates' }, { checker: 'files-valid' }],
};
