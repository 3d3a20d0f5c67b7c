import type { Checker } from './checker.ts';
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
  const patterns = options.patterns ?? ORPHAN_PATTERNS;
  return guarded('no-orphans', ({ snapshots, keep, faulted }) => {
    if (snapshots.length === 0) return noSnapshots('no-orphans');
    const keepGlobs = Array.isArray(keep) ? keep.filter((k): k is string => typeof k === 'string') : [];
    const examples: unknown[] = [];
    let orphans = 0;
    let unreadable = 0;
    const iterations = new Set<number>();
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
        sample(examples, { iteration: s.iteration, root: s.root, entry });
      }
    }
    const when = faulted ? 'after recovery' : 'after a clean run';
    const verdict = settle(orphans, unreadable, snapshots.length);
    const message =
      verdict === 'fail'
        ? `${plural(orphans, 'temp or lock artefact')} left ${when} in ${plural(iterations.size, 'iteration')}`
        : verdict === 'unknown'
          ? `no orphans among readable entries, but ${plural(unreadable, 'snapshot entry', 'snapshot entries')} unreadable`
          : `no temp or lock artefacts left ${when}`;
    return { checker: 'no-orphans', verdict, message, examples, stats: { orphans, iterations: iterations.size, unreadable } };
  });
}
