import { pairOperations, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { groupBy } from './group-by.ts';
import { MAX_EXAMPLES, sample, settle } from './settle.ts';

export interface TopicsMatchOptions {
  /** The operation that creates an entry (`allocate`). */
  readonly f: string;
  /** The entry (relative to the root, directories ending in `/`) an `ok` op must have created. */
  readonly entry: (op: Operation) => string;
  /** Whether an entry of the root is one such operations create. */
  readonly isEntry: (entry: string) => boolean;
}

/**
 * Every acknowledged operation's entry exists, and there are no more such entries than operations
 * that were acknowledged or whose outcome is unknown. No acknowledged operation and no entry is
 * nothing to judge: unknown.
 */
export function topicsMatch(options: TopicsMatchOptions): Checker {
  return batchChecker(topicsMatchIncremental(options));
}

/**
 * topics-match, fed iteration by iteration: it keeps the counts and up to 10 examples of each kind
 * (the missing directories first, as the batch form lists them).
 */
export function topicsMatchIncremental(options: TopicsMatchOptions): CheckerFactory {
  return () => {
    const missing: unknown[] = [];
    const extra: unknown[] = [];
    let violations = 0;
    let observed = 0;
    const feed = ({ history, snapshots }: CheckInput): boolean => {
      const before = violations;
      const byIteration = new Map(snapshots.map((s) => [s.iteration, new Set(s.entries)]));
      const ops = pairOperations(history).filter((o) => o.f === options.f);
      for (const op of ops) {
        if (op.type !== 'ok') continue;
        observed++;
        const entry = options.entry(op);
        if (byIteration.get(op.iteration)?.has(entry) === true) continue;
        violations++;
        sample(missing, { iteration: op.iteration, worker: op.worker, missing: entry });
      }
      const mine = groupBy(ops, (o) => o.iteration);
      for (const s of snapshots) {
        const acked = (mine.get(s.iteration) ?? []).filter((o) => o.type !== 'fail').length;
        const topics = s.entries.filter(options.isEntry).length;
        observed += topics;
        if (topics <= acked) continue;
        violations++;
        sample(extra, { iteration: s.iteration, topics, acknowledgedOrUnknown: acked });
      }
      return violations > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(violations, 0, observed);
      return {
        checker: 'topics-match',
        verdict,
        message:
          verdict === 'fail'
            ? `${violations} allocations without a matching directory, or directories nobody allocated`
            : verdict === 'unknown'
              ? 'nothing to judge: no allocation was acknowledged and no topic directory made'
              : 'every allocation has its directory',
        examples: [...missing, ...extra].slice(0, MAX_EXAMPLES),
      };
    };
    return { feed, finish };
  };
}
