import type { SyscallFaultTally } from '../strace/fault-tally.ts';
import type { PlacedPause } from '../strace/pause-holder.ts';
import type { CheckResult, Validity } from '../checkers/checker.ts';
import type { LatencySummary } from '../stats/latency.ts';
import type { KillFact } from './kill-landing.ts';
import type { RecordedRequest } from './run-request.ts';

/** A checker (or a measurement, `lock-timing`) a run left out, and why: the system under test could not feed it. */
export interface NotChecked {
  readonly checker: string;
  readonly reason: string;
}

/**
 * Everything a run concluded: what `result.json` holds and every report is rendered from. It
 * begins with what the run was asked (RecordedRequest: scenario, system under test, size, seed,
 * every option that changes what runs or how it is judged), then what it found.
 */
export interface RunResult extends RecordedRequest {
  readonly verdict: Validity;
  readonly runtime: { readonly name: string; readonly version: string };
  readonly operations: { readonly attempted: number; readonly ok: number; readonly fail: number; readonly info: number };
  /**
   * Values handed out more than once, however detected (an ID acknowledged twice, a batch claimed
   * by two owners, two directories with one number): the most any checker found (see runCollisions).
   */
  readonly collisions: number;
  /** Holders of those values beyond the first of each. */
  readonly extraHolders: number;
  /** Iterations with at least one collision. */
  readonly collidingIterations: number;
  /** Iterations with at least one collision, over all iterations. */
  readonly collisionRate: number;
  /** One-sided 95% upper bound on the per-iteration collision rate (about 3/N when none were seen). */
  readonly collisionRateUpper95: number;
  readonly violations: readonly { readonly checker: string; readonly message: string; readonly example: unknown }[];
  readonly checks: readonly CheckResult[];
  /** Checkers (and measurements) left out because the system under test cannot feed them, with the reason. */
  readonly notChecked: readonly NotChecked[];
  readonly lockHold: LatencySummary | null;
  readonly lockWait: LatencySummary | null;
  readonly wallMs: number;
  readonly startedAt: string;
  /** Where the run's files are. */
  readonly outDir: string;
  /** Faults injected, when any (kills, pauses). */
  readonly faults?: FaultTally;
}

/** The real-process faults of a run (`--kill-rate`, `--pause`): what was asked for and what was done. */
export interface FaultTally {
  readonly killRate: number;
  readonly pauseRate: number;
  /** The lock staleness the run used (`--stale-ms`). */
  readonly staleMs: number;
  /** Kills that interrupted a worker's part of an iteration (with its process group: its commands too). */
  readonly kills: number;
  /** Kills that came after the worker's part was over (the operation had completed): no kill at all. */
  readonly killsAfterOperation: number;
  /** Every planned kill: worker, iteration, delay after the start, the window it was drawn over, and where it landed. */
  readonly killList: readonly KillFact[];
  /** Lock holders SIGSTOPped (with `--exec`: commands stopped while they held their lock). */
  readonly pauses: number;
  /** Pauses drawn but not placed: no worker was seen taking a lock, or (`--exec`) the stop came after the lock was released. */
  readonly pausesMissed: number;
  /** With `--exec`: each pause placed in a command: worker, iteration, the acquiring syscall, lock, how late the stop came and how long it held. */
  readonly pauseList?: readonly (PlacedPause & { readonly iteration: number; readonly worker: number })[];
  /** Iterations with a kill or a pause, after which the system recovered. */
  readonly faultedIterations: number;
  readonly killsPerSecond: number;
  /** With `--exec`: how often the user's `--recover` ran after a faulted iteration, and how often it exited non-zero. */
  readonly recoveries?: { readonly ran: number; readonly failed: number };
  /** Faults strace injected into `--exec` operations' syscalls (--jitter, --errors), each counted with where it landed. */
  readonly syscall?: SyscallFaultTally;
  /** With `--partition`: how a worker was cut off from the store's server, and each cut. */
  readonly partitionMethod?: string;
  readonly partitions?: readonly PartitionFact[];
}

/** One cut of the partition nemesis. */
export interface PartitionFact {
  readonly iteration: number;
  /** The worker cut off (the one in the network namespace). */
  readonly worker: number;
  /** When, after the iteration's common start. */
  readonly afterStartMs: number;
  /** How long the cut was held before the heal. */
  readonly forMs: number;
}
