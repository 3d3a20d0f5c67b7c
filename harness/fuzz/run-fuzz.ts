import fc from 'fast-check';
import { RacetrackError } from '../../core/errors.ts';
import type { CrashPoint } from '../sim/crash-fs.ts';
import { formatFsCall } from '../sim/fs-call.ts';
import { POWER_LOSS_MODEL } from '../sim/power-loss.ts';
import { runCrashCase, type CaseOutcome } from './crash-case.ts';
import { crashPoints, describeCrashPoint } from './crash-points.ts';
import type { FuzzCase, FuzzMode } from './fuzz-case-file.ts';
import { CaseRoots, type DiskKind } from './fuzz-disk.ts';
import { fuzzSut, type FuzzSut } from './fuzz-sut.ts';
import type { FuzzEvent, FuzzTarget, Violation } from './fuzz-target.ts';
import { explorePowerLoss, runPowerLossCase, type PowerLossOutcome, type PowerLossPoint, type StateCounter } from './power-loss-case.ts';
import { raceCaseArbitrary, runRace, type RaceCase, type RaceOutcome } from './race.ts';
import { FUZZ_TARGETS } from './targets/index.ts';
import { requireStrace, type StraceInfo } from '../strace/detect.ts';
import { describeExecCrash, execCalls, exploreExec, runExecCase, type ExecCaseOutcome } from './exec/exec-case.ts';
import { checkExecFuzzSetup, type ExecFuzzSetup } from './exec/exec-fuzz-setup.ts';
import { execFuzzSut, type ExecCrashPoint } from './exec/exec-fuzz-sut.ts';
import { explorePowerLossExec, runPowerLossExecCase, type ExecPowerLossOutcome } from './exec/exec-power-loss.ts';
import { formatTree } from './tree.ts';

/** The breaker race's primitive name. */
export const RACE_PRIMITIVE = 'stale-lock';

/** Every primitive `racetrack fuzz` knows. */
export const FUZZ_PRIMITIVES: readonly string[] = [...FUZZ_TARGETS.map((t) => t.name), RACE_PRIMITIVE];

/** Crash states explored per instant of a power-loss run before sampling starts. */
export const DEFAULT_MAX_STATES = 4096;

export interface FuzzRequest {
  readonly primitive: string;
  readonly sut: string;
  readonly runs: number;
  readonly seed: number;
  readonly powerLoss: boolean;
  /** Where crash-mode cases run; power loss and the race always use the simulated disk. Default real. */
  readonly disk?: DiskKind;
  readonly maxStates?: number;
  readonly onProgress?: (p: FuzzProgress) => void;
  /** Fuzz this target instead of the registered one named `primitive` (tests, library users). */
  readonly target?: FuzzTarget<never>;
  /** The user's own implementation (`--exec`), instead of `sut`. */
  readonly exec?: ExecFuzzSetup;
}

export interface FuzzProgress {
  readonly cases: number;
  readonly crashStates: number;
  readonly elapsedMs: number;
}

/** A failing case, shrunk, as printed and as written to the replay file. */
export interface FuzzFailure {
  readonly case: FuzzCase;
  readonly violations: readonly Violation[];
  /** The operations, each with what its caller had been told by the crash. */
  readonly ops: readonly string[];
  /** Where the world stopped. */
  readonly crash: string;
  /** The fs calls up to the crash (for the race: the interleaving). */
  readonly calls: readonly string[];
  /** What the crash left, before recovery. */
  readonly found: readonly string[];
  /** What was there after recovery and the checks. */
  readonly recovered: readonly string[];
  /** Power loss: the pending changes that survived and those that were lost. */
  readonly kept?: readonly string[];
  readonly lost?: readonly string[];
}

export interface FuzzReport {
  readonly verdict: 'pass' | 'fail';
  readonly primitive: string;
  readonly sut: string;
  readonly mode: FuzzMode;
  readonly disk: DiskKind;
  readonly seed: number;
  /** fast-check runs (generated cases) before the verdict; 1 for a replay. */
  readonly runs: number;
  readonly shrinks: number;
  /** Crash states checked (crash points, power-loss states; interleavings for the race), shrinking included. */
  readonly crashStates: number;
  /** Power loss: states skipped because an identical one (files, mtimes, acknowledgements) was checked. */
  readonly duplicateStates: number;
  /** Power loss: instants with more than maxStates crash states, which were sampled (`--exec`: cases with more crash points than that). */
  readonly sampledInstants: number;
  /** `--exec`: crash points a crash run never reached (the command took another path that time). */
  readonly crashPointsMissed: number;
  /** `--exec`: the command fuzzed. */
  readonly exec?: string;
  readonly wallMs: number;
  readonly crashStatesPerSecond: number;
  readonly model: string;
  readonly failure: FuzzFailure | null;
}

class FoundFailure extends Error {
  readonly failure: FuzzFailure;

  constructor(failure: FuzzFailure) {
    super(failure.violations.map((v) => `${v.invariant}: ${v.message}`).join('; '));
    this.failure = failure;
  }
}

interface Resolved {
  readonly mode: FuzzMode;
  readonly disk: DiskKind;
  readonly sut: FuzzSut;
  readonly target: FuzzTarget<unknown> | null;
  /** `--exec`: the strace that runs the user's commands. */
  readonly strace?: StraceInfo;
}

/** Checks a request's primitive, SUT, mode and disk (and `--exec` setup); EINVALID naming what is wrong. */
export function resolveFuzz(primitive: string, sutName: string, powerLoss: boolean, disk: DiskKind | undefined, exec?: ExecFuzzSetup): Resolved {
  if (!FUZZ_PRIMITIVES.includes(primitive)) {
    throw new RacetrackError('EINVALID', `unknown primitive "${primitive}"; fuzz knows ${FUZZ_PRIMITIVES.join(', ')}`, { primitive, known: FUZZ_PRIMITIVES });
  }
  if (exec !== undefined) {
    checkExecFuzzSetup(primitive, exec);
    if (disk === 'sim')
      throw new RacetrackError('EINVALID', '--exec runs your command on real files: --disk sim does not apply (--power-loss replays its trace on the simulated disk by itself)', { disk });
    const target = FUZZ_TARGETS.find((t) => t.name === primitive) as FuzzTarget<unknown>;
    const strace = requireStrace('fuzz --exec', { inject: true });
    return { mode: powerLoss ? 'power-loss' : 'crash', disk: powerLoss ? 'sim' : 'real', sut: execFuzzSut(exec), target, strace };
  }
  const sut = fuzzSut(sutName);
  const target = (FUZZ_TARGETS.find((t) => t.name === primitive) ?? null) as FuzzTarget<unknown> | null;
  const uses = target?.uses ?? ['acquire'];
  if (sut.overrides.length > 0 && !sut.overrides.some((o) => uses.includes(o))) {
    throw new RacetrackError('EINVALID', `--sut ${sutName} replaces ${sut.overrides.join(', ')}, which fuzz ${primitive} does not use (it drives ${uses.join(', ')})`, { sut: sutName, primitive });
  }
  if (target?.uses.includes('acquire') && !sut.honoursIdentity) {
    throw new RacetrackError(
      'EINVALID',
      `--sut ${sutName} writes this process's live pid into its locks, so fuzz ${primitive} cannot make a crashed holder look dead; race it with fuzz ${RACE_PRIMITIVE}`,
      { sut: sutName, primitive },
    );
  }
  if (target === null) {
    if (powerLoss) throw new RacetrackError('EINVALID', `--power-loss does not apply to ${RACE_PRIMITIVE} (the breaker race has no crash)`, { primitive });
    if (disk === 'real') throw new RacetrackError('EINVALID', `${RACE_PRIMITIVE} interleaves breakers on the simulated disk only`, { primitive });
    return { mode: 'race', disk: 'sim', sut, target };
  }
  if (powerLoss && disk === 'real') throw new RacetrackError('EINVALID', '--power-loss needs the simulated disk (a real disk cannot be made to forget)', { disk });
  if (target.simOnly === true && disk === 'real') throw new RacetrackError('EINVALID', `${primitive} runs on the simulated disk only (it moves the disk's clock)`, { primitive, disk });
  return { mode: powerLoss ? 'power-loss' : 'crash', disk: powerLoss || target.simOnly === true ? 'sim' : (disk ?? 'real'), sut, target };
}

function describeOps<Op>(target: FuzzTarget<Op>, ops: readonly Op[], events: readonly FuzzEvent[]): string[] {
  return ops.map((op, i) => {
    const mine = events.filter((e) => e.op === i);
    const end = mine.find((e) => e.type !== 'invoke');
    const status = end?.type === 'ok' ? 'acknowledged' : end?.type === 'fail' ? `failed (${end.error})` : mine.length > 0 ? 'under way at the crash' : 'never started';
    return `${i}: ${target.describeOp(op, i)}: ${status}`;
  });
}

function crashFailure<Op>(target: FuzzTarget<Op>, c: FuzzCase, ops: readonly Op[], point: CrashPoint | null, o: CaseOutcome): FuzzFailure {
  return {
    case: c,
    violations: o.violations,
    ops: describeOps(target, ops, o.events),
    crash: describeCrashPoint(point, o.calls),
    calls: o.calls.map((call) => formatFsCall(call, o.root)),
    found: formatTree(o.found ?? []),
    recovered: formatTree(o.recovered ?? []),
  };
}

/** A power-loss failure as printed; `calls`: the fs calls up to the power loss, one line each, and what they are (`fs calls`, `of the fs calls replayed from the trace`). */
function powerLossFailure<Op>(
  target: FuzzTarget<Op>,
  c: FuzzCase,
  ops: readonly Op[],
  o: Pick<PowerLossOutcome, 'violations' | 'events' | 'point' | 'kept' | 'lost' | 'found' | 'recovered'>,
  calls: { readonly lines: readonly string[]; readonly what: string },
): FuzzFailure {
  const torn = o.kept.filter((k) => k.includes('(torn')).length;
  return {
    case: c,
    violations: o.violations,
    ops: describeOps(target, ops, o.events),
    crash: `power loss after ${o.point.instant} ${calls.what}: ${o.kept.length} pending change(s) survived${torn > 0 ? ` (${torn} torn)` : ''}, ${o.lost.length} lost`,
    calls: calls.lines,
    found: formatTree(o.found ?? []),
    recovered: formatTree(o.recovered ?? []),
    kept: o.kept,
    lost: o.lost,
  };
}

function execFailure<Op>(target: FuzzTarget<Op>, c: FuzzCase, ops: readonly Op[], point: ExecCrashPoint | null, o: ExecCaseOutcome): FuzzFailure {
  return {
    case: c,
    violations: o.violations,
    ops: describeOps(target, ops, o.events),
    crash: describeExecCrash(point, o),
    calls: execCalls(o),
    found: formatTree(o.found),
    recovered: formatTree(o.recovered),
  };
}

/** An in-process power-loss run's fs calls up to the power loss, for powerLossFailure. */
const inProcessCalls = (o: PowerLossOutcome) => ({ lines: o.calls.map((call) => formatFsCall(call, o.root)), what: 'fs calls' });

function execPowerLossFailure<Op>(target: FuzzTarget<Op>, c: FuzzCase, ops: readonly Op[], o: ExecPowerLossOutcome): FuzzFailure {
  return powerLossFailure(target, c, ops, o, { lines: o.calls, what: 'of the fs calls replayed from the trace' });
}

function raceFailure(c: FuzzCase, r: RaceCase, o: RaceOutcome): FuzzFailure {
  return {
    case: c,
    violations: o.violations,
    ops: [
      `${r.processes} breakers, each: acquire (breaking the stale lock if it finds it), two fs calls holding it, ${r.die === true ? 'die holding it (a dead record renamed over the lock)' : 'release'}`,
    ],
    crash: `none: the lock starts out held by a dead process; schedule [${r.schedule.join(', ')}] then round robin`,
    calls: o.steps.map((s) => `step ${String(s.step).padStart(3)} breaker ${s.process + 1}: ${s.call === null ? 'finished' : formatFsCall(s.call, '/race').replace(/^\s*\d+ /, '')}`),
    found: o.holds.map((h) => `breaker ${h.process + 1} held the lock from step ${h.from} to ${Number.isFinite(h.to) ? `step ${h.to}` : 'the end'}`),
    recovered: o.left.map((n) => `left: ${n}`),
  };
}

/** Runs one case exactly (a replay, or a case given by hand), with everything captured. */
export async function runFuzzCase(c: FuzzCase): Promise<FuzzFailure | null> {
  const r = resolveFuzz(c.primitive, c.sut, c.mode === 'power-loss', c.mode === 'race' || c.exec !== undefined ? undefined : c.disk, c.exec);
  if (r.mode === 'race') {
    const race = c.race!;
    const o = await runRace(r.sut, race, c.seed);
    return o.violations.length === 0 ? null : raceFailure(c, race, o);
  }
  const target = r.target!;
  const ops = target.parseOps(c.ops);
  if (ops === undefined) throw new RacetrackError('ECORRUPT', `the case's operations are not valid ${target.name} operations`, { ops: c.ops });
  if (r.mode === 'power-loss' && c.exec === undefined) {
    const o = await runPowerLossCase(target, r.sut, ops, c.powerLossState!, c.seed);
    return o.violations.length === 0 ? null : powerLossFailure(target, c, ops, o, inProcessCalls(o));
  }
  const roots = new CaseRoots(c.exec === undefined ? r.disk : 'real');
  try {
    if (c.exec !== undefined && r.mode === 'power-loss') {
      const state = c.powerLossState!;
      const o = await runPowerLossExecCase(target, c.exec, r.strace!, ops, state, roots, c.seed, state.instants === undefined);
      return o.violations.length === 0 ? null : execPowerLossFailure(target, c, ops, o);
    }
    if (c.exec !== undefined) {
      const point = c.execCrash ?? null;
      const o = await runExecCase(target, c.exec, r.strace!, ops, point, roots, c.seed);
      if (point !== null && o.landing === null && o.violations.length === 0) {
        throw new RacetrackError('ECORRUPT', `the case's crash point (${point.call}) was not reached in this run: the command took another path, so the case did not replay`, { execCrash: point });
      }
      return o.violations.length === 0 ? null : execFailure(target, c, ops, point, o);
    }
    const o = await runCrashCase(target, r.sut, ops, c.crash ?? null, roots, c.seed, true);
    return o.violations.length === 0 ? null : crashFailure(target, c, ops, c.crash ?? null, o);
  } finally {
    roots.close();
  }
}

/**
 * Fuzzes a primitive: fast-check generates operation sequences (or breaker schedules) from
 * `seed`; each is checked at every crash point (crash mode), at every power-loss crash state of
 * every instant (power-loss mode), or as one interleaving (race). The first failure is shrunk by
 * fast-check to a minimal case, which the report carries, ready to replay.
 */
export async function runFuzz(req: FuzzRequest): Promise<FuzzReport> {
  const resolved = resolveFuzz(req.primitive, req.sut, req.powerLoss, req.disk, req.exec);
  const r = req.target === undefined ? resolved : { ...resolved, target: req.target as FuzzTarget<unknown> };
  const maxStates = req.maxStates ?? DEFAULT_MAX_STATES;
  const started = performance.now();
  const counter: StateCounter & { cases: number; missed: number; landed: number } = { states: 0, duplicates: 0, sampledInstants: 0, cases: 0, missed: 0, landed: 0 };
  // A user's command always runs on real files; with --power-loss its trace is replayed on the simulated disk.
  const roots = new CaseRoots(req.exec === undefined ? r.disk : 'real');
  const base = {
    primitive: req.primitive,
    sut: r.sut.name,
    mode: r.mode,
    powerLoss: r.mode === 'power-loss',
    disk: r.disk,
    seed: req.seed,
    path: null,
    ...(req.exec === undefined ? {} : { exec: req.exec }),
  };
  const progress = () => req.onProgress?.({ cases: counter.cases, crashStates: counter.states, elapsedMs: performance.now() - started });

  const explore = async (input: unknown): Promise<FuzzFailure | null> => {
    counter.cases++;
    if (r.mode === 'race') {
      const race = input as RaceCase;
      counter.states++;
      const o = await runRace(r.sut, race, req.seed);
      return o.violations.length === 0 ? null : raceFailure({ ...base, race }, race, o);
    }
    const target = r.target!;
    const ops = input as unknown[];
    if (req.exec !== undefined && r.mode === 'power-loss') {
      const found = await explorePowerLossExec(target, req.exec, r.strace!, ops, { seed: req.seed, maxStates }, roots, counter);
      if (found === null) return null;
      if (found.kind === 'recording') return execFailure(target, { ...base, mode: 'crash', powerLoss: false, disk: 'real', ops, execCrash: null }, ops, null, found.outcome);
      return execPowerLossFailure(target, { ...base, ops, powerLossState: { ...found.outcome.point, instants: 'replayed-calls' } }, ops, found.outcome);
    }
    if (req.exec !== undefined && r.mode === 'crash') {
      const found = await exploreExec(target, req.exec, r.strace!, ops, { seed: req.seed, maxStates }, roots, counter);
      return found === null ? null : execFailure(target, { ...base, ops, execCrash: found.point }, ops, found.point, found.outcome);
    }
    if (r.mode === 'power-loss') {
      const o = await explorePowerLoss(target, r.sut, ops, { seed: req.seed, maxStates }, counter);
      return o === null ? null : powerLossFailure(target, { ...base, ops, powerLossState: o.point }, ops, o, inProcessCalls(o));
    }
    const clean = await runCrashCase(target, r.sut, ops, null, roots, req.seed);
    counter.states++;
    const points: (CrashPoint | null)[] = clean.violations.length > 0 ? [null] : crashPoints(target.crashCalls?.(clean.calls, clean.events) ?? clean.calls);
    for (const point of points) {
      const o = point === null ? clean : await runCrashCase(target, r.sut, ops, point, roots, req.seed);
      if (point !== null) counter.states++;
      if (o.violations.length === 0) continue;
      const captured = await runCrashCase(target, r.sut, ops, point, roots, req.seed, true);
      return crashFailure(target, { ...base, ops, crash: point }, ops, point, captured.violations.length > 0 ? captured : o);
    }
    return null;
  };

  const arbitrary = (r.mode === 'race' ? raceCaseArbitrary : r.target!.ops) as fc.Arbitrary<unknown>;
  // racetrack's own errors (a --setup that failed, a call a replay cannot model) end the search as
  // they are: fast-check would take them for a failing case and shrink them first.
  let fatal: unknown;
  let details: fc.RunDetails<[unknown]>;
  let failure: FuzzFailure | null = null;
  let extraShrinks = 0;
  try {
    details = await fc.check(
      fc.asyncProperty(arbitrary, async (input) => {
        if (fatal !== undefined) return;
        let found: FuzzFailure | null;
        try {
          found = await explore(input);
        } catch (err) {
          if (!(err instanceof RacetrackError)) throw err;
          fatal = err;
          return;
        }
        progress();
        if (found !== null) throw new FoundFailure(found);
      }),
      { seed: req.seed, numRuns: req.runs },
    );
    if (fatal !== undefined) throw fatal;
    if (details.failed) {
      if (!(details.errorInstance instanceof FoundFailure)) throw details.errorInstance;
      // fast-check's array shrinker removes items from the front first and may stop with a trailing
      // item the failure does not need; a last greedy pass drops each item that is not needed.
      const greedy = await dropUnneeded(details.counterexample![0], details.errorInstance.failure, explore, r.target?.minOps ?? 1);
      extraShrinks = greedy.steps;
      failure = { ...greedy.failure, case: { ...greedy.failure.case, path: details.counterexamplePath } };
    }
  } finally {
    roots.close();
  }
  if (failure === null && req.exec !== undefined && r.mode === 'crash' && counter.landed === 0) {
    throw new RacetrackError(
      'EINVALID',
      `fuzz --exec reached none of its crash points (${counter.missed} tried): the command changed nothing in the case root, or took another path each time; nothing was judged`,
      { crashPointsMissed: counter.missed },
    );
  }
  const wallMs = performance.now() - started;
  return {
    verdict: failure === null ? 'pass' : 'fail',
    primitive: req.primitive,
    sut: r.sut.name,
    mode: r.mode,
    disk: r.disk,
    seed: req.seed,
    runs: details.numRuns,
    shrinks: details.numShrinks + extraShrinks,
    crashStates: counter.states,
    duplicateStates: counter.duplicates,
    sampledInstants: counter.sampledInstants,
    crashPointsMissed: counter.missed,
    ...(req.exec === undefined ? {} : { exec: req.exec.command }),
    wallMs: Math.round(wallMs),
    crashStatesPerSecond: Math.round(counter.states / Math.max(wallMs / 1000, 1e-3)),
    model: modelOf(r.mode, r.disk, req.exec !== undefined),
    failure,
  };
}

/**
 * Removes, one at a time from the end, each operation (or each schedule entry, or one breaker)
 * whose removal keeps the case failing, until none can go; a case keeps at least `minOps`
 * operations.
 */
async function dropUnneeded(input: unknown, failure: FuzzFailure, explore: (input: unknown) => Promise<FuzzFailure | null>, minOps: number): Promise<{ failure: FuzzFailure; steps: number }> {
  let best = failure;
  let steps = 0;
  const attempt = async (candidate: unknown): Promise<boolean> => {
    const f = await explore(candidate);
    if (f === null) return false;
    best = f;
    steps++;
    return true;
  };
  /** One pass from the end: drop item i if the case still fails without it. Returns what is left. */
  const pass = async <T>(items: readonly T[], rebuild: (items: T[]) => unknown, minLength: number): Promise<T[]> => {
    let kept = [...items];
    for (let i = kept.length - 1; i >= 0 && kept.length > minLength; i--) {
      const candidate = kept.filter((_, j) => j !== i);
      if (await attempt(rebuild(candidate))) kept = candidate;
    }
    return kept;
  };
  if (Array.isArray(input)) {
    let ops = input as unknown[];
    for (let before = -1; before !== ops.length; ) {
      before = ops.length;
      ops = await pass(ops, (o) => o, minOps);
    }
    return { failure: best, steps };
  }
  let race = input as RaceCase;
  if (race.die === true && (await attempt({ ...race, die: false }))) race = { ...race, die: false };
  while (race.processes > 2 && (await attempt({ ...race, processes: race.processes - 1 }))) race = { ...race, processes: race.processes - 1 };
  await pass(race.schedule, (schedule) => ({ ...race, schedule }), 0);
  return { failure: best, steps };
}

/** One sentence on what a mode explores, for the report. */
export function modelOf(mode: FuzzMode, disk: DiskKind, exec = false): string {
  if (exec && mode === 'power-loss') return `the command's calls on the root, read from strace, replayed onto the simulated disk; ${POWER_LOSS_MODEL}`;
  if (exec)
    return 'process crash of every process of the command (SIGKILL to its process group) right after each call that changes the root or answers racetrack, found by strace and stopped there by an injected SIGSTOP, on real files';
  if (mode === 'power-loss') return POWER_LOSS_MODEL;
  if (mode === 'race') return 'breakers racing on a stale lock, interleaved one fs call at a time on the simulated disk; only proof of death makes a lock stale';
  return `process crash (the page cache survives) before every fs call and in the middle of every write (after 1, half, and all but one of its bytes), on the ${disk === 'real' ? 'real file system in a temp directory' : 'simulated disk'}`;
}

export type { PowerLossPoint };
