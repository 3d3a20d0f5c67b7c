import type { IterationSnapshot } from '../../harness/checkers/checker.ts';
import type { CheckerSpec } from '../../harness/checkers/spec.ts';
import type { Recorder } from '../../harness/history/recorder.ts';
import type { Sut } from '../suts/sut.ts';

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
  /**
   * The files an iteration works on, by the placeholder an `--exec`, `--setup` or `--recover`
   * template names them with (`{counters}`, `{prefix}`, `{file}`, …), besides `{root}`.
   */
  places(root: string): Readonly<Record<string, string>>;
  /** Set when no `--exec` command can drive the scenario: why not. */
  readonly noExec?: string;
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
  /**
   * The checkers that judge this scenario, as data (harness/checkers/spec.ts); the harness builds
   * them with the run's settings, and leaves out those whose `needs` the system under test cannot
   * meet, saying why.
   */
  readonly checks: readonly CheckerSpec[];
}
