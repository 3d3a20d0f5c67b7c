import { pairOperations, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { groupBy } from './group-by.ts';
import { sample, settle } from './settle.ts';

export interface CounterMatchesOptions {
  /** The operation that hands numbers out (`reserve`). */
  readonly f: string;
  /** The numbers an `ok` op was handed. */
  readonly numbers: (op: Operation) => readonly number[];
  /** How many numbers an `info` op may have taken (its requested count). */
  readonly weight: (op: Operation) => number;
  /** The snapshot fact that holds the counter's final value. Default `counter`. */
  readonly fact?: string;
}

/**
 * The final counter equals the highest number handed out, plus at most what `info` operations may
 * have taken. No iteration with a readable counter and an acknowledged operation is nothing to
 * judge: unknown.
 */
export function counterMatches(options: CounterMatchesOptions): Checker {
  return batchChecker(counterMatchesIncremental(options));
}

/** counter-matches, fed iteration by iteration: it keeps the count of mismatches and a few examples. */
export function counterMatchesIncremental(options: CounterMatchesOptions): CheckerFactory {
  const fact = options.fact ?? 'counter';
  return () => {
    const examples: unknown[] = [];
    let mismatches = 0;
    let observed = 0;
    const feed = ({ history, snapshots }: CheckInput): boolean => {
      const before = mismatches;
      const ops = groupBy(
        pairOperations(history).filter((o) => o.f === options.f),
        (o) => o.iteration,
      );
      for (const s of snapshots) {
        const counter = s.facts[fact];
        if (typeof counter !== 'number') continue;
        const mine = ops.get(s.iteration) ?? [];
        if (mine.some((o) => o.type === 'ok')) observed++;
        const high = Math.max(0, ...mine.filter((o) => o.type === 'ok').flatMap((o) => options.numbers(o)));
        const slack = mine.filter((o) => o.type === 'info').reduce((n, o) => n + options.weight(o), 0);
        if (counter >= high && counter <= high + slack) continue;
        mismatches++;
        sample(examples, { iteration: s.iteration, counter, highestHandedOut: high, unknownOps: slack });
      }
      return mismatches > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(mismatches, 0, observed);
      return {
        checker: 'counter-matches',
        verdict,
        message:
          verdict === 'fail'
            ? `the counter disagrees with the IDs handed out in ${mismatches} iterations`
            : verdict === 'unknown'
              ? 'nothing to judge: no reservation was acknowledged beside a readable counter'
              : 'the counter file agrees with the IDs handed out',
        examples,
      };
    };
    return { feed, finish };
  };
}
