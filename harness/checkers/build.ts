import { batchChecker, runChecker, type Checker, type CheckerFactory } from './checker.ts';
import { claimedOnceIncremental } from './claimed-once.ts';
import { counterMatchesIncremental } from './counter-matches.ts';
import { filesValidIncremental } from './files-valid.ts';
import { gapBoundIncremental } from './gap-bound.ts';
import { legalTransitionsIncremental } from './legal-transitions.ts';
import { lostUpdatesIncremental } from './lost-updates.ts';
import { mutualExclusionIncremental } from './mutual-exclusion.ts';
import { noOrphansIncremental } from './no-orphans.ts';
import { noUnexpectedFailuresIncremental } from './no-unexpected-failures.ts';
import { partitionedHolderSilentIncremental, pausedHolderSilentIncremental } from './paused-holder-silent.ts';
import { readsValidIncremental } from './reads-valid.ts';
import { realTimeOrderIncremental } from './real-time-order.ts';
import type { CheckerSpec } from './spec.ts';
import { topicsMatchIncremental } from './topics-match.ts';
import { uniquenessIncremental } from './uniqueness.ts';

/** Run settings some checkers need. */
export interface CheckerSettings {
  /** How old a lock may get before a breaker may take it (the run's `--stale-ms`). Default 5000. */
  readonly staleMs?: number;
}

/** The checker a spec names, with its options and the run's settings: its incremental form fed the whole history at once. */
export function buildChecker(spec: CheckerSpec, settings: CheckerSettings = {}): Checker {
  const factory = buildIncremental(spec, settings);
  return (input) => runChecker(spec.checker, batchChecker(factory), input);
}

/**
 * The checker a spec names in its incremental form, for a run checked iteration by iteration: each
 * keeps only counts, a few examples and what it found, never the history it was fed.
 */
export function buildIncremental(spec: CheckerSpec, settings: CheckerSettings = {}): CheckerFactory {
  switch (spec.checker) {
    case 'uniqueness':
      return uniquenessIncremental(spec.options);
    case 'gap-bound':
      return gapBoundIncremental(spec.options);
    case 'real-time-order':
      return realTimeOrderIncremental(spec.options);
    case 'mutual-exclusion':
      return mutualExclusionIncremental({ staleMs: settings.staleMs ?? 5000 });
    case 'counter-matches':
      return counterMatchesIncremental(spec.options);
    case 'no-unexpected-failures':
      return noUnexpectedFailuresIncremental(spec.options);
    case 'files-valid':
      return filesValidIncremental();
    case 'no-orphans':
      return noOrphansIncremental(spec.options);
    case 'topics-match':
      return topicsMatchIncremental(spec.options);
    case 'lost-updates':
      return lostUpdatesIncremental(spec.options);
    case 'claimed-once':
      return claimedOnceIncremental(spec.options);
    case 'legal-transitions':
      return legalTransitionsIncremental(spec.options);
    case 'reads-valid':
      return readsValidIncremental(spec.options);
    case 'paused-holder-silent':
      return pausedHolderSilentIncremental();
    case 'partitioned-holder-silent':
      return partitionedHolderSilentIncremental();
  }
}
