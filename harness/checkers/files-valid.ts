import type { Checker } from './checker.ts';
import { guarded, noSnapshots, plural, sample, settle } from './settle.ts';
import { text } from './unknown-value.ts';

/**
 * Files valid and parseable: no snapshot reports a problem with its files (a counters file that
 * is not JSON, a registry row with an unknown status, two topic directories with one number). A
 * snapshot whose `fileProblems` is not an array of strings (a scenario bug) makes the verdict
 * unknown; no snapshots at all is unknown too.
 */
export function filesValid(): Checker {
  return guarded('files-valid', ({ snapshots }) => {
    if (snapshots.length === 0) return noSnapshots('files-valid');
    const examples: unknown[] = [];
    let problems = 0;
    let unreadable = 0;
    const iterations = new Set<number>();
    for (const s of snapshots) {
      const list: unknown = s.fileProblems;
      if (!Array.isArray(list)) {
        unreadable++;
        continue;
      }
      for (const problem of list) {
        problems++;
        iterations.add(s.iteration);
        sample(examples, { iteration: s.iteration, problem: text(problem) });
      }
    }
    const verdict = settle(problems, unreadable, snapshots.length);
    const message =
      verdict === 'fail'
        ? `${plural(problems, 'file problem')} in ${plural(iterations.size, 'iteration')}`
        : verdict === 'unknown'
          ? `${plural(unreadable, 'snapshot')} with unreadable file problems`
          : `the files of all ${plural(snapshots.length, 'iteration')} are valid`;
    return { checker: 'files-valid', verdict, message, examples, stats: { problems, iterations: iterations.size, unreadable } };
  });
}
