// The shape of a `racetrack bench` report: what harness/bench measures and reports/bench-* render.
// Types only, so the pure renderers can import them without pulling in any measurement code.

/** Latency of one kind (wait, hold or the whole op) over a run, in milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** One bar of a latency histogram: values in [fromMs, toMs). */
export interface HistogramBucket {
  readonly fromMs: number;
  readonly toMs: number;
  readonly count: number;
}

/**
 * The contended operations the sweep can run. `lock` is the lock alone: acquire, read and rewrite
 * a counter file in place (no fsync), release, so that the lock, not the disk, is the bottleneck.
 */
export const BENCH_OPS = ['reserve', 'allocate', 'claim', 'write', 'lock'] as const;
/** One of BENCH_OPS. */
export type BenchOpName = (typeof BENCH_OPS)[number];

/** Contention workers as worker threads of one process, or as child processes. */
export type BenchIsolation = 'thread' | 'process';

/** One implementation (a row of the peers table) at one number of workers. */
export interface ContentionPoint {
  readonly workers: number;
  /** How many times the point was run, each time with fresh workers and files (see BenchConfig.rounds). */
  readonly rounds: number;
  /** Operations completed, by all workers together, over all rounds. */
  readonly ops: number;
  /** Operations that threw (a lock timeout, say); not counted in `ops`. */
  readonly errors: number;
  /** Up to three distinct error messages, for the reader. */
  readonly errorSamples: readonly string[];
  /** Summed over rounds: from each round's common start to its last operation's end, in ms (the last op may run past the deadline). */
  readonly elapsedMs: number;
  /** Ops per second: the median of the rounds' throughputs. */
  readonly throughput: number;
  /** Each round's ops / elapsed seconds, in the order they ran: their spread shows the noise. */
  readonly roundThroughputs: readonly number[];
  /** Acquire start → acquired. Null for an op that takes no lock. */
  readonly wait: LatencyStats | null;
  /** Acquired → release start. Null for an op that takes no lock. */
  readonly hold: LatencyStats | null;
  /** The whole operation as its caller sees it. */
  readonly op: LatencyStats | null;
  readonly waitBuckets: readonly HistogramBucket[];
  readonly holdBuckets: readonly HistogramBucket[];
  readonly perWorkerOps: readonly number[];
  /** Jain's fairness index over `perWorkerOps`: 1 when all did the same, 1/n when one did all. */
  readonly jain: number;
  /** p99 wait / (workers × median hold); DESIGN.md wants at most 3. Null without lock timings. */
  readonly p99WaitOverFairShare: number | null;
  /** The same ratio from each round's own histograms, in the order the rounds ran (null: no lock timings). */
  readonly roundP99WaitOverFairShare: readonly (number | null)[];
  /**
   * The share of the window the lock was held: ops × mean hold / elapsed. 1 means a holder was
   * always inside; what is missing went to hand-overs (release → the next holder's acquire).
   */
  readonly lockBusy: number | null;
  /** Mean idle time per operation between one holder's release start and the next acquire: elapsed / ops − mean hold. */
  readonly handoffMs: number | null;
  /** A sanity check of the shared file after the run (e.g. the counter equals the ops); null when it held. */
  readonly inconsistency: string | null;
}

/** One implementation measured across the sweep, or skipped with the reason. */
export interface ContentionRow {
  readonly name: string;
  /** What the row is, in one sentence: the lock, the critical section, anything that differs. */
  readonly describe: string;
  readonly points: readonly ContentionPoint[];
  readonly skipped: string | null;
}

/** The uncontended latency of one core operation (tinybench, one caller, back to back). */
export interface SingleOpResult {
  readonly name: string;
  readonly describe: string;
  readonly state: 'completed' | 'errored';
  readonly error: string | null;
  readonly samples: number;
  /** Null when the task errored. */
  readonly meanMs: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** 1000 / meanMs; null when the task errored. */
  readonly opsPerSecond: number | null;
}

/** A ratio from DESIGN.md's performance targets, measured in this run. */
export interface RatioReport {
  /** Null when the run did not measure what it needs (e.g. no 10-worker point). */
  readonly value: number | null;
  /** As DESIGN.md writes it, e.g. `>= 0.8`. */
  readonly target: string;
  /** The target's bound alone (0.8): where a value is printed close to it, it is printed exactly enough to tell them apart. */
  readonly bound?: number;
  readonly met: boolean | null;
  /** How the value was computed, in words. */
  readonly basis: string;
  /**
   * The same ratio in each round alone, in the order the rounds ran (rows take turns within a
   * round, so round i of one row is compared with round i of another). Their spread is the run's
   * noise: a target met in some rounds and missed in others is at the edge of what this machine
   * can tell. Null for a round that measured nothing to divide; empty when the ratio has one
   * measurement only. The value is not their median: it compares the rows' median rounds.
   */
  readonly rounds: readonly (number | null)[];
  /** How many of `rounds` met the target on their own. */
  readonly roundsMet: number;
  /** Set on a ratio kept as printed context only (no longer a target), saying why and what replaced it: its `met` is null. */
  readonly note?: string;
}

/**
 * DESIGN.md's performance targets, by the name bench.json gives them under `ratios`. The lock-alone
 * ratios (`lockVs*`) come from `--op lock`, `reserveVsSpin` from `--op reserve`; `vsProperLockfile`
 * and `vsSeedSpin` are kept one release as printed context, no longer targets (see RatioReport.note); so is `harnessOverhead`, replaced by `harnessThroughput` at 10^4 iterations.
 */
export const RATIO_NAMES = [
  'contendedVsSerial',
  'p99WaitOverFairShare',
  'lockVsKernelFlock',
  'lockVsProperLockfile',
  'reserveVsSpin',
  'vsProperLockfile',
  'vsSeedSpin',
  'harnessOverhead',
  'harnessThroughput',
] as const;
/** One of RATIO_NAMES. */
export type RatioName = (typeof RATIO_NAMES)[number];

/** The harness's cost over the same allocations done bare (harness/bench/overhead.ts). */
export interface OverheadResult {
  readonly iterations: number;
  readonly workers: number;
  readonly harnessMs: number;
  readonly bareMs: number;
  /** harnessMs / bareMs: retired as a target (kept in bench.json for one release); see harnessThroughput. */
  readonly harnessOverhead: number;
  /** The harness's throughput over the bare loop's, the same operations: bareMs / harnessMs. */
  readonly harnessThroughput: number;
}

/** Where the numbers came from. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly tmpdir: string;
  readonly tmpdirFilesystem: string;
  readonly runtime: string;
  readonly kernel: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the bench started and ended: other work on the machine skews every figure. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}

/** What the run was asked to measure. */
export interface BenchConfig {
  readonly op: BenchOpName;
  readonly isolation: BenchIsolation;
  readonly workers: readonly number[];
  /** How long each round of each (implementation, workers) point runs, in ms. */
  readonly durationMs: number;
  /**
   * How many times the whole sweep is repeated. The implementations and worker counts take turns
   * within each round, so that a slow spell of the machine lands on all rows alike, and each
   * point reports its median round.
   */
  readonly rounds: number;
  readonly durable: boolean;
  readonly quick: boolean;
  /** The worker count at which the ratios compare implementations (DESIGN.md: 10). */
  readonly referenceWorkers: number;
  /** The command line that reproduces this run. */
  readonly command: string;
  /** `--store`: `postgres` (a throwaway cluster) or the server's URL, password hidden; absent: files only. */
  readonly store?: string;
}

/** The PostgreSQL server the store rows ran on (`bench --store`), as it reported its settings. */
export interface BenchStoreInfo {
  /** A throwaway cluster, or the URL given (password hidden). */
  readonly server: string;
  /** The server's `fsync`: `on` flushes the WAL to disk at each commit, as the durable file core fsyncs. */
  readonly fsync: string;
  readonly synchronousCommit: string;
  readonly version: string;
  /** fsync on and synchronous_commit not off: a commit has reached the disk before reserve returns. */
  readonly durable: boolean;
}

/** Everything `racetrack bench` measured; bench.json holds exactly this. */
export interface BenchReport {
  readonly version: 1;
  readonly measuredAt: string;
  readonly wallMs: number;
  readonly machine: MachineInfo;
  readonly config: BenchConfig;
  readonly singleOp: readonly SingleOpResult[];
  readonly contention: readonly ContentionRow[];
  readonly overhead: OverheadResult | null;
  readonly ratios: Readonly<Record<RatioName, RatioReport>>;
  /** What the core's critical section allows at most (absent in reports written before it was measured). */
  readonly ceiling?: Ceiling;
  /** With `--op lock`: the fastest any lock taken by creating a name could go here (harness/bench/path-lock-bound.ts). */
  readonly pathLockBound?: PathLockBound;
  /** The server of the store rows; absent without `--store`. */
  readonly store?: BenchStoreInfo;
}

/**
 * The fastest a lock taken by creating a name on the file system (link, mkdir or an O_EXCL open,
 * then removing it) could run the lock op's critical section on this machine, with nothing else to do, and what that allows at most of
 * the lock-alone ratios: `vsKernelFlock` bounds `lockVsKernelFlock`, `vsProperLockfile` bounds
 * `lockVsProperLockfile`, for racetrack's lock or any other of its kind. Null where that row was not measured.
 */
export interface PathLockBound {
  readonly opsPerSecond: number;
  /** How the name was created in the fastest way: `link`, `mkdir` or `O_EXCL open`. */
  readonly way: string;
  readonly vsKernelFlock: number | null;
  readonly vsProperLockfile: number | null;
  readonly basis: string;
}

/**
 * The most operations per second any lock could give the core's operation: one over the median
 * hold of one worker alone, beside the core's throughput at the reference worker count.
 */
export interface Ceiling {
  /** 1000 / `holdP50Ms`; null when the core's 1-worker point was not measured. */
  readonly opsPerSecond: number | null;
  readonly holdP50Ms: number | null;
  /** The core's throughput at the reference worker count, and its share of the ceiling. */
  readonly coreOpsPerSecond: number | null;
  readonly shareOfCeiling: number | null;
  readonly basis: string;
}
