import fc from 'fast-check';
import { hostname } from 'node:os';
import process from 'node:process';
import { parseOwnedName } from '../../core/lock/names.ts';
import { encodeLockRecord, parseLockRecord } from '../../core/lock/record.ts';
import { processStartTime, readPidSpace, type Identity } from '../../core/runtime.ts';
import { deadHolderLockRecord } from '../../scenarios/workloads/dead-holder.ts';
import { interleave, type InterleaveStep, type ProcessOutcome, type SimProcess } from '../sim/interleave.ts';
import { seededDepsRandom } from '../sim/seeded-deps-random.ts';
import { SimDisk } from '../sim/sim-disk.ts';
import { SIM_START_MS } from './fuzz-disk.ts';
import type { FuzzSut } from './fuzz-sut.ts';
import type { Violation } from './fuzz-target.ts';
import { FUZZ_STALE_MS } from './lock-budget.ts';

/** How many breakers race, and the order their fs calls run in (entry e: runnable process e mod count). */
export interface RaceCase {
  readonly processes: number;
  readonly schedule: readonly number[];
  /**
   * Whether each holder dies holding the lock (its lock file replaced by a dead process's record)
   * instead of releasing it, so that every acquisition after the first races the others to break
   * a fresh stale lock, as in the stale-lock scenario. Absent: false.
   */
  readonly die?: boolean;
}

/**
 * Breakers 2 to 5, schedules up to 80 choices (then round robin), holders that release or die.
 * Shrinks toward 2 processes run one after the other.
 */
export const raceCaseArbitrary: fc.Arbitrary<RaceCase> = fc.record({
  processes: fc.integer({ min: 2, max: 5 }),
  schedule: fc.array(fc.nat({ max: 14 }), { maxLength: 80 }),
  die: fc.boolean(),
});

export const RACE_DIR = '/race';
export const RACE_LOCK = `${RACE_DIR}/x.lock`;
const MAX_STEPS = 4000;

/** Live identities for simulated processes: this process's pid (alive) and start time, a thread id each. */
export function liveIdentities(n: number): Identity[] {
  const host = hostname();
  const startTime = processStartTime(process.pid);
  const pidSpace = readPidSpace();
  return Array.from({ length: n }, (_, i) => ({ pid: process.pid, threadId: 1000 + i, host, startTime, pidSpace }));
}

/** Whether `name` is the record name one of `racers` left when it died holding the lock. */
function isDeadRacerRecord(name: string, racers: readonly Identity[]): boolean {
  const owned = parseOwnedName(RACE_LOCK, name);
  return owned?.kind === 'rec' && racers.some((r) => r.pid === owned.pid && r.threadId === owned.threadId);
}

/** One hold of the lock, in global steps: from the acquirer's last acquire call to its first release call. */
export interface Hold {
  readonly process: number;
  readonly from: number;
  readonly to: number;
}

/** What one interleaving showed. */
export interface RaceOutcome {
  readonly violations: readonly Violation[];
  readonly steps: readonly InterleaveStep[];
  readonly outcomes: readonly ProcessOutcome[];
  readonly holds: readonly Hold[];
  readonly left: readonly string[];
}

function holdsOf(outcomes: readonly ProcessOutcome[]): Hold[] {
  const holds: Hold[] = [];
  outcomes.forEach((o, process) => {
    const a = o.marks.get('acquired');
    if (a === undefined) return;
    const r = o.marks.get('releasing');
    const from = a > 0 ? o.callSteps[a - 1]! : -1;
    const to = r !== undefined && r < o.callSteps.length ? o.callSteps[r]! : Number.POSITIVE_INFINITY;
    holds.push({ process, from, to });
  });
  return holds;
}

/**
 * Breakers racing on one stale lock: the lock at RACE_LOCK starts out held by a dead process, and
 * `c.processes` live simulated processes each acquire it (breaking it if they find it stale), do
 * two fs calls of "work" holding it, and release it (or die holding it, with `c.die`), their fs
 * calls interleaved as `c.schedule` says. No two may ever hold it at once; every one must get it;
 * nothing may be left behind but the last dead lock.
 */
export async function runRace(sut: FuzzSut, c: RaceCase, seed: number): Promise<RaceOutcome> {
  let t = SIM_START_MS;
  const disk = new SimDisk(() => (t += 0.001));
  const fs = disk.facade();
  fs.mkdir(RACE_DIR);
  const fd = fs.openExclusive(RACE_LOCK);
  fs.write(fd, encodeLockRecord(deadHolderLockRecord('dead-at-start', SIM_START_MS)));
  fs.close(fd);
  disk.checkpoint();

  const identities = liveIdentities(c.processes);
  const processes: SimProcess[] = Array.from({ length: c.processes }, (_, i) => ({
    name: `breaker ${i + 1}`,
    random: () => seededDepsRandom(seed, 100 + i),
    async run(deps, mark) {
      // A timeout no run reaches: time stands still in an interleaving, so waiting is bounded by steps.
      const lock = await sut.acquire(RACE_LOCK, { lockOptions: { identity: identities[i]!, timeoutMs: 1e12, staleMs: FUZZ_STALE_MS }, deps });
      mark('acquired');
      deps.fs.readdir(RACE_DIR);
      deps.fs.readdir(RACE_DIR);
      if (c.die !== true) {
        mark('releasing');
        return lock.release();
      }
      // Dies holding it: a dead process's record replaces the lock file (rename, as a holder's
      // own crash-safe rewrite would), and the process is gone. The hold lasts until the rename,
      // and a holder that was displaced meanwhile would fail assertHeld (ECOMPROMISED).
      const tomb = `${RACE_LOCK}.tomb.${i}`;
      const tombFd = deps.fs.openExclusive(tomb);
      deps.fs.write(tombFd, encodeLockRecord(deadHolderLockRecord(`dead-${i}`, SIM_START_MS)));
      deps.fs.close(tombFd);
      lock.assertHeld?.();
      mark('releasing');
      deps.fs.rename(tomb, RACE_LOCK);
    },
  }));
  const { steps, outcomes } = await interleave(processes, { disk: fs, schedule: c.schedule, maxSteps: MAX_STEPS, startWallMs: SIM_START_MS });

  const violations: Violation[] = [];
  const holds = holdsOf(outcomes);
  for (let i = 0; i < holds.length; i++) {
    for (let j = i + 1; j < holds.length; j++) {
      const a = holds[i]!;
      const b = holds[j]!;
      if (a.from < b.to && b.from < a.to) {
        violations.push({
          invariant: 'mutual-exclusion',
          message: `breaker ${a.process + 1} held the lock from step ${a.from} to step ${a.to} and breaker ${b.process + 1} from step ${b.from} to step ${b.to}: two holders at once`,
        });
      }
    }
  }
  outcomes.forEach((o, i) => {
    if (o.status === 'failed')
      violations.push({
        invariant: 'every-breaker-acquires',
        message: `breaker ${i + 1} failed: ${o.error?.code === undefined || o.error.message.startsWith(o.error.code) ? '' : `${o.error.code}: `}${o.error?.message}`,
      });
    if (o.status === 'unfinished') violations.push({ invariant: 'progress', message: `breaker ${i + 1} had not finished after ${MAX_STEPS} steps` });
  });
  // A holder that died leaves its (dead) lock file, and only that: the record of the last to die.
  // It may also leave its own record name (core/lock/create.ts), as a real process that dies does:
  // the next breaker sweeps it once it holds the lock, and nobody sweeps after the last one. Those
  // names may stay; nothing else may.
  const all = fs.readdir(RACE_DIR).sort();
  const left = all.filter((n) => c.die !== true || !isDeadRacerRecord(n, identities));
  const expected = c.die === true ? ['x.lock'] : [];
  if (violations.length === 0 && left.join() !== expected.join()) {
    violations.push({
      invariant: 'no-orphans',
      message: `after every breaker ${c.die === true ? 'died' : 'released the lock'}, left behind: ${left.join(', ') || 'nothing'}${c.die === true ? ' (expected the last dead lock, x.lock, alone)' : ''}`,
    });
  }
  if (violations.length === 0 && c.die === true) {
    const last = holds.reduce((a, b) => (b.to > a.to ? b : a), holds[0]!);
    const token = parseLockRecord(fs.readFile(RACE_LOCK))?.token;
    if (token !== `dead-${last.process}`) {
      violations.push({ invariant: 'last-death-stands', message: `x.lock holds ${token ?? 'no record'}, not the record of breaker ${last.process + 1}, the last to die` });
    }
  }
  return { violations, steps, outcomes, holds, left };
}
