import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { CheckInput, CheckResult, IncrementalChecker, IterationSnapshot } from '../checkers/checker.ts';
import { mergeEvents, pairOperations, type HistoryEvent, type RawEvent } from '../history/history.ts';
import { LockTimings } from '../history/lock-timings.ts';
import type { Scenario } from '../../scenarios/workloads/scenario.ts';
import { iterationRoot } from './iteration-root.ts';

/** How much of the run was held in memory at once: what keeps a long run's memory flat. */
export interface HeldPeak {
  /** The most iterations whose events were held at once (received, not yet checked and written). */
  readonly iterations: number;
  /** The most events held at once. */
  readonly events: number;
  /** The events of the largest iteration: the peak is bounded by a few of these, whatever the run's length. */
  readonly largestIteration: number;
}

/** Operation counts of a run (lock steps and the nemesis are not operations). */
export interface OperationCounts {
  attempted: number;
  ok: number;
  fail: number;
  info: number;
}

export interface IterationStreamOptions {
  readonly scenario: Scenario;
  readonly workers: number;
  readonly rootsDir: string;
  /** Where the history goes, one event per line, as each iteration is checked. */
  readonly historyPath: string;
  readonly checkers: readonly (readonly [string, IncrementalChecker])[];
  readonly keep: readonly string[];
  /** Keep every root, even those of iterations where nothing was found. */
  readonly keepRoots: boolean;
  /** Also keep the whole history and every snapshot in memory (for callers that study a small run). */
  readonly retain: boolean;
  /** Called after each iteration is checked, with how many are. */
  readonly onSettled?: (settled: number) => void;
}

interface Pending {
  readonly batches: RawEvent[][];
  reported: number;
}

/**
 * The run's iteration-by-iteration pipeline. Workers report each iteration's events (`add`); the
 * nemesis reports what it did (`addNemesis`); once an iteration is complete (`settle`), its events
 * are merged in time order and appended to history.jsonl (iterations do not overlap in time: each
 * starts at a barrier all workers reach after the one before), its root is read back, every
 * checker is fed the iteration, the operation counts and lock timings are updated, and the root is
 * removed unless a checker found something there (or roots are kept). Memory then holds the
 * iterations not yet settled and what the checkers remember, not the run.
 */
export class IterationStream {
  readonly operations: OperationCounts = { attempted: 0, ok: 0, fail: 0, info: 0 };
  readonly lockTimings = new LockTimings();
  /** The merged history and the snapshots, when `retain`. */
  readonly history: HistoryEvent[] = [];
  readonly snapshots: IterationSnapshot[] = [];

  private readonly o: IterationStreamOptions;
  private readonly pending = new Map<number, Pending>();
  private readonly nemesis = new Map<number, RawEvent[]>();
  private readonly fd: number;
  private nextIndex = 0;
  private settledCount = 0;
  private faulted = false;
  private heldEvents = 0;
  private peak = { iterations: 0, events: 0, largestIteration: 0 };

  constructor(options: IterationStreamOptions) {
    this.o = options;
    this.fd = openSync(options.historyPath, 'w');
  }

  /** One worker's events of one iteration; true when it was the iteration's last worker to report. */
  add(iteration: number, events: readonly RawEvent[]): boolean {
    let p = this.pending.get(iteration);
    if (p === undefined) {
      p = { batches: [], reported: 0 };
      this.pending.set(iteration, p);
    }
    p.batches.push([...events]);
    p.reported++;
    this.heldEvents += events.length;
    this.peak = { ...this.peak, iterations: Math.max(this.peak.iterations, this.pending.size), events: Math.max(this.peak.events, this.heldEvents) };
    return p.reported === this.o.workers;
  }

  /** An event of the nemesis (worker -1) in `iteration`. */
  addNemesis(e: RawEvent): void {
    const list = this.nemesis.get(e.iteration);
    if (list === undefined) this.nemesis.set(e.iteration, [e]);
    else list.push(e);
  }

  /** Marks the run as faulted (orphans are then judged after recovery). */
  markFaulted(): void {
    this.faulted = true;
  }

  /** Writes, checks and lets go of a complete iteration (see the class). */
  settle(iteration: number): void {
    const p = this.pending.get(iteration);
    const batches = p?.batches ?? [];
    const history = mergeEvents([...batches, this.nemesis.get(iteration) ?? []]).map((e) => ({ ...e, index: e.index + this.nextIndex }));
    this.pending.delete(iteration);
    this.nemesis.delete(iteration);
    for (const b of batches) this.heldEvents -= b.length;
    this.peak = { ...this.peak, largestIteration: Math.max(this.peak.largestIteration, history.length) };
    this.nextIndex += history.length;
    if (history.length > 0) writeSync(this.fd, `${history.map((e) => JSON.stringify(e)).join('\n')}\n`);

    const root = iterationRoot(this.o.rootsDir, iteration);
    const snapshot = this.o.scenario.inspect(root, iteration);
    const part: CheckInput = { history, snapshots: [snapshot], keep: this.o.keep, faulted: this.faulted };
    let found = false;
    for (const [, checker] of this.o.checkers) found = checker.feed(part) || found;
    for (const op of pairOperations(history)) {
      if (op.f === 'acquire' || op.f === 'release' || op.worker < 0) continue;
      this.operations.attempted++;
      this.operations[op.type]++;
    }
    this.lockTimings.feed(history);
    if (this.o.retain) {
      for (const e of history) this.history.push(e);
      this.snapshots.push(snapshot);
    }
    if (!found && !this.o.keepRoots) rmSync(root, { recursive: true, force: true });
    this.settledCount++;
    this.o.onSettled?.(this.settledCount);
  }

  /** The checkers' verdicts on the whole run. */
  finish(): CheckResult[] {
    return this.o.checkers.map(([, checker]) => checker.finish());
  }

  /** Closes history.jsonl (also when the run is cut short: what was checked stays written). */
  close(): void {
    closeSync(this.fd);
  }

  get held(): HeldPeak {
    return { ...this.peak };
  }
}
