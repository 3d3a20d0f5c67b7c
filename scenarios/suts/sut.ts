import type { Deps } from '../../core/deps.ts';
import type { LockOptions } from '../../core/lock/lock.ts';
import type { Phase } from '../../core/registry/claim-rules.ts';

/**
 * What every operation of a system under test is given besides its own arguments. An
 * implementation honours what it can (see `Sut.honoursDeps`); a peer with a fixed configuration,
 * compared as it ships, ignores the lock options.
 */
export interface SutContext {
  /** For every lock the operation takes: timeout, staleness, the recorder's observer, an injected identity. */
  readonly lockOptions: LockOptions;
  /** The fs facade, clock and random source to work through (the fuzzer's simulated disk). Absent: the real ones. */
  readonly deps?: Deps;
  /** false skips the fsyncs, for benchmarks only. Default true. */
  readonly durable?: boolean;
}

/** A claim that found work: the batch and its sites. */
export interface ClaimOutcome {
  readonly batch: string;
  readonly sites: readonly string[];
}

/** A held lock. `assertHeld`, where the lock has one, throws unless the lock is still ours. */
export interface SutLock {
  release(): void | Promise<void>;
  assertHeld?(): void;
}

/**
 * What a system under test may report besides its operations' outcomes and the files they leave.
 * `lock-events`: each lock it takes, acquired and released, through the observer it is handed in
 * `ctx.lockOptions`; mutual exclusion and lock hold and wait times are judged from them.
 */
export type SutReport = 'lock-events';

/**
 * What a system under test is: racetrack's own primitives, a known-broken control, a peer (a lock
 * other tools ship, measured beside the core), a user's command (`--exec`), or racetrack's
 * PostgreSQL store (core/store/).
 */
export type SutKind = 'core' | 'control' | 'peer' | 'command' | 'store';

/** The operations a system under test may implement, one per primitive (and recovery). */
export const SUT_OPERATIONS = ['allocate', 'reserve', 'claim', 'write', 'update', 'recover', 'acquire', 'guard'] as const;

export type SutOperation = (typeof SUT_OPERATIONS)[number];

/** For a control: the bug it carries and what must catch it. */
export interface ControlFacts {
  /** The bug, in words for someone who never read the specs. */
  readonly bug: string;
  /** What catches it: a `racetrack run` scenario (`allocate`) or a fuzz scenario (`fuzz write --power-loss`). */
  readonly caughtBy: string;
  /** Set when only a network partition shows the bug: the scenario must run with `--partition` (root only). */
  readonly partition?: true;
}

/**
 * A peer run as a script, one process per worker, looping its operation until a deadline (flock(1)
 * from bash, flock(2) from Python): it has no operation in this process, so only the bench can
 * drive it. Its arguments: lock file, shared file, start and end (epoch µs; `-` and `-`: it says
 * `ready` on stderr when set up, then reads `start end` from stdin), durable (1 or 0), the bench
 * operation; it prints one line per op, `t0 t1 t2 t3` in epoch µs (start, acquired,
 * releasing, released), or `E message`.
 */
export interface ScriptLoop {
  /** The bench operations the script implements. */
  readonly ops: readonly string[];
  /** What runs the source: `bash -c SOURCE` or `python3 -c SOURCE`. */
  readonly interpreter: 'bash' | 'python3';
  readonly source: string;
  /**
   * Whether its row also runs beside worker threads (still one process per worker): a reference
   * the core is compared with in both isolations. Absent: only with child processes.
   */
  readonly withThreads?: boolean;
}

/**
 * A system under test: one implementation of some of the primitives. `racetrack run --sut`,
 * `racetrack fuzz --sut`, the bench rows and the contract tests all take it from the one registry
 * (scenarios/suts/index.ts). Each operation takes its arguments and one context.
 */
export interface Sut {
  readonly name: string;
  readonly kind: SutKind;
  /** One line for someone who never read the specs: what it is, and for a peer how it is configured. */
  readonly description: string;
  /** Present exactly for a control. */
  readonly control?: ControlFacts;
  /**
   * What its operations report (see SutReport). Absent: all of it, as for an implementation in
   * this process that hands `ctx.lockOptions` to every lock it takes (the core, the controls).
   * A scenario leaves out the checkers that need a report the system under test does not give.
   */
  readonly reports?: readonly SutReport[];
  /** Whether every fs call, clock reading and random draw goes through `ctx.deps`, so the fuzzer can run it on its simulated disk. */
  readonly honoursDeps: boolean;
  /**
   * Whether its locks take the identity in `ctx.lockOptions.identity`. The fuzzer gives each
   * simulated process a provably dead pid that way; a lock that writes this process's own (live)
   * pid instead can never be shown to have a dead holder.
   */
  readonly honoursIdentity: boolean;
  /**
   * Present when its state lives in a PostgreSQL store rather than the files it is handed: the
   * harness must give it a server (RACETRACK_RUN_STORE; scenarios/suts/store/store-sut.ts).
   */
  readonly store?: 'postgres';
  /** Loads what its operations need, before any clock starts (a peer's package). */
  prepare?(): Promise<void>;
  allocate?(root: string, name: string, ctx: SutContext): Promise<{ number: string; path: string }>;
  reserve?(counters: string, prefix: string, count: number, ctx: SutContext): Promise<{ ids: readonly string[] }>;
  /** Claims the next batch of `phase` for `owner`; resolves null when there is no work. */
  claim?(registry: string, owner: string, phase: Phase, ctx: SutContext): Promise<ClaimOutcome | null>;
  write?(file: string, data: Uint8Array, ctx: SutContext): Promise<void>;
  /**
   * Read-modify-writes the JSON in `file` by `fn`. `filter`, when the caller has one, is the same
   * change as a jq program, for an implementation that runs in another process (`--exec`), which
   * applies it and resolves nothing.
   */
  update?(file: string, fn: (current: unknown) => unknown, ctx: SutContext, filter?: string): Promise<unknown>;
  /**
   * Recovers `file` after a crash (orphan temps). `writersDead`: every earlier writer is known to
   * be dead (a fresh process after a simulated crash, whose writers shared this process's pid), so
   * a temp need not be old to be removable.
   */
  recover?(file: string, writersDead: boolean, ctx: SutContext): Promise<unknown>;
  /**
   * Takes a lock. `assertHeld`, where the lock has one, throws unless the lock is still ours: the
   * lock scenario calls it right before its write, as a holder must before it publishes.
   */
  acquire?(lockPath: string, ctx: SutContext): Promise<SutLock>;
  /**
   * Runs the command `critical` (an argv) while holding the lock at `lockPath`, as a lock command
   * wraps one (`flock FILE CMD…`): for a lock taken in another process, whose acquire and release
   * racetrack cannot call apart. The lock scenario drives a system under test by `acquire` when it
   * has one, else by `guard`.
   */
  guard?(lockPath: string, critical: readonly string[], ctx: SutContext): Promise<void>;
  /** A peer that runs only as a shell script (see ScriptLoop). */
  readonly script?: ScriptLoop;
}

/** The operations `sut` implements itself, in SUT_OPERATIONS order. */
export function operationsOf(sut: Sut): SutOperation[] {
  return SUT_OPERATIONS.filter((op) => typeof sut[op] === 'function');
}
