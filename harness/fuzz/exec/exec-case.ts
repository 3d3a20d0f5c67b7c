import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RacetrackError } from '../../../core/errors.ts';
import type { RootEntry } from './trace-replay.ts';
import { seededDepsRandom } from '../../sim/seeded-deps-random.ts';
import { seededRandom } from '../../stats/prng.ts';
import type { StraceInfo } from '../../strace/detect.ts';
import { changesState, crashPointsOf, describeCall } from '../../strace/stop-at.ts';
import { failedOps, recoverSafely } from '../crash-case.ts';
import type { CaseRoots } from '../fuzz-disk.ts';
import { eventsAt, type FuzzEvent, type FuzzTarget, type Violation } from '../fuzz-target.ts';
import { listTree, type TreeEntry } from '../tree.ts';
import { runStateCommand, type ExecFuzzSetup } from './exec-fuzz-setup.ts';
import { CaseCommands, execFuzzSut, type ExecCrashPoint, type ExecLanding, type TracedCommand } from './exec-fuzz-sut.ts';

/** What one `fuzz --exec` case showed. */
export interface ExecCaseOutcome {
  readonly violations: readonly Violation[];
  readonly events: readonly FuzzEvent[];
  readonly root: string;
  /** Recording run: every command, traced. */
  readonly traced: readonly TracedCommand[];
  /** Crash run: where the kill landed; null when the run never reached its point. */
  readonly landing: ExecLanding | null;
  readonly found: readonly TreeEntry[];
  readonly recovered: readonly TreeEntry[];
  /** With `snapshot`: the root as it stood before the first command. */
  readonly initial?: readonly RootEntry[];
}

/** How a recording run records, for a power-loss replay. */
export interface RecordingOptions {
  /** strace's `-s`: write data up to this long is printed whole. */
  readonly stringLimit?: number;
  /** Read the root before the first command (RootEntry). */
  readonly snapshot?: boolean;
}

/**
 * One case of a user's command: a fresh root laid out by the target (and the user's `--setup`),
 * the operations run as commands, crashing at `point` (null: recording, every command traced);
 * after a crash the user's `--recover`; then the target's checks, which run the command again as
 * the next caller: whatever the crash left is judged by what the implementation does with it.
 */
export async function runExecCase<Op>(
  target: FuzzTarget<Op>,
  setup: ExecFuzzSetup,
  info: StraceInfo,
  ops: readonly Op[],
  point: ExecCrashPoint | null,
  roots: CaseRoots,
  seed: number,
  recording: RecordingOptions = {},
): Promise<ExecCaseOutcome> {
  const r = roots.create((fs, root) => target.setup(fs, root));
  try {
    if (setup.setup !== undefined) {
      const s = await runStateCommand(setup.setup, '--setup', target.name, r.root, setup.timeoutMs);
      if (s.code !== 0) throw new RacetrackError('EEXEC', `--setup exited ${s.code ?? 'by a signal'}: ${s.output}`, { setup: setup.setup, exitCode: s.code, stage: 'setup' });
    }
    const initial = recording.snapshot === true ? snapshotRoot(r.root) : undefined;
    const commands = new CaseCommands(info, point, recording.stringLimit);
    const events: FuzzEvent[] = [];
    commands.events = events;
    const deps = { fs: r.fs, clock: r.clock, random: seededDepsRandom(seed, 1) };
    await target.run(ops, { deps, root: r.root, sut: execFuzzSut(setup, commands, target.name), clock: r.clock, calls: () => commands.count(), dead: () => commands.dead() }, events);
    const found = listTree(r.fs, r.root);
    const violations: Violation[] = [];
    if (commands.landing !== null && setup.recover !== undefined) {
      const rec = await runStateCommand(setup.recover, '--recover', target.name, r.root, setup.timeoutMs);
      if (rec.code !== 0) violations.push({ invariant: 'recovery-completes', message: `--recover exited ${rec.code ?? 'by a signal'}: ${rec.output}` });
    }
    const at = eventsAt(events, Number.POSITIVE_INFINITY);
    const recoveryDeps = { fs: r.fs, clock: r.clock, random: seededDepsRandom(seed, 2) };
    violations.push(...failedOps(target, ops, at.failed), ...(await recoverSafely(target, { deps: recoveryDeps, root: r.root, sut: execFuzzSut(setup), ops, acked: at.acked, inFlight: at.inFlight })));
    return {
      violations,
      events,
      root: r.root,
      traced: commands.traced,
      landing: commands.landing,
      found,
      recovered: listTree(r.fs, r.root),
      ...(initial === undefined ? {} : { initial }),
    };
  } finally {
    r.cleanup();
  }
}

/** Every file and directory under `root` (a real directory), with the files' bytes. */
export function snapshotRoot(root: string): RootEntry[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath ?? d.path, d.name))
    .sort()
    .map((abs) => {
      const path = relative(root, abs).split(sep).join('/');
      return lstatSync(abs).isDirectory() ? { path, kind: 'dir' as const } : { path, kind: 'file' as const, data: new Uint8Array(readFileSync(abs)) };
    });
}

/** At most `max` of `points`, in order: all of them when they fit, else a seeded sample. */
export function samplePoints<T>(points: readonly T[], max: number, seed: number): T[] {
  if (points.length <= max) return [...points];
  const random = seededRandom(seed, points.length);
  const indices = points.map((_, i) => i);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => points[i]!);
}

/** Counters an exploration updates as it goes. */
export interface ExecCounter {
  states: number;
  /** Crash points a crash run never reached (its command took another path), or reached in another process. */
  missed: number;
  /** Crash runs whose kill landed. */
  landed: number;
  /** Cases whose crash points were more than maxStates, and were sampled. */
  sampledInstants: number;
}

/**
 * Every crash point of one case: a recording run under strace finds the calls that change what a
 * crash leaves (stop-at.ts), then the case is run again once per point (at most `maxStates`,
 * sampled beyond), killed there. Returns the first failing run, or null.
 */
export async function exploreExec<Op>(
  target: FuzzTarget<Op>,
  setup: ExecFuzzSetup,
  info: StraceInfo,
  ops: readonly Op[],
  o: { readonly seed: number; readonly maxStates: number },
  roots: CaseRoots,
  counter: ExecCounter,
): Promise<{ outcome: ExecCaseOutcome; point: ExecCrashPoint | null } | null> {
  const recording = await runExecCase(target, setup, info, ops, null, roots, o.seed);
  counter.states++;
  if (recording.violations.length > 0) return { outcome: recording, point: null };
  const points = recording.traced.flatMap((t, command) => crashPointsOf(t.trace, recording.root).map((p) => ({ ...p, command })));
  if (points.length > o.maxStates) counter.sampledInstants++;
  for (const point of samplePoints(points, o.maxStates, o.seed)) {
    const outcome = await runExecCase(target, setup, info, ops, point, roots, o.seed);
    counter.states++;
    if (outcome.landing === null || !outcome.landing.intended) counter.missed++;
    if (outcome.landing !== null) counter.landed++;
    if (outcome.violations.length > 0) return { outcome, point };
  }
  return null;
}

/** Where a case's world stopped, for people. */
export function describeExecCrash(point: ExecCrashPoint | null, o: ExecCaseOutcome): string {
  if (point === null) return 'none: the run without a crash already failed';
  if (o.landing === null) return `none: the crash point (${point.call} in process ${point.process} of command ${point.command}) was not reached in this run`;
  const call = o.landing.at.call.replace(/\s+<\d+\.\d+>$/, '').replaceAll(o.root, '<root>');
  return `every process of op ${o.landing.op}'s command killed right after process ${o.landing.at.process} (pid ${o.landing.at.pid}) made: ${call}`;
}

/** The calls that changed state, up to the crash (or in the whole recording), one line each. */
export function execCalls(o: ExecCaseOutcome): string[] {
  const traces = o.landing !== null ? [{ op: o.landing.op, trace: o.landing.trace }] : o.traced;
  return traces.flatMap(({ op, trace }) => {
    const ordinal = new Map(trace.processes.map((pid, i) => [pid, i]));
    return trace.syscalls.filter((s) => changesState(s, o.root)).map((s) => `op ${op} process ${ordinal.get(s.pid) ?? '?'}: ${describeCall(s).replaceAll(o.root, '<root>')}`);
  });
}
