// What a worker of `racetrack run` does, as tasks the engine loads by name: on a thread, all of
// one worker's iterations, each behind the start barrier, its events sent home after each
// iteration; on a process, one iteration per run, its events sent home as they are recorded, so
// that a worker killed mid-operation still leaves its `invoke` in the history (the runner then
// completes it as `info`).
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import type { RawEvent } from '../history/history.ts';
import { seededRandom } from '../stats/prng.ts';
import { Recorder } from '../history/recorder.ts';
import { scenarioByName } from '../../scenarios/workloads/index.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { resolveSut } from '../../scenarios/suts/index.ts';
import { execRunnerFor, type TracedExecRunner } from '../strace/traced-exec.ts';
import { SYSCALL_FAULT_EVENT } from '../strace/fault-tally.ts';
import { PAUSE_PLACED_EVENT } from '../strace/pause-holder.ts';
import type { SyscallFaultOptions } from '../strace/faults.ts';
import { iterationRoot, prepareRoot } from './iteration-root.ts';
import { stateCommands } from './state-commands.ts';
import type { TaskContext } from './task.ts';

/** What a worker (thread or process) is told once: the scenario, the SUT and its place. */
export interface WorkerSetup {
  readonly scenario: string;
  readonly sut: string;
  readonly exec?: string;
  /** Run the `--exec` command under strace (`--trace`). */
  readonly trace?: boolean;
  /** Faults strace injects into the `--exec` command's syscalls. */
  readonly syscallFaults?: SyscallFaultOptions;
  /** The run pauses lock holders (`--pause`): an `--exec` command then runs under strace, which shows when it takes its lock. */
  readonly pause?: boolean;
  /** The user's `--setup` command, run in each root once the scenario has laid it out (with `exec`). */
  readonly setup?: string;
  readonly worker: number;
  readonly workers: number;
  readonly seed: number;
  /** Lock staleness for every lock the SUT takes (default 5000, the ID-reservation spec's stale age). */
  readonly staleMs?: number;
}

/** A worker's share of one iteration. */
export interface IterationTask {
  readonly iteration: number;
  readonly root: string;
}

/**
 * Runs one worker's part of one iteration and returns its events. `waitStart` is the start barrier:
 * called after everything is loaded, it returns when all workers may go. Shared by both tasks
 * below, so both isolations record the same history.
 */
export async function performIteration(setup: WorkerSetup, task: IterationTask, waitStart: () => void | Promise<void>, sink?: (event: RawEvent) => void): Promise<RawEvent[]> {
  const scenario = scenarioByName(setup.scenario);
  const { sut, runner } = sutFor(setup);
  const rec = new Recorder(setup.worker, task.iteration, sink);
  // Each syscall fault planned for this iteration's operation goes into its history, landed or not.
  if (runner !== undefined) runner.onFault = (f) => rec.record('info', SYSCALL_FAULT_EVENT, f);
  // And each pause placed in its command, with where it landed.
  if (runner !== undefined) runner.onPaused = (p) => rec.record('info', PAUSE_PLACED_EVENT, p);
  const random = seededRandom(setup.seed, setup.worker, task.iteration);
  await waitStart();
  const lockOptions = { timeoutMs: 60_000, staleMs: setup.staleMs ?? 5000 };
  await scenario.operate({ root: task.root, iteration: task.iteration, worker: setup.worker, workers: setup.workers, random, sut, rec, lockOptions });
  return rec.events;
}

const suts = new Map<string, { sut: Sut; runner: TracedExecRunner | undefined }>();

function sutFor(setup: WorkerSetup): { sut: Sut; runner: TracedExecRunner | undefined } {
  const key = `${setup.scenario}\0${setup.sut}\0${setup.exec ?? ''}\0${setup.trace === true}\0${setup.pause === true}\0${JSON.stringify(setup.syscallFaults ?? null)}`;
  let made = suts.get(key);
  if (made === undefined) {
    const runner = setup.exec === undefined ? undefined : execRunnerFor({ trace: setup.trace, faults: setup.syscallFaults, pause: setup.pause }, setup.seed, setup.worker);
    made = { sut: resolveSut(scenarioByName(setup.scenario), setup.sut, setup.exec, runner), runner };
    suts.set(key, made);
  }
  return made;
}

/** What a worker thread sends after each iteration. */
export interface IterationEvents {
  readonly iteration: number;
  readonly events: readonly RawEvent[];
}

/** How far thread workers may run ahead of the parent's checking. */
export interface IterationWindow {
  /** One Int32: how many iterations the parent has settled. */
  readonly settled: SharedArrayBuffer;
  /** How many iterations may be run but not yet settled. */
  readonly ahead: number;
}

/** What each worker thread is told: its setup, the iterations, where their roots go, and the window. */
export interface ThreadIterations {
  readonly setup: WorkerSetup;
  readonly iterations: number;
  readonly rootsDir: string;
  readonly window: IterationWindow;
}

/** Blocks this thread until the parent has settled at least `count` iterations. */
function waitSettled(window: IterationWindow, count: number): void {
  const settled = new Int32Array(window.settled);
  for (let now = Atomics.load(settled, 0); now < count; now = Atomics.load(settled, 0)) Atomics.wait(settled, 0, now, 100);
}

/**
 * The thread task: every iteration of one worker, in order; resolves how many it ran. Worker 0
 * lays out each iteration's root before the start barrier, when the window allows: the others
 * wait for it at the barrier.
 */
export async function runIterations(input: ThreadIterations, ctx: TaskContext): Promise<number> {
  const scenario = scenarioByName(input.setup.scenario);
  const state = stateCommands(scenario, { setup: input.setup.setup }, input.setup.exec, input.setup.staleMs ?? 5000);
  for (let iteration = 0; iteration < input.iterations; iteration++) {
    const root = iterationRoot(input.rootsDir, iteration);
    if (input.setup.worker === 0) {
      waitSettled(input.window, iteration - input.window.ahead);
      prepareRoot(scenario, root, input.setup.workers);
      await state.setup(root, iteration);
    }
    const events = await performIteration(input.setup, { iteration, root }, ctx.start);
    ctx.send({ iteration, events } satisfies IterationEvents);
  }
  return input.iterations;
}

/** What a worker process is told to run: one iteration. */
export interface IterationInput {
  readonly setup: WorkerSetup;
  readonly task: IterationTask;
  /**
   * Set in an iteration where the nemesis pauses a holder (and this worker is not to be killed):
   * the claim file that makes the first worker to take its lock the one paused.
   */
  readonly pauseClaim?: string;
  /**
   * Set for the worker in a network namespace of its own (`--partition`) in an iteration of a lock
   * scenario: the claim file through which it tells the nemesis it has taken its lock, and learns
   * (the word `healed`) that its cut is over.
   */
  readonly partitionClaim?: string;
  /**
   * Set for every other worker of such an iteration: the same claim file. The worker begins its
   * part only once the nemesis has cut the holder off (the word `cut`), or has said no cut will
   * come (`no-cut`: the namespaced worker's part ended without a lock), so that the cut always
   * lands on a holder the others still wait for; left to the start barrier alone, the others could
   * all be done before the namespaced worker (slower to reach the server) took its lock.
   */
  readonly awaitCut?: string;
}

/** What the nemesis writes into the partition claim once it has cut the holder off. */
export const CUT = 'cut';
/** What the nemesis writes into the partition claim once it healed the cut. */
export const HEALED = 'healed';
/** What the nemesis writes into the partition claim when the namespaced worker's part ended uncut. */
export const NO_CUT = 'no-cut';
/** How long a cut-off holder waits for its heal at most (the nemesis heals after --stale-ms and a margin). */
const HEAL_WAIT_LIMIT_MS = 660_000;

/**
 * The partitioned holder's part of a cut: it names itself in `claim`, then waits, without running
 * anything (a holder whose work outlasts the cut), until the nemesis has cut it off, held the cut
 * past the lease and healed it. Its lock's connections stay as they were meanwhile: what the server
 * concluded about them, and what the holder does once it goes on, is what the run judges.
 */
function waitOutPartition(claim: string, worker: number): void {
  try {
    writeFileSync(claim, String(worker), { flag: 'wx' });
  } catch {
    return; // out of reach: no cut will come
  }
  // Until healed; a claim the parent removed means the iteration is over.
  waitForClaim(claim, 5, (text) => text === null || text === HEALED);
}

/** Blocks until the partition claim says the cut is in place, over or not coming (see `awaitCut`). */
function waitForCut(claim: string): void {
  // A claim not there yet: the namespaced worker has not taken its lock.
  waitForClaim(claim, 2, (text) => text === CUT || text === HEALED || text === NO_CUT);
}

/**
 * Reads the partition claim every `everyMs` (null while it does not exist) until `done` says so,
 * or for at most {@link HEAL_WAIT_LIMIT_MS}.
 */
function waitForClaim(claim: string, everyMs: number, done: (text: string | null) => boolean): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + HEAL_WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    let text: string | null = null;
    try {
      text = readFileSync(claim, 'utf8');
    } catch {
      // not there
    }
    if (done(text)) return;
    Atomics.wait(nap, 0, 0, everyMs);
  }
}

/**
 * Whether we are the iteration's paused holder: the first to create `claim`, writing our worker
 * number into it, so the parent (which watches for it) knows whom to wake.
 */
function claimPause(claim: string, worker: number): boolean {
  try {
    writeFileSync(claim, String(worker), { flag: 'wx' });
    return true;
  } catch {
    return false; // taken by the first holder, or out of reach: either way not us
  }
}

/**
 * The process task: one iteration, each event sent home as it is recorded (a RawEvent message).
 * With a pause claim, the first worker to take its lock stops itself right there, before its
 * critical section, so that the pause tests what a woken holder does (it must find the lock broken
 * and not write), and never lands between a holder's last check and its publish, which no lease
 * can guard.
 */
export async function runIteration(input: IterationInput, ctx: TaskContext): Promise<number> {
  let stopped = false;
  // An --exec command's lock is taken in its own process, seen live in its trace: the runner stops
  // the command there, not this worker (whose acquire events come only after the command ended).
  const { runner } = sutFor(input.setup);
  const claim = input.pauseClaim;
  if (runner !== undefined) {
    runner.onHold =
      claim === undefined
        ? undefined
        : () => {
            if (stopped) return false;
            stopped = true;
            return claimPause(claim, input.setup.worker);
          };
  }
  const { awaitCut } = input;
  const start =
    awaitCut === undefined
      ? ctx.start
      : async () => {
          await ctx.start();
          waitForCut(awaitCut);
        };
  await performIteration(input.setup, input.task, start, (e) => {
    ctx.send(e);
    if (input.partitionClaim !== undefined && !stopped && e.f === 'acquire' && e.type === 'ok') {
      stopped = true;
      waitOutPartition(input.partitionClaim, input.setup.worker);
      return;
    }
    if (runner !== undefined || input.pauseClaim === undefined || stopped || e.f !== 'acquire' || e.type !== 'ok') return;
    stopped = true;
    if (claimPause(input.pauseClaim, input.setup.worker)) process.kill(process.pid, 'SIGSTOP');
  });
  return input.task.iteration;
}
