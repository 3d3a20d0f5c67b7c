import { pairOperations, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { groupBy } from './group-by.ts';
import { guarded, nonZero, plural, sample, settle } from './settle.ts';
import { isInteger, isString, listOf, oneOf } from './unknown-value.ts';

export interface GapBoundOptions {
  readonly f: string;
  /** The numbers an `ok` op was handed (integers). */
  readonly numbers: (op: Operation) => readonly number[];
  /** How many numbers an `info` op may have taken (e.g. its requested count; 1 for an allocation). */
  readonly weight: (op: Operation) => number;
  /** The first number handed out in a fresh root. Default 1. */
  readonly start?: number;
  /** Separates independent sequences within an iteration (e.g. by ID prefix). Default: one sequence. */
  readonly key?: (op: Operation) => string;
}

const MAX_LISTED = 20;
const isWeight = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * Per iteration (and key), the acknowledged numbers, deduplicated, cover `start..max` except for
 * at most as many numbers as the `info` ops may have taken (the sum of their weights): a number
 * can go missing only with an op whose outcome is unknown. A `fail` op took nothing. A number
 * below `start` fails too. Duplicates are uniqueness's business, not this checker's.
 *
 * Malformed values never throw: an ok op whose numbers cannot be read is skipped, and an info op
 * whose key or weight cannot be read makes its iteration's budget unbounded; either way a result
 * that would otherwise pass (or fail only through that doubt) is unknown. With no acknowledged
 * number at all there is nothing to bound: unknown.
 */
export function gapBound(options: GapBoundOptions): Checker {
  return guarded('gap-bound', batchChecker(gapBoundIncremental(options)));
}

/** gap-bound, fed iteration by iteration: each part's sequences are bounded as it comes; counts and a few examples are kept. */
export function gapBoundIncremental(options: GapBoundOptions): CheckerFactory {
  const start = options.start ?? 1;
  const keyOf = options.key ?? (() => '');
  return () => {
    const examples: unknown[] = [];
    let violations = 0;
    let doubts = 0;
    let missingTotal = 0;
    let infoOps = 0;
    let malformed = 0;
    let acknowledged = 0;
    const feed = ({ history }: CheckInput): boolean => {
      const before = violations + doubts + malformed;
      const ops = pairOperations(history).filter((op) => op.f === options.f && op.type !== 'fail');
      for (const [iteration, group] of groupBy(ops, (op) => op.iteration)) {
        const numbers = new Map<string, Set<number>>();
        const budget = new Map<string, number>();
        let unbounded = false;
        for (const op of group) {
          const key = oneOf(keyOf, op, isString);
          if (op.type === 'info') {
            infoOps++;
            const weight = oneOf(options.weight, op, isWeight);
            if (key === null || weight === null) unbounded = true;
            else budget.set(key, (budget.get(key) ?? 0) + weight);
            continue;
          }
          const got = listOf(options.numbers, op, isInteger);
          if (key === null || got === null) {
            malformed++;
            continue;
          }
          const set = numbers.get(key) ?? new Set<number>();
          acknowledged += got.length;
          for (const n of got) set.add(n);
          numbers.set(key, set);
        }
        for (const [key, set] of numbers) {
          const where = key === '' ? { iteration } : { iteration, key };
          const below = [...set].filter((n) => n < start);
          if (below.length > 0) {
            violations++;
            sample(examples, { ...where, belowStart: below.slice(0, MAX_LISTED), start });
          }
          let max = start - 1;
          for (const n of set) if (n > max) max = n;
          const missing = max - start + 1 - (set.size - below.length);
          if (missing === 0) continue;
          missingTotal += missing;
          const allowed = budget.get(key) ?? 0;
          if (missing <= allowed) continue;
          if (unbounded) {
            doubts++;
            continue;
          }
          violations++;
          const listed: number[] = [];
          for (let n = start; n <= max && listed.length < MAX_LISTED; n++) if (!set.has(n)) listed.push(n);
          sample(examples, { ...where, missing: listed, missingCount: missing, allowedByInfo: allowed, max });
        }
      }
      return violations + doubts + malformed > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(violations, doubts + malformed, acknowledged);
      const stats = { acknowledged, missing: missingTotal, indeterminate: infoOps, malformed, violations };
      const message =
        verdict === 'fail'
          ? `${plural(violations, 'sequence')} with numbers missing beyond what info ops explain (or below ${start})`
          : doubts + malformed > 0
            ? `gaps could not be bounded: ${nonZero([malformed, plural(malformed, 'unreadable ok op')], [doubts, `${plural(doubts, 'sequence')} with gaps beside unreadable info ops`])}`
            : verdict === 'unknown'
              ? `nothing to judge: no number was handed out by an acknowledged ${options.f}`
              : missingTotal > 0
                ? `${plural(missingTotal, 'number')} missing, all within what ${plural(infoOps, 'info op')} may have taken`
                : `no gaps among ${plural(acknowledged, 'acknowledged number')}`;
      return { checker: 'gap-bound', verdict, message, examples, stats };
    };
    return { feed, finish };
  };
}
