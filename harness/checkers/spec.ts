import type { SutReport } from '../../scenarios/suts/sut.ts';
import type { ClaimedOnceOptions } from './claimed-once.ts';
import type { CounterMatchesOptions } from './counter-matches.ts';
import type { GapBoundOptions } from './gap-bound.ts';
import type { LegalTransitionsOptions } from './legal-transitions.ts';
import type { LostUpdatesOptions } from './lost-updates.ts';
import type { NoOrphansOptions } from './no-orphans.ts';
import type { NoUnexpectedFailuresOptions } from './no-unexpected-failures.ts';
import type { ReadsValidOptions } from './reads-valid.ts';
import type { RealTimeOrderOptions } from './real-time-order.ts';
import type { TopicsMatchOptions } from './topics-match.ts';
import type { UniquenessOptions } from './uniqueness.ts';

/**
 * A checker as a workload names it: which checker, and its options. Workloads declare their
 * checkers as data (they import this type only); the harness builds them (checkers/build.ts), so
 * the data flows one way: scenarios describe, the harness judges.
 */
export type CheckerSpec = (
  | { readonly checker: 'uniqueness'; readonly options: UniquenessOptions }
  | { readonly checker: 'gap-bound'; readonly options: GapBoundOptions }
  | { readonly checker: 'real-time-order'; readonly options: RealTimeOrderOptions }
  | { readonly checker: 'mutual-exclusion' }
  | { readonly checker: 'claimed-once'; readonly options?: ClaimedOnceOptions }
  | { readonly checker: 'legal-transitions'; readonly options?: LegalTransitionsOptions }
  | { readonly checker: 'files-valid' }
  | { readonly checker: 'no-orphans'; readonly options?: NoOrphansOptions }
  | { readonly checker: 'lost-updates'; readonly options?: LostUpdatesOptions }
  | { readonly checker: 'reads-valid'; readonly options?: ReadsValidOptions }
  | { readonly checker: 'no-unexpected-failures'; readonly options: NoUnexpectedFailuresOptions }
  | { readonly checker: 'counter-matches'; readonly options: CounterMatchesOptions }
  | { readonly checker: 'topics-match'; readonly options: TopicsMatchOptions }
  | { readonly checker: 'paused-holder-silent' }
  | { readonly checker: 'partitioned-holder-silent' }
) & {
  /** What the checker needs the system under test to report; a run leaves it out, and says why, when the SUT cannot. */
  readonly needs?: SutReport;
};

/** The name of a checker, as results and reports give it. */
export type CheckerName = CheckerSpec['checker'];
