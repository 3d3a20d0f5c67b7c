import type { HistoryEvent } from '../history/history.ts';

/** Three-valued, as in Jepsen: `unknown` when the history cannot settle it (e.g. too many `info` ops). */
export type Validity = 'pass' | 'fail' | 'unknown';

/** Values a checker found handed out more than once (within an iteration: each starts afresh). */
export interface Collisions {
  /** Values handed out more than once. */
  readonly values: number;
  /** Holders of those values beyond the first of each: a value handed to three holders counts two. */
  readonly extraHolders: number;
  /** Iterations in which some value was handed out more than once. */
  readonly iterations: number;
  /**
   * The checker's violations that are not these collisions. 0: it fails through collisions alone,
   * which `--max-collision-rate` may tolerate.
   */
  readonly otherViolations: number;
}

/** What one checker concluded. Never thrown: a checker that crashes yields `unknown`. */
export interface CheckResult {
  readonly checker: string;
  readonly verdict: Validity;
  readonly message: string;
  /** A few concrete cases that show the violation (or, for unknown, the doubt). */
  readonly examples: readonly unknown[];
  /**
   * Set by every checker that looks for a value held twice (a topic number, an ID, a batch), found
   * or not: the run's collision figures and its tolerance come from here, never from `stats`.
   */
  readonly collisions?: Collisions;
  /** Counts a report may show (attempted, acknowledged, …), for people: the run reads none of them. */
  readonly stats?: CheckStats;
}

/** A checker's counts: each a number, or a count per name (e.g. failures per error code). */
export type CheckStats = Readonly<Record<string, number | Readonly<Record<string, number>>>>;

/** The state an iteration's root was left in, as its scenario read it after the workers finished. */
export interface IterationSnapshot {
  readonly iteration: number;
  readonly root: string;
  /** Every entry under the root, as relative paths ('/'-separated), directories with a trailing '/'. */
  readonly entries: readonly string[];
  /** Problems the scenario found parsing its files (counters JSON, registry table, topic names). */
  readonly fileProblems: readonly string[];
  /** Scenario-specific facts (e.g. the final counter value, the claimed batches). */
  readonly facts: Readonly<Record<string, unknown>>;
  /**
   * Values the files hold more than once, each with the entries that hold it (two topic
   * directories with one number): collisions seen on the disk, which files-valid reports.
   */
  readonly shared?: readonly SharedValue[];
}

/** A value the files of an iteration hold more than once, and the entries that hold it. */
export interface SharedValue {
  readonly value: string;
  readonly holders: readonly string[];
}

export interface CheckInput {
  readonly history: readonly HistoryEvent[];
  readonly snapshots: readonly IterationSnapshot[];
  /** Glob patterns of files a user's script keeps on purpose (its flock file), never orphans. */
  readonly keep: readonly string[];
  /** True when faults (kills, pauses) were injected: orphans then count only after recovery. */
  readonly faulted: boolean;
}

export type Checker = (input: CheckInput) => CheckResult;

/**
 * A checker in its incremental form, for a run checked iteration by iteration: `feed` takes a part
 * of the run (the events and snapshots of one or more whole iterations; an iteration is never split
 * between parts) and keeps only what the checker must remember across iterations (counts, a few
 * examples, the values found held twice), and `finish` judges the whole run. Fed the whole run as
 * one part, it answers as the batch form does; fed iteration by iteration, it answers the same.
 * `feed` returns true when the part showed something wrong or doubtful (the run keeps that
 * iteration's root for a reader).
 */
export interface IncrementalChecker {
  feed(part: CheckInput): boolean;
  finish(): CheckResult;
}

/** Makes a fresh incremental checker: one per run. */
export type CheckerFactory = () => IncrementalChecker;

/** The batch form of an incremental checker: the whole run fed as one part. */
export function batchChecker(factory: CheckerFactory): Checker {
  return (input) => {
    const checker = factory();
    checker.feed(input);
    return checker.finish();
  };
}

/**
 * An incremental checker made total: once `feed` or `finish` throws, it is fed no more and
 * finishes `unknown` with the error as its message, as runChecker does for a batch checker.
 */
export function guardedIncremental(name: string, factory: CheckerFactory): IncrementalChecker {
  let crash: string | undefined;
  const crashed = (err: unknown): CheckResult => ({ checker: name, verdict: 'unknown', message: `checker crashed: ${err instanceof Error ? err.message : String(err)}`, examples: [] });
  let checker: IncrementalChecker | undefined;
  try {
    checker = factory();
  } catch (err) {
    crash = crashed(err).message;
  }
  return {
    feed(part) {
      if (crash !== undefined || checker === undefined) return true;
      try {
        return checker.feed(part);
      } catch (err) {
        crash = crashed(err).message;
        return true;
      }
    },
    finish() {
      if (crash !== undefined || checker === undefined) return { checker: name, verdict: 'unknown', message: crash ?? 'checker crashed', examples: [] };
      try {
        return checker.finish();
      } catch (err) {
        return crashed(err);
      }
    },
  };
}

/** Runs a checker; a checker that throws yields `unknown` with the error as its message. */
export function runChecker(name: string, checker: Checker, input: CheckInput): CheckResult {
  try {
    return checker(input);
  } catch (err) {
    return { checker: name, verdict: 'unknown', message: `checker crashed: ${err instanceof Error ? err.message : String(err)}`, examples: [] };
  }
}

/** Merges verdicts: fail beats unknown beats pass (Jepsen's compose). */
export function composeVerdicts(verdicts: readonly Validity[]): Validity {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'pass';
}
