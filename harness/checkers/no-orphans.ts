import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { globMatch } from './glob-match.ts';
import { guarded, noSnapshots, plural, sample, settle } from './settle.ts';

/**
 * Basenames of the artefacts an interrupted write or lock leaves: temps (`<file>.tmp`,
 * `<file>.tmp.<pid>…`), locks and their waiter queues, a break guard (`<lock>.breaking`), the
 * names the core's lock protocol writes beside a lock (`<lock>.rec.…`, `<lock>.aside.…`,
 * `<lock>.released.…`, and the guard's own), and the asides of earlier versions
 * (`<lock>.broken.<tag>`).
 */
export const ORPHAN_PATTERNS: readonly string[] = ['*.tmp', '*.tmp.*', '*.lock', '*.lock.q', '*.breaking', '*.breaking.*', '*.lock.rec.*', '*.lock.aside.*', '*.broken', '*.broken.*', '*.released.*'];

export interface NoOrphansOptions {
  /** Globs of artefacts. Default ORPHAN_PATTERNS. */
  readonly patterns?: readonly string[];
}

/**
 * No orphans: no snapshot entry (file or directory, so `mkdir` locks count) matches an artefact
 * pattern unless it matches one of the run's `keep` globs (a user script's flock file). A faulted
 * run has no special case here: the runner recovers each root before its snapshot, so what is
 * left is what recovery left; the message says so.
 */
export function noOrphans(options: NoOrphansOptions = {}): Checker {
  return guarded('no-orphans', batchChecker(noOrphansIncremental(options)));
}

/** no-orphans, fed iteration by iteration: it keeps counts and a few examples. */
export function noOrphansIncremental(options: NoOrphansOptions = {}): CheckerFactory {
  const patterns = options.patterns ?? ORPHAN_PATTERNS;
  return () => {
    const examples: unknown[] = [];
    let orphans = 0;
    let unreadable = 0;
    let snapshotCount = 0;
    let faultedRun = false;
    const iterations = new Set<number>();
    /** A few of the names left, for the message. */
    const names = new Set<string>();
    const feed = ({ snapshots, keep, faulted }: CheckInput): boolean => {
      const before = orphans + unreadable;
      faultedRun ||= faulted;
      snapshotCount += snapshots.length;
      const keepGlobs = Array.isArray(keep) ? keep.filter((k): k is string => typeof k === 'string') : [];
      for (const s of snapshots) {
        const entries: unknown = s.entries;
        if (!Array.isArray(entries)) {
          unreadable++;
          continue;
        }
        for (const entry of entries) {
          if (typeof entry !== 'string') {
            unreadable++;
            continue;
          }
          if (!patterns.some((p) => globMatch(p, entry)) || keepGlobs.some((k) => globMatch(k, entry))) continue;
          orphans++;
          iterations.add(s.iteration);
          if (names.size < 3) names.add(entry);
          sample(examples, { iteration: s.iteration, root: s.root, entry });
        }
      }
      return orphans + unreadable > before;
    };
    const finish = (): CheckResult => {
      if (snapshotCount === 0) return noSnapshots('no-orphans');
      const when = faultedRun ? 'after recovery' : 'after a clean run';
      const verdict = settle(orphans, unreadable, snapshotCount);
      const message =
        verdict === 'fail'
          ? `${plural(orphans, 'temp or lock artefact')} left ${when} in ${plural(iterations.size, 'iteration')} (${[...names].join(', ')}); one your command leaves on purpose (a flock(1) lock file) is no orphan once --keep names it: --keep '${[...names][0]}'`
          : verdict === 'unknown'
            ? `no orphans among readable entries, but ${plural(unreadable, 'snapshot entry', 'snapshot entries')} unreadable`
            : `no temp or lock artefacts left ${when}`;
      return { checker: 'no-orphans', verdict, message, examples, stats: { orphans, iterations: iterations.size, unreadable } };
    };
    return { feed, finish };
  };
}
