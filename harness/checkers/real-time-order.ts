import { pairOperations, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { groupBy } from './group-by.ts';
import { guarded, plural, sample, settle } from './settle.ts';
import { isString, listOf, oneOf } from './unknown-value.ts';

export interface RealTimeOrderOptions {
  readonly f: string;
  /** The numbers an `ok` op was handed. */
  readonly numbers: (op: Operation) => readonly number[];
  /** Separates independent sequences within an iteration (e.g. by ID prefix). Default: one sequence. */
  readonly key?: (op: Operation) => string;
}

interface Span {
  readonly op: Operation;
  readonly numbers: readonly number[];
  readonly min: number;
  readonly max: number;
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const MAX_LISTED = 10;

/**
 * Real-time order: within an iteration (and key), if acknowledged op A completed before
 * acknowledged op B was invoked, every number of A is lower than every number of B. Only `ok` ops
 * take part (an `info` op's numbers are unknown). O(n log n) per sequence: B is compared with the
 * highest number of all ops completed before B began. Ops whose numbers cannot be read are
 * skipped and make an otherwise passing verdict unknown; with no acknowledged numbers at all there
 * is nothing to judge, which is unknown too. Ops that all overlapped (none began after another had
 * finished: usual when every worker starts at once) constrain nothing: the verdict passes, and the
 * message and `ordered` (ops that began after another had finished) say how much was compared.
 */
export function realTimeOrder(options: RealTimeOrderOptions): Checker {
  return guarded('real-time-order', batchChecker(realTimeOrderIncremental(options)));
}

/** real-time-order, fed iteration by iteration: each part's sequences are judged as it comes; counts and a few examples are kept. */
export function realTimeOrderIncremental(options: RealTimeOrderOptions): CheckerFactory {
  const keyOf = options.key ?? (() => '');
  return () => {
    const examples: unknown[] = [];
    let violations = 0;
    let malformed = 0;
    let checked = 0;
    let ordered = 0;
    let judged = 0;
    const feed = ({ history }: CheckInput): boolean => {
      const before = violations + malformed;
      const ops = pairOperations(history).filter((op) => op.f === options.f && op.type === 'ok');
      const spans: (Span & { readonly key: string })[] = [];
      for (const op of ops) {
        const numbers = listOf(options.numbers, op, isNumber);
        const key = oneOf(keyOf, op, isString);
        if (numbers === null || key === null) malformed++;
        else if (numbers.length > 0) spans.push({ op, key, numbers, min: Math.min(...numbers), max: Math.max(...numbers) });
      }
      judged += spans.length;
      for (const group of groupBy(spans, (s) => `${s.op.iteration}\u0000${s.key}`).values()) {
        const byInvoke = [...group].sort((a, b) => a.op.invokeTime - b.op.invokeTime);
        const byComplete = [...group].sort((a, b) => a.op.completeTime - b.op.completeTime);
        let done = 0;
        let highest: Span | null = null;
        for (const later of byInvoke) {
          while (done < byComplete.length && byComplete[done]!.op.completeTime < later.op.invokeTime) {
            const span = byComplete[done++]!;
            if (highest === null || span.max > highest.max) highest = span;
          }
          checked++;
          if (highest === null) continue;
          ordered++;
          if (highest.max < later.min) continue;
          violations++;
          const { key } = group[0]!;
          sample(examples, {
            iteration: later.op.iteration,
            ...(key === '' ? {} : { key }),
            earlier: { worker: highest.op.worker, numbers: highest.numbers.slice(0, MAX_LISTED), completeTime: highest.op.completeTime },
            later: { worker: later.op.worker, numbers: later.numbers.slice(0, MAX_LISTED), invokeTime: later.op.invokeTime },
          });
        }
      }
      return violations + malformed > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(violations, malformed, judged);
      const message =
        verdict === 'fail'
          ? `${plural(violations, 'op')} got a number not above one handed to an op that finished before it began`
          : malformed > 0
            ? `order holds among readable ops, but ${plural(malformed, 'acknowledged op')} had unreadable numbers`
            : verdict === 'unknown'
              ? `nothing to judge: no number was handed out by an acknowledged ${options.f}`
              : ordered === 0
                ? `no op began after another had finished (all ${plural(checked, 'op')} overlapped), so no order was there to break`
                : `every op's numbers are above those of all ops finished before it began (${ordered} of ${plural(checked, 'op')} began after another had finished)`;
      return { checker: 'real-time-order', verdict, message, examples, stats: { checked, ordered, violations, malformed } };
    };
    return { feed, finish };
  };
}
