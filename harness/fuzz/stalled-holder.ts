// The stalled holder. A holder takes the lock of a file and reads the file, then stalls past the
// lock's staleMs (a suspended laptop, a paused VM); a breaker judges its lock expired, breaks it and
// runs its own operations, which are acknowledged; the holder wakes and writes, and the world stops
// at one fs call of that write (a case per call, as the crash fuzzer does). A fresh process then
// recovers. The woken holder's temp was never acknowledged, and it holds what the holder computed
// from the file as it was before the breaker's writes: a recovery that publishes it rolls
// acknowledged state back (a counter set back, an ID handed out twice, a claim undone).
//
// The two processes run on the simulated disk interleaved one fs call at a time (faults/interleave):
// the holder alone until its read of the file returns, then the breaker to its end, then the
// holder. The stall moves the disk's clock, the breaker's clock starts past it and the holder's
// clock jumps by it when it wakes, so whoever judges the lock's age (by its record or by the lock
// file's mtime) finds it expired. The holder's identity is live, so the breaker breaks its lock as
// expired, not as dead; the breaker's is provably dead (lock-budget.ts deadIdentity), as every
// simulated process that may die is, so that what it leaves at a power loss is broken at once.
import type { Arbitrary } from 'fast-check';
import fc from 'fast-check';
import { join } from 'node:path';
import type { Clock } from '../../core/deps.ts';
import { isRacetrackError } from '../../core/errors.ts';
import type { FsFacade } from '../../core/fs-facade.ts';
import type { LockOptions } from '../../core/lock/lock.ts';
import type { Identity } from '../../core/runtime.ts';
import { interleave, type SimProcess } from '../sim/interleave.ts';
import { seededDepsRandom } from '../sim/seeded-deps-random.ts';
import type { SutContext, SutOperation } from '../../scenarios/suts/sut.ts';
import type { FuzzSut } from './fuzz-sut.ts';
import type { FuzzEvent, FuzzTarget, RecoveryEnv, RunEnv, Violation } from './fuzz-target.ts';
import { deadIdentity, FUZZ_STALE_MS } from './lock-budget.ts';
import { liveIdentities } from './race.ts';
import { describeError } from './tree.ts';

/** How long the holder stalls: twice the lock's staleMs, so that any breaker finds it expired. */
export const STALL_MS = 2 * FUZZ_STALE_MS;
const MAX_STEPS = 20_000;

/** A file written under a lock, and one operation on it, as the stalled-holder fuzzer drives them. */
export interface StalledWorkload<Op> {
  readonly name: string;
  readonly description: string;
  readonly uses: readonly SutOperation[];
  /** The file the operations write under its lock, in the case root. */
  readonly file: string;
  readonly op: Arbitrary<Op>;
  parseOp(value: unknown): Op | undefined;
  describe(op: Op, index: number): string;
  setup(fs: FsFacade, root: string): void;
  /** One operation through the SUT, by the process numbered `index` (0: the holder). */
  perform(sut: FuzzSut, file: string, op: Op, index: number, ctx: SutContext): Promise<unknown>;
  /** Recovery by a fresh process, then the workload's invariants (see FuzzTarget.recoverAndCheck). */
  recoverAndCheck(env: RecoveryEnv<Op>, file: string): Promise<Violation[]>;
}

/** A clock `byMs` ahead of `clock` while `ahead()` says so. */
function shifted(clock: Clock, byMs: number, ahead: () => boolean = () => true): Clock {
  const offset = () => (ahead() ? byMs : 0);
  return { now: () => clock.now() + offset(), monotonic: () => clock.monotonic() + offset(), sleep: (ms) => clock.sleep(ms) };
}

function lockOptionsOf(identity: Identity): LockOptions {
  // A timeout no run reaches: time stands still in an interleaving, so waiting is bounded by steps.
  return { identity, timeoutMs: 1e12, staleMs: FUZZ_STALE_MS };
}

async function runStalled<Op>(w: StalledWorkload<Op>, ops: readonly Op[], env: RunEnv, events: FuzzEvent[]): Promise<void> {
  const file = join(env.root, w.file);
  const [held, ...later] = ops;
  const seed = Math.floor(env.deps.random.next() * 2 ** 31);
  const [holderId] = liveIdentities(1);
  const breakerId = deadIdentity(1);
  let stalled = false;
  // What each process got. A process is re-executed from its start at every turn it is given, so
  // the first completion of an operation is the one that happened (right after its last fs call).
  const holder: { done?: { call: number; value: unknown; dead: boolean }; error?: unknown } = {};
  const breaker: { starts: number[]; ends: number[]; values: unknown[]; error?: unknown } = { starts: [], ends: [], values: [] };

  const holderProcess: SimProcess = {
    name: 'stalled holder',
    random: () => seededDepsRandom(seed, 1),
    async run(deps) {
      let woke = false;
      const fs: FsFacade = {
        ...deps.fs,
        readFile(path) {
          const bytes = deps.fs.readFile(path);
          if (path === file && !woke) {
            woke = true;
            if (!stalled) env.clock.advance(STALL_MS);
            stalled = true;
          }
          return bytes;
        },
      };
      try {
        const value = await w.perform(env.sut, file, held!, 0, { lockOptions: lockOptionsOf(holderId!), deps: { fs, clock: shifted(deps.clock, STALL_MS, () => woke), random: deps.random } });
        holder.done ??= { call: env.calls(), value, dead: env.dead() };
      } catch (err) {
        holder.error = err;
        throw err;
      }
    },
  };
  const breakerProcess: SimProcess = {
    name: 'breaker',
    random: () => seededDepsRandom(seed, 2),
    async run(deps) {
      const late = { ...deps, clock: shifted(deps.clock, STALL_MS) };
      for (let j = 0; j < later.length; j++) {
        breaker.starts[j] ??= env.calls();
        try {
          breaker.values[j] = await w.perform(env.sut, file, later[j]!, j + 1, { lockOptions: lockOptionsOf(breakerId), deps: late });
        } catch (err) {
          breaker.error = err;
          throw err;
        }
        breaker.ends[j] ??= env.calls();
      }
    },
  };
  const { outcomes } = await interleave([holderProcess, breakerProcess], {
    disk: env.deps.fs,
    // The holder until it stalls, then the breaker until it is done, then the holder again.
    schedule: () => (stalled ? 1 : 0),
    maxSteps: MAX_STEPS,
    startWallMs: env.clock.now(),
  });

  const recorded: FuzzEvent[] = [{ op: 0, type: 'invoke', call: 0 }];
  later.forEach((_, j) => {
    if (breaker.starts[j] === undefined) return;
    recorded.push({ op: j + 1, type: 'invoke', call: breaker.starts[j]! });
    if (breaker.ends[j] !== undefined) recorded.push({ op: j + 1, type: 'ok', call: breaker.ends[j]!, value: breaker.values[j] });
  });
  const [h, b] = outcomes;
  const end = env.calls();
  if (b!.status !== 'done' && !env.dead()) {
    const j = breaker.ends.length;
    const why = b!.status === 'failed' ? describeError(breaker.error) : `not finished after ${MAX_STEPS} steps`;
    recorded.push({ op: j + 1, type: 'fail', call: end, error: `the breaker: ${why}` });
  }
  if (holder.done !== undefined && !holder.done.dead) {
    recorded.push({ op: 0, type: 'ok', call: holder.done.call, value: holder.done.value });
  } else if (h!.status !== 'done' && !env.dead()) {
    // A holder whose lock a breaker took must refuse to publish (ECOMPROMISED): that is no failure.
    const broken = breaker.starts.length > 0 && isRacetrackError(holder.error, 'ECOMPROMISED');
    const why = h!.status === 'failed' ? describeError(holder.error) : `not finished after ${MAX_STEPS} steps`;
    recorded.push({ op: 0, type: 'fail', call: end, error: why, ...(broken ? { expected: true } : {}) });
  }
  events.push(...recorded.sort((x, y) => x.call - y.call));
}

/**
 * The fuzz target of a stalled-holder workload: operation 0 is the holder's, the others are the
 * breaker's, in order (so a case has at least two). The world stops only at the holder's fs
 * calls after it woke, once the breaker is done.
 */
export function stalledHolderTarget<Op>(w: StalledWorkload<Op>): FuzzTarget<Op> {
  return {
    name: w.name,
    description: w.description,
    uses: w.uses,
    ops: fc.array(w.op, { minLength: 2, maxLength: 4 }),
    minOps: 2,
    simOnly: true,
    parseOps(value) {
      if (!Array.isArray(value) || value.length < 2) return undefined;
      const ops = value.map((v) => w.parseOp(v));
      return ops.every((o) => o !== undefined) ? (ops as Op[]) : undefined;
    },
    describeOp: (op, i) => (i === 0 ? `the holder: ${w.describe(op, i)}, stalled past staleMs after reading ${w.file}` : `the breaker: ${w.describe(op, i)}`),
    setup: (fs, root) => w.setup(fs, root),
    run: (ops, env, events) => runStalled(w, ops, env, events),
    crashCalls(calls, events) {
      const breakerDone = Math.max(0, ...events.filter((e) => e.op > 0).map((e) => e.call));
      return calls.filter((c) => c.index >= breakerDone);
    },
    recoverAndCheck: (env) => w.recoverAndCheck(env, join(env.root, w.file)),
  };
}
