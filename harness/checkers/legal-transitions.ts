import { CLAIM_RULES, type Phase } from '../../core/registry/claim-rules.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { batchRows, groupRows, initialRows } from './registry-facts.ts';
import { guarded, noSnapshots, plural, sample, settle } from './settle.ts';

export interface LegalTransitionsOptions {
  /** Whose claim rules apply. Default `implement` (`O → i`, `D → O`). */
  readonly phase?: Phase;
  /** Explicit rules instead of the phase's (e.g. a user's registry with other statuses). */
  readonly rules?: readonly { readonly from: string; readonly to: string }[];
}

/** Every status reachable from `from` by zero or more rules. */
function reachable(from: string, rules: readonly { readonly from: string; readonly to: string }[]): Set<string> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    const s = todo.pop()!;
    for (const r of rules) {
      if (r.from === s && !seen.has(r.to)) {
        seen.add(r.to);
        todo.push(r.to);
      }
    }
  }
  return seen;
}

/**
 * Legal status transitions: per snapshot, each registry row's final status (`facts.batches`) is
 * reachable from its initial status (`facts.initial`) by the claim rules, any number of claims
 * deep; rows neither vanish nor appear. Rows are matched by batch and order within the batch, so
 * the facts may hold one row per batch or one per registry row. A snapshot without readable
 * `facts.batches` or `facts.initial` cannot be judged: unknown, unless something else failed; so
 * is a run whose registries held no row at all.
 */
export function legalTransitions(options: LegalTransitionsOptions = {}): Checker {
  return guarded('legal-transitions', batchChecker(legalTransitionsIncremental(options)));
}

/** legal-transitions, fed iteration by iteration: it remembers counts and a few examples. */
export function legalTransitionsIncremental(options: LegalTransitionsOptions = {}): CheckerFactory {
  const rules = options.rules ?? CLAIM_RULES[options.phase ?? 'implement'];
  return () => {
    const examples: unknown[] = [];
    let snapshotCount = 0;
    let violations = 0;
    let unreadable = 0;
    let rowsChecked = 0;
    const feed = ({ snapshots }: CheckInput): boolean => {
      const before = violations + unreadable;
      snapshotCount += snapshots.length;
      for (const s of snapshots) {
        const rows = batchRows(s.facts);
        const initial = initialRows(s.facts);
        if (rows === null || initial === null) {
          unreadable++;
          continue;
        }
        const finalOf = groupRows(rows);
        for (const [batch, list] of finalOf) {
          list.forEach((row, i) => {
            rowsChecked++;
            const was = initial(batch, i);
            if (was === undefined) {
              violations++;
              sample(examples, { iteration: s.iteration, batch, problem: 'row appeared', to: row.status });
            } else if (!reachable(was.status, rules).has(row.status)) {
              violations++;
              sample(examples, { iteration: s.iteration, batch, problem: 'illegal transition', from: was.status, to: row.status });
            }
          });
        }
        // Only initial facts given as rows say which rows there were; more of a batch's rows than remain were lost.
        for (const [batch, was] of groupRows(batchRows(s.facts, 'initial') ?? [])) {
          const after = finalOf.get(batch)?.length ?? 0;
          if (after >= was.length) continue;
          violations++;
          sample(examples, { iteration: s.iteration, batch, problem: 'row vanished', from: was[after]!.status });
        }
      }
      return violations + unreadable > before;
    };
    const finish = (): CheckResult => {
      if (snapshotCount === 0) return noSnapshots('legal-transitions');
      const verdict = settle(violations, unreadable, rowsChecked);
      const message =
        verdict === 'fail'
          ? `${plural(violations, 'row')} ended in a status no claim could have produced, or vanished or appeared`
          : unreadable > 0
            ? `${plural(unreadable, 'snapshot')} without readable batches and initial statuses`
            : verdict === 'unknown'
              ? 'nothing to judge: the registries held no rows'
              : `${plural(rowsChecked, 'row')} in ${plural(snapshotCount, 'snapshot')}, every status reachable by claims`;
      return { checker: 'legal-transitions', verdict, message, examples, stats: { rows: rowsChecked, violations, unreadable } };
    };
    return { feed, finish };
  };
}
