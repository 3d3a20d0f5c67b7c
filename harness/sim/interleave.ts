// Interleaving several simulated processes one fs call at a time, in one thread, deterministically.
//
// The core's primitives make synchronous fs calls, with awaits only between lock attempts, so two
// acquires in one thread never interleave inside a break. To put a scheduling point at every fs
// call we re-execute: a process is its code plus the log of answers its fs calls got so far. One
// step runs the code again from the start, answering the logged calls from the log (without
// touching the disk), performs the first new call on the shared disk, logs its answer, and stops
// the process at the call after that by throwing a Pause, which every later call rethrows. The
// code is deterministic given those answers (its Random is reseeded and its clock derived from its
// own progress on every run), so each re-execution retraces the same path; a step costs one replay
// of the process's history, which is microseconds for a lock acquire.
import type { Deps, Random } from '../../core/deps.ts';
import { errnoCode } from '../../core/errors.ts';
import type { FsFacade } from '../../core/fs-facade.ts';
import { callArgs, callResult, FS_METHODS, type FsCall, type FsMethod } from './fs-call.ts';
import { cheapError } from './sim-errors.ts';

class Pause extends Error {}

/** A simulated process: code that does everything to the disk through `deps.fs`. */
export interface SimProcess {
  readonly name: string;
  /** `mark` notes a point in the process's life (e.g. `acquired`), placed between two of its fs calls. */
  run(deps: Deps, mark: (label: string) => void): Promise<unknown>;
  /** Its Random, fresh for every re-execution (so it must be a pure function of its seed). */
  random(): Random;
}

/** One step of the interleaving: which process moved, and the fs call it made (null when it just finished). */
export interface InterleaveStep {
  readonly step: number;
  readonly process: number;
  readonly call: FsCall | null;
}

/** How one process ended. `unfinished`: still runnable when the step budget ran out. */
export interface ProcessOutcome {
  readonly name: string;
  readonly status: 'done' | 'failed' | 'unfinished';
  readonly error?: { readonly code?: string; readonly message: string };
  /** The global step of each of its fs calls, in its own order. */
  readonly callSteps: readonly number[];
  /** Each mark, as the number of its own fs calls made before it. */
  readonly marks: ReadonlyMap<string, number>;
}

export interface InterleaveOptions {
  /** The disk all processes share. */
  readonly disk: FsFacade;
  /**
   * Which process takes the next step: entry e picks runnable process e mod (number runnable). A
   * function gives the entry for each step as it comes (a schedule that follows what the processes
   * did so far, e.g. one that runs another process while the first is stalled); it is asked before
   * each call, and a process it keeps picking makes its calls in one execution, not one per call.
   */
  readonly schedule: readonly number[] | ((step: number) => number);
  /** After an array schedule, round robin until all finish or this many steps were taken. */
  readonly maxSteps: number;
  /** Wall-clock ms every process's clock starts at. Time then moves by `tickMs` per own fs call only. */
  readonly startWallMs: number;
  readonly tickMs?: number;
}

interface Entry {
  readonly value?: unknown;
  readonly error?: unknown;
}

interface State {
  readonly proc: SimProcess;
  readonly log: Entry[];
  readonly callSteps: number[];
  readonly marks: Map<string, number>;
  status: 'runnable' | 'done' | 'failed';
  error?: { code?: string; message: string };
}

/**
 * Runs `processes` interleaved one fs call at a time, in the order `schedule` gives, on one disk.
 * In the processes' clocks time stands nearly still (sleeps return at once and move nothing), so
 * no lock ever grows old while they run: only proof of death makes one stale.
 */
export async function interleave(processes: readonly SimProcess[], options: InterleaveOptions): Promise<{ steps: InterleaveStep[]; outcomes: ProcessOutcome[] }> {
  const tick = options.tickMs ?? 0.001;
  const steps: InterleaveStep[] = [];
  const states: State[] = processes.map((proc) => ({ proc, log: [], callSteps: [], marks: new Map(), status: 'runnable' }));

  let cursor = 0;
  let turn = 0;
  const pickNext = (): number | undefined => {
    const runnable = states.map((s, i) => (s.status === 'runnable' ? i : -1)).filter((i) => i >= 0);
    if (runnable.length === 0) return undefined;
    const { schedule } = options;
    const entry = typeof schedule === 'function' ? schedule(steps.length) : cursor < schedule.length ? schedule[cursor++]! : undefined;
    return entry === undefined ? runnable[turn++ % runnable.length]! : runnable[entry % runnable.length]!;
  };
  // Whether the process making a call goes on to make the next one in the same execution.
  const goesOn = (index: number): boolean => typeof options.schedule === 'function' && steps.length < options.maxSteps && pickNext() === index;

  const advance = async (index: number) => {
    const s = states[index]!;
    let consumed = 0;
    let performed = false;
    let paused = false;
    const answer =
      (method: FsMethod) =>
      (...args: unknown[]): unknown => {
        if (paused) throw cheapError(() => new Pause());
        if (consumed < s.log.length) {
          const e = s.log[consumed++]!;
          if ('error' in e) throw e.error;
          return e.value;
        }
        if (performed && !goesOn(index)) {
          paused = true;
          throw cheapError(() => new Pause());
        }
        performed = true;
        consumed++;
        const step = steps.length;
        s.callSteps.push(step);
        const recorded = callArgs(method, args);
        try {
          const value = (options.disk[method] as (...a: unknown[]) => unknown)(...args);
          s.log.push({ value });
          const result = callResult(method, value);
          steps.push({ step, process: index, call: { index: consumed - 1, method, args: recorded, outcome: 'ok', ...(result === undefined ? {} : { result }) } });
          return value;
        } catch (error) {
          s.log.push({ error });
          steps.push({ step, process: index, call: { index: consumed - 1, method, args: recorded, outcome: 'error', error: errnoCode(error) ?? 'error' } });
          throw error;
        }
      };
    const fs = Object.fromEntries(FS_METHODS.map((m) => [m, answer(m)])) as unknown as FsFacade;
    const monotonic = () => consumed * tick;
    const deps: Deps = {
      fs,
      clock: { now: () => options.startWallMs + monotonic(), monotonic, sleep: () => Promise.resolve() },
      random: s.proc.random(),
    };
    const mark = (label: string) => {
      if (!paused && !s.marks.has(label)) s.marks.set(label, consumed);
    };
    let failure: unknown;
    let failed = false;
    try {
      await s.proc.run(deps, mark);
    } catch (err) {
      failed = true;
      failure = err;
    }
    if (paused) return;
    if (!performed) steps.push({ step: steps.length, process: index, call: null });
    if (failed) {
      s.status = 'failed';
      const message = failure instanceof Error ? failure.message : String(failure);
      const code = errnoCode(failure);
      s.error = code === undefined ? { message } : { code, message };
    } else {
      s.status = 'done';
    }
  };

  while (steps.length < options.maxSteps) {
    const pick = pickNext();
    if (pick === undefined) break;
    await advance(pick);
  }
  const outcomes: ProcessOutcome[] = states.map((s) => ({
    name: s.proc.name,
    status: s.status === 'runnable' ? 'unfinished' : s.status,
    ...(s.error === undefined ? {} : { error: s.error }),
    callSteps: s.callSteps,
    marks: s.marks,
  }));
  return { steps, outcomes };
}
