import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RacetrackError } from '../../../core/errors.ts';
import { crashImage } from '../../sim/power-loss.ts';
import { seededDepsRandom } from '../../sim/seeded-deps-random.ts';
import { SimDisk } from '../../sim/sim-disk.ts';
import { listImage, type SimImage } from '../../sim/sim-image.ts';
import { createVirtualClock } from '../../sim/virtual-clock.ts';
import type { StraceInfo } from '../../strace/detect.ts';
import { recoverSafely } from '../crash-case.ts';
import { SIM_START_MS, type CaseRoots } from '../fuzz-disk.ts';
import { eventsAt, type FuzzEvent, type FuzzTarget, type Violation } from '../fuzz-target.ts';
import { forEachCrashState, pendingFate, stateFits, type PowerLossPoint, type StateCounter } from '../power-loss-case.ts';
import { listTree, type TreeEntry } from '../tree.ts';
import { runExecCase, type ExecCaseOutcome } from './exec-case.ts';
import { runStateCommand, type ExecFuzzSetup } from './exec-fuzz-setup.ts';
import { execFuzzSut } from './exec-fuzz-sut.ts';
import { replayTrace, type ReplayDisk } from './trace-replay.ts';

/** Write data strace prints whole for a power-loss recording (`-s`): 1 MiB per call. */
const DATA_LIMIT = 1 << 20;
/**
 * How long after the power loss the recovery and the next caller run, s: a reboot. Every file and
 * directory the crash left is stamped that much older than the moment it is checked, so an
 * implementation that breaks a lock by its age sees the age a real reboot would give it.
 */
const REBOOT_S = 60;
/** Where the simulated disk holds the case root. */
const SIM_ROOT = '/fuzz';

/** A power-loss crash state of a user's command that broke an invariant, with what it was made of. */
export interface ExecPowerLossOutcome {
  readonly violations: readonly Violation[];
  readonly events: readonly FuzzEvent[];
  readonly point: PowerLossPoint;
  /** The replayed fs calls up to the power loss. */
  readonly calls: readonly string[];
  readonly kept: readonly string[];
  readonly lost: readonly string[];
  readonly found: readonly TreeEntry[];
  readonly recovered: readonly TreeEntry[];
}

interface Replayed {
  readonly disk: SimDisk;
  readonly calls: readonly string[];
  readonly events: readonly FuzzEvent[];
  /** The instant now of each instant of a case recorded before the replay looked without calls. */
  readonly formerInstants: readonly number[];
}

/** The replay's view of a simulated disk: its facade, its calls, and what it holds, read without a call. */
function replayDisk(disk: SimDisk): ReplayDisk {
  return { fs: disk.facade(), calls: () => disk.calls, entries: () => listImage(disk.snapshot(), 'made') };
}

/**
 * Runs the case once under strace with its write data, and replays what its commands did to the
 * root onto a simulated disk laid out as the root stood before them (trace-replay.ts). Null with
 * the recording when the run without a crash already failed.
 */
async function record<Op>(
  target: FuzzTarget<Op>,
  setup: ExecFuzzSetup,
  info: StraceInfo,
  ops: readonly Op[],
  roots: CaseRoots,
  seed: number,
): Promise<{ replayed: Replayed | null; recording: ExecCaseOutcome }> {
  const recording = await runExecCase(target, setup, info, ops, null, roots, seed, { stringLimit: DATA_LIMIT, snapshot: true });
  if (recording.violations.length > 0) return { replayed: null, recording };
  const clock = createVirtualClock(SIM_START_MS);
  const disk = new SimDisk(() => clock.now());
  const fs = disk.facade();
  fs.mkdir(SIM_ROOT);
  for (const e of recording.initial ?? []) {
    if (e.kind === 'dir') fs.mkdir(`${SIM_ROOT}/${e.path}`);
    else {
      const fd = fs.openExclusive(`${SIM_ROOT}/${e.path}`);
      fs.write(fd, e.data ?? new Uint8Array(0));
      fs.close(fd);
    }
  }
  disk.checkpoint();
  const { calls, events, formerInstants } = replayTrace(replayDisk(disk), recording.traced, recording.root, SIM_ROOT, recording.events);
  return { replayed: { disk, calls, events, formerInstants }, recording };
}

/**
 * One crash state, judged on real files: the image written into a fresh real root, the user's
 * `--recover` run there, then the target's checks with the command as the next caller.
 */
async function checkImage<Op>(target: FuzzTarget<Op>, setup: ExecFuzzSetup, ops: readonly Op[], image: SimImage, events: readonly FuzzEvent[], instant: number, roots: CaseRoots, seed: number) {
  const r = roots.create(() => {});
  try {
    const written: string[] = [];
    for (const e of listImage(image)) {
      if (!e.path.startsWith(`${SIM_ROOT}/`)) continue;
      const path = join(r.root, e.path.slice(SIM_ROOT.length + 1));
      if (e.kind === 'dir') mkdirSync(path);
      else writeFileSync(path, e.data ?? new Uint8Array(0), { mode: e.meta?.mode ?? 0o644 });
      written.push(path);
    }
    // The machine comes back REBOOT_S after the power went: what the crash left is that old.
    const then = Date.now() / 1000 - REBOOT_S;
    for (const path of written.reverse()) utimesSync(path, then, then);
    const found = listTree(r.fs, r.root);
    const violations: Violation[] = [];
    if (setup.recover !== undefined) {
      const rec = await runStateCommand(setup.recover, '--recover', target.name, r.root, setup.timeoutMs);
      if (rec.code !== 0) violations.push({ invariant: 'recovery-completes', message: `--recover exited ${rec.code ?? 'by a signal'}: ${rec.output}` });
    }
    const at = eventsAt(events, instant);
    const deps = { fs: r.fs, clock: r.clock, random: seededDepsRandom(seed, 2) };
    violations.push(...(await recoverSafely(target, { deps, root: r.root, sut: execFuzzSut(setup), ops, acked: at.acked, inFlight: at.inFlight })));
    return { violations, found, recovered: listTree(r.fs, r.root) };
  } finally {
    r.cleanup();
  }
}

function outcome(replayed: Replayed, point: PowerLossPoint, checked: Awaited<ReturnType<typeof checkImage>>): ExecPowerLossOutcome {
  const { kept, lost } = pendingFate(replayed.disk, point, SIM_ROOT);
  return {
    violations: checked.violations,
    events: replayed.events.filter((e) => e.call <= point.instant),
    point,
    calls: replayed.calls.slice(0, point.instant),
    kept,
    lost,
    found: checked.found,
    recovered: checked.recovered,
  };
}

/**
 * Power loss at every instant of a user's command's run: the case runs once for real under
 * strace, its changes to the root are replayed onto the simulated disk, and every crash state the
 * power-loss model allows at every instant (the in-process fuzzer's model and sampling) is written
 * into a real directory, recovered by the user's `--recover` and checked, with the command as the
 * next caller. Identical states are checked once. Returns the first failing state, the recording
 * when the run without a crash already failed, or null.
 */
export async function explorePowerLossExec<Op>(
  target: FuzzTarget<Op>,
  setup: ExecFuzzSetup,
  info: StraceInfo,
  ops: readonly Op[],
  o: { readonly seed: number; readonly maxStates: number },
  roots: CaseRoots,
  counter: StateCounter,
): Promise<{ kind: 'state'; outcome: ExecPowerLossOutcome } | { kind: 'recording'; outcome: ExecCaseOutcome } | null> {
  const { replayed, recording } = await record(target, setup, info, ops, roots, o.seed);
  counter.states++;
  if (replayed === null) return { kind: 'recording', outcome: recording };
  const failing = await forEachCrashState(replayed.disk, replayed.events, o, counter, async (point, image) => {
    const checked = await checkImage(target, setup, ops, image, replayed.events, point.instant, roots, o.seed);
    return checked.violations.length > 0 ? outcome(replayed, point, checked) : null;
  });
  return failing === null ? null : { kind: 'state', outcome: failing };
}

/**
 * Re-runs one recorded power-loss state of a user's command (for --replay). `former`: the case was
 * written before racetrack counted only the command's calls as instants; its instant is mapped.
 */
export async function runPowerLossExecCase<Op>(
  target: FuzzTarget<Op>,
  setup: ExecFuzzSetup,
  info: StraceInfo,
  ops: readonly Op[],
  recorded: PowerLossPoint,
  roots: CaseRoots,
  seed: number,
  former = false,
): Promise<ExecPowerLossOutcome> {
  const { replayed } = await record(target, setup, info, ops, roots, seed);
  // An instant past the former count's end fits no state: stateFits refuses it.
  const point = replayed === null || !former ? recorded : { ...recorded, instant: replayed.formerInstants[recorded.instant] ?? Number.POSITIVE_INFINITY };
  if (replayed === null || !stateFits(replayed.disk, point)) {
    throw new RacetrackError(
      'ECORRUPT',
      `the replayed run made other changes than the recorded one (${replayed === null ? 'it failed without a power loss' : `${replayed.disk.calls} fs calls`}); the command behaves differently now`,
      {
        instant: recorded.instant,
      },
    );
  }
  const image = crashImage(replayed.disk.base, replayed.disk.log, point.instant, point.choices);
  return outcome(replayed, point, await checkImage(target, setup, ops, image, replayed.events, point.instant, roots, seed));
}
