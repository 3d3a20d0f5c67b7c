import { pairOperations } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult, type IterationSnapshot } from './checker.ts';
import { byIteration, groupBy } from './group-by.ts';
import { guarded, nonZero, plural, sample, settle } from './settle.ts';
import { numberField, stringField } from './unknown-value.ts';

export interface LostUpdatesOptions {
  /** The read-modify-write operation. Default `update`. */
  readonly f?: string;
  /** The counter's value in a fresh root. Default 0. */
  readonly initial?: number;
}

/**
 * No lost updates, for a counter incremented by read-modify-write (ok value `{before, after}`):
 * per iteration, each acknowledged update is an increment (`after === before + 1`), no two saw
 * the same `before` (two increments from one value: one of them was lost), and the final counter
 * (`facts.counter`) is `initial` plus the acknowledged updates, plus at most the `info` ones.
 * An ok op that says only which change it `applied` (an implementation in another process that
 * does not report what it read) counts toward the final counter but has no order to check.
 * Any other ok op without numeric before/after is skipped; it, or a missing counter where updates were
 * made, makes an otherwise passing verdict unknown; with no acknowledged update at all there is
 * nothing to judge, which is unknown too.
 */
export function lostUpdates(options: LostUpdatesOptions = {}): Checker {
  return guarded('lost-updates', batchChecker(lostUpdatesIncremental(options)));
}

/** lost-updates, fed iteration by iteration: it keeps the counts and a few examples. */
export function lostUpdatesIncremental(options: LostUpdatesOptions = {}): CheckerFactory {
  const f = options.f ?? 'update';
  const initial = options.initial ?? 0;
  return () => {
    const examples: unknown[] = [];
    const n = { acknowledged: 0, indeterminate: 0, lost: 0, violations: 0, malformed: 0, unchecked: 0 };
    const feed = ({ history, snapshots }: CheckInput): boolean => {
      const before = n.violations + n.malformed + n.unchecked;
      const ops = pairOperations(history).filter((op) => op.f === f);
      const opsOf = new Map(byIteration(ops));
      const snapshotOf = new Map<number, IterationSnapshot>(snapshots.map((s) => [s.iteration, s]));
      for (const iteration of [...new Set([...opsOf.keys(), ...snapshotOf.keys()])].sort((a, b) => a - b)) {
        const mine = opsOf.get(iteration) ?? [];
        const updates: { worker: number; before: number; after: number }[] = [];
        let info = 0;
        let applied = 0;
        for (const op of mine) {
          if (op.type === 'info') info++;
          if (op.type !== 'ok') continue;
          const before = numberField(op.value, 'before');
          const after = numberField(op.value, 'after');
          if (before !== undefined && after !== undefined) updates.push({ worker: op.worker, before, after });
          else if (stringField(op.value, 'applied') !== undefined) applied++;
          else n.malformed++;
        }
        n.acknowledged += updates.length + applied;
        n.indeterminate += info;
        for (const u of updates) {
          if (u.after === u.before + 1) continue;
          n.violations++;
          sample(examples, { iteration, problem: 'not an increment', ...u });
        }
        for (const [before, same] of groupBy(updates, (u) => u.before)) {
          if (same.length < 2) continue;
          n.violations++;
          sample(examples, { iteration, problem: 'updates read the same value', before, workers: same.map((u) => u.worker) });
        }
        const counter = numberField(snapshotOf.get(iteration)?.facts, 'counter');
        if (counter === undefined) {
          if (mine.length > 0 || snapshotOf.has(iteration)) n.unchecked++;
          continue;
        }
        const low = initial + updates.length + applied;
        const high = low + info;
        if (counter >= low && counter <= high) continue;
        n.violations++;
        if (counter < low) n.lost += low - counter;
        const problem = counter < low ? `${low - counter} updates lost` : 'counter above every update made';
        sample(examples, { iteration, problem, counter, acknowledged: updates.length + applied, indeterminate: info, initial });
      }
      return n.violations + n.malformed + n.unchecked > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(n.violations, n.malformed + n.unchecked, n.acknowledged);
      const message =
        verdict === 'fail'
          ? `${plural(n.violations, 'violation')} (${plural(n.lost, 'update')} missing from final counters; see examples)`
          : n.malformed + n.unchecked > 0
            ? `no lost update seen, but: ${nonZero([n.malformed, plural(n.malformed, 'unreadable update')], [n.unchecked, `${plural(n.unchecked, 'iteration')} without a readable counter`])}`
            : verdict === 'unknown'
              ? `nothing to judge: no update was acknowledged (${plural(n.indeterminate, 'info op')})`
              : `every counter equals its ${plural(n.acknowledged, 'acknowledged update')}${n.indeterminate > 0 ? ` (plus at most ${n.indeterminate} info)` : ''}`;
      return { checker: 'lost-updates', verdict, message, examples, stats: { ...n } };
    };
    return { feed, finish };
  };
}
