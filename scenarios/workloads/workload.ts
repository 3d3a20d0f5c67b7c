import type { Checker, IterationSnapshot } from '../../harness/checkers/checker.ts';
import type { Recorder } from '../../harness/history/recorder.ts';
import type { Sut, SutReport } from '../suts/sut.ts';

/** Run settings some checkers need. */
export interface CheckerSettings {
  /** How old a lock may get before a breaker may take it (the run's `--stale-ms`). */
  readonly staleMs?: number;
}

/**
 * A checker as a scenario lists it: its name, the checker, and what it needs the system under test
 * to report (absent: nothing beyond the operations' outcomes and the files they leave). A run
 * leaves out the checkers whose need the system under test cannot meet, and says why.
 */
export type ScenarioChecker = readonly [name: string, checker: Checker, needs?: SutReport];

/** The primitives racetrack knows how to drive. */
export type Primitive = 'allocate' | 'reserve' | 'claim' | 'write' | 'update' | 'lock';

/** What a worker needs to perform one operation of an iteration. */
export interface WorkerContext {
  readonly root: string;
  readonly iteration: number;
  readonly worker: number;
  readonly workers: number;
  /** A deterministic random source for this worker and iteration (from the run's seed). */
  readonly random: () => number;
  readonly sut: Sut;
  readonly rec: Recorder;
  /** Lock options every lock the operation takes should use (timeout, staleness). */
  readonly lockOptions: { readonly timeoutMs: number; readonly staleMs: number };
}

/**
 * A workload, as in Jepsen: how to lay out a fresh root for an iteration (parent side), what each
 * worker does in it (worker side), how to read back the state it was left in, and which checkers
 * judge the result. A scenario file is short; the machinery is in harness/.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly primitive: Primitive;
  /** Creates the iteration's files under `root` (an empty directory that already exists). */
  setup(root: string, workers: number): void;
  /** One worker's part of one iteration: usually one operation, recorded through `ctx.rec`. */
  operate(ctx: WorkerContext): Promise<void>;
  /** Reads the state the iteration left behind. */
  inspect(root: string, iteration: number): IterationSnapshot;
  /**
   * The values an acknowledged operation holds that no other may hold (topic numbers, IDs,
   * batches), for the live collision count; absent where the scenario hands out nothing.
   */
  exclusiveValues?(f: string, value: unknown): readonly string[];
  /**
   * After an iteration in which workers were killed or paused: what a restarted system does
   * before it goes on (recover temps, break the stale locks of dead holders). The checkers then
   * judge the state recovery left, so "no orphans" means none after recovery.
   */
  recover?(root: string, staleMs: number): Promise<void>;
  /** The checkers that judge this scenario, by name. `staleMs` is the lock staleness the run used. */
  checkers(options?: CheckerSettings): readonly ScenarioChecker[];
}
