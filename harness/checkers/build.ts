import type { Checker } from './checker.ts';
import { claimedOnce } from './claimed-once.ts';
import { counterMatches } from './counter-matches.ts';
import { filesValid } from './files-valid.ts';
import { gapBound } from './gap-bound.ts';
import { legalTransitions } from './legal-transitions.ts';
import { lostUpdates } from './lost-updates.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { noOrphans } from './no-orphans.ts';
import { noUnexpectedFailures } from './no-unexpected-failures.ts';
import { pausedHolderSilent } from './paused-holder-silent.ts';
import { readsValid } from './reads-valid.ts';
import { realTimeOrder } from './real-time-order.ts';
import type { CheckerSpec } from './spec.ts';
import { topicsMatch } from './topics-match.ts';
import { uniqueness } from './uniqueness.ts';

/** Run settings some checkers need. */
export interface CheckerSettings {
  /** How old a lock may get before a breaker may take it (the run's `--stale-ms`). Default 5000. */
  readonly staleMs?: number;
}

/** The checker a spec names, with its options and the run's settings. */
export function buildChecker(spec: CheckerSpec, settings: CheckerSettings = {}): Checker {
  switch (spec.checker) {
    case 'uniqueness':
      return uniqueness(spec.options);
    case 'gap-bound':
      return gapBound(spec.options);
    case 'real-time-order':
      return realTimeOrder(spec.options);
    case 'mutual-exclusion':
      return mutualExclusion({ staleMs: settings.staleMs ?? 5000 });
    case 'claimed-once':
      return claimedOnce(spec.options);
    case 'legal-transitions':
      return legalTransitions(spec.options);
    case 'files-valid':
      return filesValid();
    case 'no-orphans':
      return noOrphans(spec.options);
    case 'lost-updates':
      return lostUpdates(spec.options);
    case 'reads-valid':
      return readsValid(spec.options);
    case 'no-unexpected-failures':
      return noUnexpectedFailures(spec.options);
    case 'counter-matches':
      return counterMatches(spec.options);
    case 'topics-match':
      return topicsMatch(spec.options);
    case 'paused-holder-silent':
      return pausedHolderSilent();
  }
}
