// The checkers a scenario may use, by name.
export { runChecker, composeVerdicts, type Checker, type CheckInput, type CheckResult, type IterationSnapshot, type Validity } from './checker.ts';
export { uniqueness, type UniquenessOptions } from './uniqueness.ts';
export { gapBound, type GapBoundOptions } from './gap-bound.ts';
export { realTimeOrder, type RealTimeOrderOptions } from './real-time-order.ts';
export { mutualExclusion, type MutualExclusionOptions } from './mutual-exclusion.ts';
export { claimedOnce, type ClaimedOnceOptions } from './claimed-once.ts';
export { legalTransitions, type LegalTransitionsOptions } from './legal-transitions.ts';
export { filesValid } from './files-valid.ts';
export { noOrphans, ORPHAN_PATTERNS, type NoOrphansOptions } from './no-orphans.ts';
export { lostUpdates, type LostUpdatesOptions } from './lost-updates.ts';
export { readsValid, type ReadsValidOptions } from './reads-valid.ts';
export { noUnexpectedFailures, type NoUnexpectedFailuresOptions } from './no-unexpected-failures.ts';
export { partitionedHolderSilent, pausedHolderSilent } from './paused-holder-silent.ts';
export { globMatch } from './glob-match.ts';
