import type { Deps } from '../../core/deps.ts';
import { createCrashFs, type CrashPoint } from '../sim/crash-fs.ts';
import type { FsCall } from '../sim/fs-call.ts';
import { seededDepsRandom } from '../sim/seeded-deps-random.ts';
import type { CaseRoots } from './fuzz-disk.ts';
import type { FuzzSut } from './fuzz-sut.ts';
import { eventsAt, type FuzzEvent, type FuzzTarget, type Violation } from './fuzz-target.ts';
import { describeError, listTree, type TreeEntry } from './tree.ts';

/** What one crash case showed. The trees are filled only when asked (they cost reads). */
export interface CaseOutcome {
  readonly violations: readonly Violation[];
  /** The crashing process's fs calls, up to and including the one the crash struck. */
  readonly calls: readonly FsCall[];
  readonly events: readonly FuzzEvent[];
  readonly root: string;
  /** The root as the crash left it, before recovery. */
  readonly found?: readonly TreeEntry[];
  /** The root after recovery and the checks. */
  readonly recovered?: readonly TreeEntry[];
}

/** The violations for operations that failed without a crash: none of the fuzzed operations may, unless the target expects it. */
export function failedOps<Op>(target: FuzzTarget<Op>, ops: readonly Op[], failed: readonly FuzzEvent[]): Violation[] {
  return failed
    .filter((e) => e.expected !== true)
    .map((e) => ({ invariant: 'operations-succeed', message: `op ${e.op} (${target.describeOp(ops[e.op]!, e.op)}) failed before any crash: ${e.error}` }));
}

/** Runs recovery and the checks, turning anything unexpected they throw into a violation. */
export async function recoverSafely<Op>(target: FuzzTarget<Op>, env: Parameters<FuzzTarget<Op>['recoverAndCheck']>[0]): Promise<Violation[]> {
  try {
    return await target.recoverAndCheck(env);
  } catch (err) {
    return [{ invariant: 'recovery-completes', message: `recovery threw: ${describeError(err)}` }];
  }
}

/**
 * One crash case: a fresh root, the operations run by a process that dies at `point` (null: never),
 * then recovery by a fresh process on what the crash left, then the invariants.
 */
export async function runCrashCase<Op>(target: FuzzTarget<Op>, sut: FuzzSut, ops: readonly Op[], point: CrashPoint | null, roots: CaseRoots, seed: number, capture = false): Promise<CaseOutcome> {
  const r = roots.create((fs, root) => target.setup(fs, root));
  try {
    const crash = createCrashFs(r.fs, point);
    const deps: Deps = { fs: crash.fs, clock: r.clock, random: seededDepsRandom(seed, 1) };
    const events: FuzzEvent[] = [];
    await target.run(ops, { deps, root: r.root, sut, clock: r.clock, calls: crash.count, dead: crash.crashed }, events);
    const found = capture ? listTree(r.fs, r.root) : undefined;
    const at = eventsAt(events, Number.POSITIVE_INFINITY);
    const recoveryDeps: Deps = { fs: r.fs, clock: r.clock, random: seededDepsRandom(seed, 2) };
    const violations = [...failedOps(target, ops, at.failed), ...(await recoverSafely(target, { deps: recoveryDeps, root: r.root, sut, ops, acked: at.acked, inFlight: at.inFlight }))];
    return {
      violations,
      calls: [...crash.calls],
      events,
      root: r.root,
      ...(found === undefined ? {} : { found, recovered: listTree(r.fs, r.root) }),
    };
  } finally {
    r.cleanup();
  }
}
