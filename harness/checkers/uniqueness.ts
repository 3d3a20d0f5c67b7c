import { pairOperations, type Operation } from '../history/history.ts';
import { collisionText } from '../../reports/collision-text.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { countCollisions, type Collision } from './collisions.ts';
import { byIteration } from './group-by.ts';
import { guarded, plural, sample, settle } from './settle.ts';
import { isString, listOf } from './unknown-value.ts';

export interface UniquenessOptions {
  /** The operation that hands values out (`allocate`, `reserve`). */
  readonly f: string;
  /** The values an `ok` op was handed (e.g. `['SEC-20', 'SEC-21']`). */
  readonly ids: (op: Operation) => readonly string[];
}

/**
 * Jepsen's unique-ids: no value is handed to two acknowledged operations (nor twice to one).
 * Values are compared within an iteration, since each iteration starts from a fresh root.
 *
 * `collisions`: the values with more than one holder, their extra holders (holders − 1 each) and
 * the iterations they were in. Stats: `attempted` (ops of `f`), `acknowledged`, `failed`,
 * `indeterminate` (info), `values` (acknowledged values, counted with repeats), `iterations`,
 * `malformed` (ok ops whose `ids` threw or was not a string array: skipped, and the verdict is
 * unknown rather than pass). `info` ops are not holders: their values are not known. With no
 * acknowledged value at all there is nothing to compare, and the verdict is unknown.
 */
export function uniqueness(options: UniquenessOptions): Checker {
  return guarded('uniqueness', batchChecker(uniquenessIncremental(options)));
}

/** uniqueness, fed iteration by iteration: it remembers counts, a few examples and the collisions found. */
export function uniquenessIncremental(options: UniquenessOptions): CheckerFactory {
  return () => {
    const examples: unknown[] = [];
    let attempted = 0;
    let failed = 0;
    let indeterminate = 0;
    let acknowledged = 0;
    let values = 0;
    let malformed = 0;
    let iterations = 0;
    const found: Collision[] = [];
    const feed = ({ history }: CheckInput): boolean => {
      const before = found.length + malformed;
      const ops = pairOperations(history).filter((op) => op.f === options.f);
      attempted += ops.length;
      for (const [iteration, group] of byIteration(ops)) {
        iterations++;
        const holders = new Map<string, number[]>();
        for (const op of group) {
          if (op.type === 'fail') failed++;
          if (op.type === 'info') indeterminate++;
          if (op.type !== 'ok') continue;
          acknowledged++;
          const ids = listOf(options.ids, op, isString);
          if (ids === null) {
            malformed++;
            continue;
          }
          values += ids.length;
          for (const id of ids) {
            const workers = holders.get(id);
            if (workers === undefined) holders.set(id, [op.worker]);
            else workers.push(op.worker);
          }
        }
        for (const [value, workers] of holders) {
          if (workers.length < 2) continue;
          found.push({ iteration, holders: workers.length });
          sample(examples, { iteration, value, holders: workers });
        }
      }
      return found.length + malformed > before;
    };
    const finish = (): CheckResult => {
      const collisions = countCollisions(found, 0);
      const stats = { attempted, acknowledged, failed, indeterminate, values, iterations, malformed };
      const verdict = settle(collisions.values, malformed, values);
      const message =
        verdict === 'fail'
          ? `${collisionText(collisions)} in ${collisions.iterations} of ${plural(iterations, 'iteration')}`
          : malformed > 0
            ? `no duplicates among readable values, but ${plural(malformed, 'acknowledged op')} had no readable values`
            : verdict === 'unknown'
              ? `nothing to judge: no value was handed out (${acknowledged} of ${plural(attempted, `${options.f} op`)} acknowledged)`
              : `all ${plural(values, 'acknowledged value')} unique (${acknowledged} of ${plural(attempted, 'op')} acknowledged)`;
      return { checker: 'uniqueness', verdict, message, examples, collisions, stats };
    };
    return { feed, finish };
  };
}
