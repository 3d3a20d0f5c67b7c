import type { Arbitrary } from 'fast-check';
import type { Deps } from '../../core/deps.ts';
import type { FsFacade } from '../../core/fs-facade.ts';
import type { FsCall } from '../sim/fs-call.ts';
import type { VirtualClock } from '../sim/virtual-clock.ts';
import type { SutOperation } from '../../scenarios/suts/sut.ts';
import type { FuzzSut } from './fuzz-sut.ts';

/** What happened to one operation of the crashing process, stamped with the fs calls made so far. */
export interface FuzzEvent {
  readonly op: number;
  readonly type: 'invoke' | 'ok' | 'fail';
  /** How many fs calls the process had made when this happened. */
  readonly call: number;
  readonly value?: unknown;
  readonly error?: string;
  /** A failure the target expects (a woken holder that refuses to publish): reported, never a violation. */
  readonly expected?: boolean;
}

/** An invariant that did not hold, and how. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
}

/** What the crashing process runs with. */
export interface RunEnv {
  readonly deps: Deps;
  readonly root: string;
  readonly sut: FuzzSut;
  /** The case's clock, which the disk stamps mtimes with (`deps.clock`): a target that models a stall moves it on. */
  readonly clock: VirtualClock;
  /** fs calls made so far. */
  calls(): number;
  /** Whether the process has died (a primitive that swallowed the Crash must not be acknowledged). */
  dead(): boolean;
}

/** What recovery gets: a fresh process on the disk the crash left, and what the dead one had been told. */
export interface RecoveryEnv<Op> {
  readonly deps: Deps;
  readonly root: string;
  readonly sut: FuzzSut;
  readonly ops: readonly Op[];
  /** Operations whose result the crashed process received, by index, with the result. */
  readonly acked: ReadonlyMap<number, unknown>;
  /** The operation under way at the crash (its effects may or may not be on disk), or null. */
  readonly inFlight: number | null;
}

/**
 * A primitive as the fuzzer exercises it: a sequence of operations by one process that will
 * crash, then recovery by a fresh process, then the invariants. One file per primitive in
 * harness/fuzz/targets/.
 */
export interface FuzzTarget<Op = unknown> {
  readonly name: string;
  readonly description: string;
  /** The SUT operations it drives: a control that overrides none of them cannot be fuzzed here. */
  readonly uses: readonly SutOperation[];
  readonly ops: Arbitrary<Op[]>;
  /** The fewest operations a case has (shrinking stops there). Default 1. */
  readonly minOps?: number;
  /** Runs on the simulated disk only (its clock is the case's to move). Default false. */
  readonly simOnly?: boolean;
  /**
   * The calls of a clean run to crash at (before each, and mid-write), given its calls and
   * events. Default: every call. A target whose crash matters only after some point of its run
   * (a stalled holder's write, once the breaker is done) keeps the others out of the search.
   */
  crashCalls?(calls: readonly FsCall[], events: readonly FuzzEvent[]): readonly FsCall[];
  /** Checks a replay file's operations; undefined when they are not valid operations of this target. */
  parseOps(value: unknown): Op[] | undefined;
  describeOp(op: Op, index: number): string;
  /** Creates the initial files under `root` (which exists). They are made durable before the run. */
  setup(fs: FsFacade, root: string): void;
  /** Runs the operations, recording each through {@link runOps}. */
  run(ops: readonly Op[], env: RunEnv, events: FuzzEvent[]): Promise<void>;
  /** Recovers as a fresh process and returns every invariant broken. Never throws for a failed check. */
  recoverAndCheck(env: RecoveryEnv<Op>): Promise<Violation[]>;
}

/** Which operations were acknowledged, failed or under way at `instant` (fs calls completed; Infinity = whatever was recorded). */
export function eventsAt(events: readonly FuzzEvent[], instant: number): { acked: Map<number, unknown>; failed: FuzzEvent[]; inFlight: number | null } {
  const acked = new Map<number, unknown>();
  const failed: FuzzEvent[] = [];
  let inFlight: number | null = null;
  for (const e of events) {
    if (e.call > instant) break;
    if (e.type === 'invoke') inFlight = e.op;
    else {
      if (e.type === 'ok') acked.set(e.op, e.value);
      else failed.push(e);
      if (inFlight === e.op) inFlight = null;
    }
  }
  return { acked, failed, inFlight };
}
