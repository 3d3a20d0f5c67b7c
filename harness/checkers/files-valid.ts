import { collisionText } from '../../reports/collision-text.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { countCollisions, type Collision } from './collisions.ts';
import { guarded, noSnapshots, plural, sample, settle } from './settle.ts';
import { field, isString, text } from './unknown-value.ts';

/**
 * Files valid and parseable: no snapshot reports a problem with its files (a counters file that
 * is not JSON, a registry row with an unknown status), and none holds a value more than once (two
 * topic directories with one number, from `shared`): those are collisions, reported in
 * `collisions` like the duplicates uniqueness finds among acknowledged values. A snapshot whose
 * `fileProblems` is not an array of strings, or whose `shared` cannot be read (a scenario bug),
 * makes the verdict unknown; no snapshots at all is unknown too.
 */
export function filesValid(): Checker {
  return guarded('files-valid', batchChecker(filesValidIncremental()));
}

/** files-valid, fed iteration by iteration: it keeps counts, the collisions found and a few examples. */
export function filesValidIncremental(): CheckerFactory {
  return () => {
    const examples: unknown[] = [];
    const found: Collision[] = [];
    let problems = 0;
    let unreadable = 0;
    let snapshotCount = 0;
    const iterations = new Set<number>();
    const feed = ({ snapshots }: CheckInput): boolean => {
      const before = found.length + problems + unreadable;
      snapshotCount += snapshots.length;
      for (const s of snapshots) {
        const list: unknown = s.fileProblems;
        const shared: unknown = s.shared ?? [];
        const readable = (e: unknown) => isString(field(e, 'value')) && Array.isArray(field(e, 'holders')) && (field(e, 'holders') as unknown[]).every(isString);
        if (!Array.isArray(list) || !Array.isArray(shared) || !shared.every(readable)) {
          unreadable++;
          continue;
        }
        for (const entry of shared) {
          const value = field(entry, 'value') as string;
          const holders = field(entry, 'holders') as string[];
          if (holders.length < 2) continue;
          found.push({ iteration: s.iteration, holders: holders.length });
          sample(examples, { iteration: s.iteration, value, holders });
        }
        for (const problem of list) {
          problems++;
          iterations.add(s.iteration);
          sample(examples, { iteration: s.iteration, problem: text(problem) });
        }
      }
      return found.length + problems + unreadable > before;
    };
    const finish = (): CheckResult => {
      if (snapshotCount === 0) return noSnapshots('files-valid');
      const collisions = countCollisions(found, problems);
      const verdict = settle(found.length + problems, unreadable, snapshotCount);
      const message =
        verdict === 'fail'
          ? [
              ...(found.length > 0 ? [`${collisionText(collisions)} in ${collisions.iterations} of ${plural(snapshotCount, 'iteration')}, as the files show`] : []),
              ...(problems > 0 ? [`${plural(problems, 'file problem')} in ${plural(iterations.size, 'iteration')}`] : []),
            ].join('; ')
          : verdict === 'unknown'
            ? `${plural(unreadable, 'snapshot')} with unreadable file problems or shared values`
            : `the files of all ${plural(snapshotCount, 'iteration')} are valid`;
      return { checker: 'files-valid', verdict, message, examples, collisions, stats: { problems, iterations: iterations.size, unreadable } };
    };
    return { feed, finish };
  };
}
