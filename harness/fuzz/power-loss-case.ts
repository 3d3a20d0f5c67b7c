import type { Deps } from '../../core/deps.ts';
import { RacetrackError } from '../../core/errors.ts';
import { createCrashFs } from '../sim/crash-fs.ts';
import type { FsCall } from '../sim/fs-call.ts';
import { crashImage, describeDiskChange, inodePaths, planInstant, type PendingChoice } from '../sim/power-loss.ts';
import { seededDepsRandom } from '../sim/seeded-deps-random.ts';
import { SimDisk } from '../sim/sim-disk.ts';
import { imageSignature, type SimImage } from '../sim/sim-image.ts';
import { createVirtualClock } from '../sim/virtual-clock.ts';
import { failedOps, recoverSafely, type CaseOutcome } from './crash-case.ts';
import { CaseRoots } from './fuzz-disk.ts';
import type { FuzzSut } from './fuzz-sut.ts';
import { eventsAt, type FuzzEvent, type FuzzTarget, type Violation } from './fuzz-target.ts';
import { listTree } from './tree.ts';

/** Which crash state of a power-loss run: the instant (fs calls completed) and what survived. */
export interface PowerLossPoint {
  readonly instant: number;
  readonly choices: readonly PendingChoice[];
}

/** A power-loss case's outcome, with the pending changes that survived and that were lost. */
export interface PowerLossOutcome extends CaseOutcome {
  readonly point: PowerLossPoint;
  readonly kept: readonly string[];
  readonly lost: readonly string[];
}

/** Counters the exploration updates as it goes (for crash states per second and progress). */
export interface StateCounter {
  states: number;
  duplicates: number;
  /** Instants whose crash states were sampled rather than all explored. */
  sampledInstants: number;
}

interface RecordedRun {
  readonly disk: SimDisk;
  readonly root: string;
  readonly calls: readonly FsCall[];
  readonly events: readonly FuzzEvent[];
  /** Where recovery's clock starts: after everything the run stamped. */
  readonly afterMs: number;
}

/** Runs the operations once, to the end, on a fresh simulated disk, logging every change and sync. */
async function recordRun<Op>(target: FuzzTarget<Op>, sut: FuzzSut, ops: readonly Op[], seed: number): Promise<RecordedRun> {
  const r = new CaseRoots('sim').create((fs, root) => target.setup(fs, root));
  const crash = createCrashFs(r.fs, null);
  const deps: Deps = { fs: crash.fs, clock: r.clock, random: seededDepsRandom(seed, 1) };
  const events: FuzzEvent[] = [];
  await target.run(ops, { deps, root: r.root, sut, clock: r.clock, calls: crash.count, dead: () => false }, events);
  return { disk: r.sim!, root: r.root, calls: crash.calls, events, afterMs: r.clock.now() + 1 };
}

async function checkState<Op>(target: FuzzTarget<Op>, sut: FuzzSut, ops: readonly Op[], run: RecordedRun, point: PowerLossPoint, seed: number, capture: boolean) {
  const image = crashImage(run.disk.base, run.disk.log, point.instant, point.choices);
  const clock = createVirtualClock(run.afterMs);
  const disk = new SimDisk(() => clock.now(), image);
  const fs = disk.facade();
  const found = capture ? listTree(fs, run.root) : undefined;
  const at = eventsAt(run.events, point.instant);
  const deps: Deps = { fs, clock, random: seededDepsRandom(seed, 2) };
  const violations: Violation[] = [...failedOps(target, ops, at.failed), ...(await recoverSafely(target, { deps, root: run.root, sut, ops, acked: at.acked, inFlight: at.inFlight }))];
  return { violations, found, recovered: capture ? listTree(fs, run.root) : undefined, at };
}

/** The pending changes of a crash state that survived the power loss and those that were lost, for people, each list in the order of the calls that made them. */
export function pendingFate(disk: SimDisk, point: PowerLossPoint, root: string): { kept: string[]; lost: string[] } {
  const paths = inodePaths(disk.base, disk.log);
  const plan = new Map(point.choices.map((c) => [c.key, c]));
  const kept: { call: number; line: string }[] = [];
  const lost: { call: number; line: string }[] = [];
  // Pending changes come grouped by file and directory; people read them by call.
  const pending = planInstant(disk.log, point.instant, { maxStates: 0, seed: 0 }).pending;
  for (const [key, changes] of pending) {
    const choice = plan.get(key);
    changes.forEach((e, i) => {
      const line = describeDiskChange(e, paths, root);
      if (choice !== undefined && i < choice.keep)
        kept.push({ call: e.call, line: choice.tear !== undefined && i === choice.keep - 1 ? `${line} (torn: ${choice.tear === 'half' ? 'first half only' : 'zeros'})` : line });
      else lost.push({ call: e.call, line });
    });
  }
  const byCall = (list: { call: number; line: string }[]) => list.sort((a, b) => a.call - b.call).map((c) => c.line);
  return { kept: byCall(kept), lost: byCall(lost) };
}

/** Whether a recorded crash state fits the disk's log (a replay of the same case made the same changes). */
export function stateFits(disk: SimDisk, point: PowerLossPoint): boolean {
  const pending = planInstant(disk.log, point.instant, { maxStates: 0, seed: 0 }).pending;
  return point.instant <= disk.calls && point.choices.every((c) => (pending.get(c.key)?.length ?? -1) >= c.keep);
}

function outcome(run: RecordedRun, point: PowerLossPoint, checked: Awaited<ReturnType<typeof checkState>>): PowerLossOutcome {
  const { kept, lost } = pendingFate(run.disk, point, run.root);
  return {
    violations: checked.violations,
    calls: run.calls.slice(0, point.instant),
    events: run.events.filter((e) => e.call <= point.instant),
    root: run.root,
    ...(checked.found === undefined ? {} : { found: checked.found, recovered: checked.recovered! }),
    point,
    kept,
    lost,
  };
}

/**
 * Power loss at every instant of one run: runs the operations once on the simulated disk, then,
 * for every instant (0 … number of fs calls) and every crash state the model allows there
 * (POWER_LOSS_MODEL), recovers on that state as a fresh process and checks the invariants, with
 * the results the crashed process had received by that instant. Identical states (same files,
 * contents, mtimes and acknowledgements) are checked once. Returns the first failing state.
 */
export async function explorePowerLoss<Op>(
  target: FuzzTarget<Op>,
  sut: FuzzSut,
  ops: readonly Op[],
  options: { seed: number; maxStates: number },
  counter: StateCounter,
): Promise<PowerLossOutcome | null> {
  const run = await recordRun(target, sut, ops, options.seed);
  return forEachCrashState(run.disk, run.events, options, counter, async (point) => {
    const checked = await checkState(target, sut, ops, run, point, options.seed, false);
    return checked.violations.length > 0 ? outcome(run, point, await checkState(target, sut, ops, run, point, options.seed, true)) : null;
  });
}

/**
 * Every crash state of a recorded disk, instant by instant (0 … its fs calls), as many as the
 * model allows (POWER_LOSS_MODEL; sampled beyond maxStates per instant), each distinct one (same
 * files, contents, mtimes and acknowledgements: `events` at that instant) given to `check` once,
 * until it returns a failure, which is returned; null when none did.
 */
export async function forEachCrashState<F>(
  disk: SimDisk,
  events: readonly FuzzEvent[],
  options: { seed: number; maxStates: number },
  counter: StateCounter,
  check: (point: PowerLossPoint, image: SimImage) => Promise<F | null>,
): Promise<F | null> {
  const seen = new Set<string>();
  for (let instant = 0; instant <= disk.calls; instant++) {
    const plan = planInstant(disk.log, instant, { ...options, base: disk.base });
    if (plan.total > plan.states.length) counter.sampledInstants++;
    const at = eventsAt(events, instant);
    const told = `${[...at.acked.keys()].join(',')}|${at.inFlight}|${at.failed.length}|`;
    for (const choices of plan.states) {
      const image = crashImage(disk.base, disk.log, instant, choices);
      const signature = told + imageSignature(image);
      if (seen.has(signature)) {
        counter.duplicates++;
        continue;
      }
      seen.add(signature);
      counter.states++;
      const failure = await check({ instant, choices }, image);
      if (failure !== null) return failure;
    }
  }
  return null;
}

/** Re-runs exactly one power-loss crash state (for --replay), with the trees captured. */
export async function runPowerLossCase<Op>(target: FuzzTarget<Op>, sut: FuzzSut, ops: readonly Op[], point: PowerLossPoint, seed: number): Promise<PowerLossOutcome> {
  const run = await recordRun(target, sut, ops, seed);
  if (!stateFits(run.disk, point))
    throw new RacetrackError(
      'ECORRUPT',
      `the replayed run made ${run.disk.calls} fs calls and its pending changes do not match the case's crash state; the case was recorded with different operations or another version`,
      { instant: point.instant },
    );
  return outcome(run, point, await checkState(target, sut, ops, run, point, seed, true));
}
