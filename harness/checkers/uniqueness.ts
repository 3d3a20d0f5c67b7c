import { pairOperations, type Operation } from '../history/history.ts';
import { collisionText } from '../../reports/collision-text.ts';
import type { Checker } from './checker.ts';
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
  return guarded('uniqueness', ({ history }) => {
    const ops = pairOperations(history).filter((op) => op.f === options.f);
    const examples: unknown[] = [];
    let acknowledged = 0;
    let values = 0;
    let malformed = 0;
    const found: Collision[] = [];
    const groups = byIteration(ops);
    for (const [iteration, group] of groups) {
      const holders = new Map<string, number[]>();
      for (const op of group) {
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
    const collisions = countCollisions(found, 0);
    const stats = {
      attempted: ops.length,
      acknowledged,
      failed: ops.filter((op) => op.type === 'fail').length,
      indeterminate: ops.filter((op) => op.type === 'info').length,
      values,
      iterations: groups.length,
      malformed,
    };
    const verdict = settle(collisions.values, malformed, values);
    const message =
      verdict === 'fail'
        ? `${collisionText(collisions)} in ${collisions.iterations} of ${plural(groups.length, 'iteration')}`
        : malformed > 0
          ? `no duplicates among readable values, but ${plural(malformed, 'acknowledged op')} had no readable values`
          : verdict === 'unknown'
            ? `nothing to judge: no value was handed out (${acknowledged} of ${plural(ops.length, `${options.f} op`)} acknowledged)`
            : `all ${plural(values, 'acknowledged value')} unique (${acknowledged} of ${plural(ops.length, 'op')} acknowledged)`;
    return { checker: 'uniqueness', verdict, message, examples, collisions, stats };
  });
}
