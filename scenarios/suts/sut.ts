import type { LockOptions } from '../../core/lock/lock.ts';

/** What every operation of a system under test is given: lock options carrying the recorder's observer. */
export interface SutHooks {
  readonly lockOptions: LockOptions;
}

/** A claim that found work: the batch and who now owns it. */
export interface ClaimOutcome {
  readonly batch: string;
  readonly sites: readonly string[];
}

/**
 * What a system under test may report besides its operations' outcomes and the files they leave.
 * `lock-events`: each lock it takes, acquired and released, through the observer it is handed in
 * `hooks.lockOptions`; mutual exclusion and lock hold and wait times are judged from them.
 */
export type SutReport = 'lock-events';

/**
 * A system under test: the core, a known-broken control, or a user's command (`--exec`). Each
 * implements the operations of the primitives it covers; a scenario calls the one it drives.
 */
export interface Sut {
  readonly name: string;
  /**
   * What its operations report (see SutReport). Absent: all of it, as for an implementation in
   * this process that hands `hooks.lockOptions` to every lock it takes (the core, the controls).
   * A scenario leaves out the checkers that need a report the system under test does not give.
   */
  readonly reports?: readonly SutReport[];
  allocate?(root: string, name: string, hooks: SutHooks): Promise<{ number: string; path: string }>;
  reserve?(counters: string, prefix: string, count: number, hooks: SutHooks): Promise<{ ids: readonly string[] }>;
  /** Resolves null when there is no work (exit 1 from a claimer command). */
  claim?(registry: string, owner: string, hooks: SutHooks): Promise<ClaimOutcome | null>;
  write?(file: string, data: Uint8Array, hooks: SutHooks): Promise<void>;
  update?(file: string, fn: (current: unknown) => unknown, hooks: SutHooks): Promise<unknown>;
  /**
   * Takes a lock. `assertHeld`, where the lock has one, throws unless the lock is still ours: the
   * lock scenario calls it right before its write, as a holder must before it publishes.
   */
  acquire?(lockPath: string, hooks: SutHooks): Promise<{ release(): void; assertHeld?(): void }>;
}

/** How a SUT is listed: what it is, and for a control, the bug it carries. */
export interface SutEntry {
  readonly name: string;
  readonly description: string;
  /** For a control: the scenario that must catch it. */
  readonly scenario?: string;
  /** For a control: the bug, in a few words. */
  readonly bug?: string;
  /** 'pending' when the machinery that catches it (crashes, power loss) is not built yet. */
  readonly status: 'ready' | 'pending';
  create(): Sut;
}
