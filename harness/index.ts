// The public surface of racetrack's harness (`racetrack/harness`): what a program needs to run a
// scenario, fuzz, selftest and bench without the CLI, and the types of what they return.
// Named exports only.
import type { runSelftest } from './selftest/selftest.ts';

export { runScenario, type ProgressState, type RunOptions, type RunOutcome } from './engine/run.ts';
export type { FaultTally, NotChecked, RunResult } from './engine/run-result.ts';
export type { LatencySummary } from './stats/latency.ts';
export { writeRunFiles } from './engine/run-files.ts';
export type { CheckResult, CheckStats, Collisions, IterationSnapshot, Validity } from './checkers/checker.ts';
export type { EventType, HistoryEvent } from './history/history.ts';
export { SCENARIOS } from '../scenarios/workloads/index.ts';
export type { Primitive, Scenario } from '../scenarios/workloads/scenario.ts';
export type { Sut, SutContext, SutOperation } from '../scenarios/suts/sut.ts';
export { SUTS } from '../scenarios/suts/index.ts';
export { runSelftest, type SelftestOptions, type SelftestRow } from './selftest/selftest.ts';
export { runFuzz, FUZZ_PRIMITIVES, DEFAULT_MAX_STATES, type FuzzFailure, type FuzzProgress, type FuzzReport, type FuzzRequest } from './fuzz/run-fuzz.ts';
export { runBenchPlan, type BenchPlan } from './bench/run-bench.ts';
export {
  BENCH_OPS,
  type BenchConfig,
  type BenchIsolation,
  type BenchOpName,
  type BenchReport,
  type ContentionPoint,
  type ContentionRow,
  type LatencyStats,
  type MachineInfo,
  type OverheadResult,
  type RatioReport,
  type SingleOpResult,
} from './bench/bench-types.ts';

/** What {@link runSelftest} resolves to: one row per system and scenario, and whether all are ok. */
export type SelftestReport = Awaited<ReturnType<typeof runSelftest>>;
